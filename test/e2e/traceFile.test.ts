// Saved traces in a real VS Code (code-server 4.100.3 in Chromium, as visualize.test.ts): a
// `.cvtrace` recorded by the CLI opens from the explorer in the trace editor with the full panel
// (hover highlights the source line, click jumps to it); Save from a live panel goes through
// code-server's own save dialog (its simple file dialog, typed into as a user would) and the
// file reopens with the same spans; a truncated file shows what could be read and the byte
// offset; a newer format version says so; a reload restores the trace editor.
// Screenshots: test-results/e2e-trace-*.png; console: test-results/e2e-trace-console.log.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  REPO,
  RESULTS,
  extensionLog,
  runCommand,
  tabTitles,
  waitFor,
  waitForWorkbench,
} from './harness';
import {
  decoratedLines,
  lineOf,
  openFile,
  openWorkbench,
  panel,
  spanPosition,
  threads,
  type Workbench,
  clickJumpsTo,
  saveInDialog,
  waitForExtensionCommands,
  closeAllEditors,
} from './workbench';

describe('e2e: saved traces (.cvtrace) in a real VS Code (code-server)', function () {
  let workbench: Workbench | undefined;
  let page: Page;
  let examples: string;
  let recorded: Buffer;
  let shot = 0;

  async function screenshot(name: string): Promise<string> {
    shot += 1;
    const file = path.join(RESULTS, `e2e-trace-${shot}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  /** The editor tab with this title (in any group). */
  function tab(title: string) {
    return page.locator('.tabs-container .tab', { hasText: title }).first();
  }

  /**
   * Opens a trace file by clicking it in the explorer, as the only editor; waits for its panel
   * to show `ok`.
   */
  async function openTrace(
    name: string,
    ok: (t: Awaited<ReturnType<typeof threads>>) => boolean,
  ): Promise<Awaited<ReturnType<typeof threads>>> {
    await closeAllEditors(page);
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    await row.click();
    await tab(name).waitFor({ state: 'visible', timeout: 20000 });
    return waitFor(`the trace editor of ${name}`, () => threads(page), ok, 30000).catch(
      async (err: Error) => {
        const file = await screenshot(`${name}-failed`);
        const log = workbench ? extensionLog(workbench.userDataDir).slice(-10).join('\n') : '';
        throw new Error(`${err.message}\n  screenshot: ${file}\n  log:\n${log}`);
      },
    );
  }

  before(async function () {
    this.timeout(15 * 60 * 1000);
    // A trace recorded by the CLI in the opened folder: its source paths are that folder's files.
    workbench = await openWorkbench('e2e-trace-console.log', (dir) => {
      const r = spawnSync(
        process.execPath,
        [
          path.join(REPO, 'dist', 'cli.js'),
          'record',
          '--out',
          'recorded.cvtrace',
          '--',
          process.execPath,
          'timers.js',
        ],
        { cwd: dir, encoding: 'utf8', timeout: 60000 },
      );
      assert.equal(r.status, 0, `record failed:\n${r.stdout}${r.stderr}`);
    });
    ({ page, examples } = workbench);
    await waitForExtensionCommands(page);
    recorded = fs.readFileSync(path.join(examples, 'recorded.cvtrace'));
    assert.ok(recorded.length > 8, 'the recorded trace has frames');
  });

  after(async function () {
    this.timeout(30000);
    await workbench?.close();
  });

  const timersLine = lineOf(path.join(REPO, 'examples', 'timers.js'), 'setTimeout(');
  let recordedSpans = 0;

  it('a) a .cvtrace opens from the explorer in the trace editor with its spans', async function () {
    this.timeout(90000);
    const shown = await openTrace(
      'recorded.cvtrace',
      (t) => t.title === 'recorded.cvtrace' && t.spans > 0 && t.state === 'replay',
    );
    recordedSpans = shown.spans;
    assert.ok(shown.lanes >= 1);
    assert.equal(await panel(page).locator('#run-again').isDisabled(), true, 'no Run Again');
    assert.equal(await panel(page).locator('#error').isHidden(), true, 'no error banner');
    await screenshot('opened');
  });

  it('b) hovering a Timeout span highlights its line in timers.js; clicking jumps there', async function () {
    this.timeout(60000);
    // The trace editor fills the window until the hover opens timers.js beside it (narrowing
    // it and moving the span): each poll finds the span where it is drawn now and hovers it.
    const canvas = panel(page).locator('#threads-canvas');
    let spanPx = { x: 0, y: 0 };
    const hoverSpan = async (): Promise<string[]> => {
      spanPx = await spanPosition(page, 'Timeout');
      await canvas.hover({ position: spanPx, timeout: 2000 });
      return decoratedLines(page, 'timers.js');
    };
    const onLine = (lines: string[]) => lines.some((d) => d.startsWith(`${timersLine}:`));
    await waitFor(`a decoration on timers.js:${timersLine} after hovering`, hoverSpan, onLine);
    await tab('timers.js').waitFor({ state: 'visible', timeout: 15000 });
    // Off the span and back: the highlight follows the pointer in the narrowed panel too.
    await panel(page).locator('#title').hover();
    await waitFor(
      `a decoration on timers.js:${timersLine} after hovering again`,
      hoverSpan,
      onLine,
    );
    await screenshot('hover-highlight');
    await clickJumpsTo(page, spanPx, 'timers.js', timersLine);
    await screenshot('jumped');
  });

  it('c) Save from a live panel writes a .cvtrace through the save dialog; it reopens the same', async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    await openFile(page, 'timers.js');
    await runCommand(page, 'Visualize Concurrency');
    const live = await waitFor(
      'the timers.js panel to show the program exited with spans',
      () => threads(page),
      (t) => t.title === 'timers.js' && t.spans > 0 && t.state === 'exited',
      60000,
    );
    await panel(page).locator('#save').click();
    // code-server's save dialog is VS Code's simple file dialog: a quick input holding a path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    // The dialog fills in its folder first, then the proposed name.
    await waitFor(
      'the dialog to propose timers.cvtrace beside timers.js',
      () => input.inputValue(),
      (v) => v === path.join(examples, 'timers.cvtrace'),
      15000,
    );
    await screenshot('save-dialog');
    const saved = await saveInDialog(page, path.join(examples, 'saved-timers.cvtrace'), 8);
    assert.deepEqual([...saved.subarray(0, 4)], [...Buffer.from('CVTR')], 'the file header');
    const reopened = await openTrace(
      'saved-timers.cvtrace',
      (t) => t.title === 'saved-timers.cvtrace' && t.spans > 0 && t.state === 'replay',
    );
    assert.equal(reopened.spans, live.spans, 'the saved trace has the live panel spans');
    assert.equal(reopened.lanes, live.lanes);
    await screenshot('saved-reopened');

    // The palette's command saves the trace editor in front: the same bytes again.
    await runCommand(page, 'Concurrency Visualizer: Save Trace As');
    await waitFor(
      'the dialog to propose saved-timers.cvtrace in the workspace folder',
      () => input.inputValue(),
      (v) => v === path.join(examples, 'saved-timers.cvtrace'),
      15000,
    );
    const copied = await saveInDialog(page, path.join(examples, 'copy.cvtrace'), 0);
    assert.ok(copied.equals(saved), 'the copy holds the bytes of the file it was opened from');
  });

  it('d) a truncated .cvtrace shows what could be read and the byte offset', async function () {
    this.timeout(60000);
    const truncatedLength = recorded.length - 7; // inside the last frame
    fs.writeFileSync(
      path.join(examples, 'truncated.cvtrace'),
      recorded.subarray(0, truncatedLength),
    );
    await openTrace(
      'truncated.cvtrace',
      (t) => t.title === 'truncated.cvtrace' && t.state === 'replay',
    );
    const banner = panel(page).locator('#error-text');
    const message = await waitFor(
      'the error banner to name a byte offset',
      () => banner.innerText({ timeout: 2000 }),
      (t) => /byte offset \d+/.test(t),
      15000,
    );
    const offset = Number(/byte offset (\d+)/.exec(message)![1]);
    assert.ok(
      offset >= 8 && offset <= truncatedLength,
      `offset ${offset} within the file (${truncatedLength} bytes): ${message}`,
    );
    const shown = await threads(page);
    consoleLines().push(`[e2e] truncated trace: "${message}", ${shown.spans} spans shown`);
    assert.ok(shown.spans > 0, `what could be read is shown: ${JSON.stringify(shown)}`);
    await screenshot('truncated');
  });

  it('e) a .cvtrace of a newer format version says so', async function () {
    this.timeout(60000);
    const newer = Buffer.from(recorded);
    newer[4] = 99;
    fs.writeFileSync(path.join(examples, 'newer.cvtrace'), newer);
    const shown = await openTrace('newer.cvtrace', (t) => t.title === 'newer.cvtrace');
    assert.match(shown.status ?? '', /newer version of Concurrency Visualizer \(format version 99/);
    await screenshot('newer-version');
  });

  it('f) a window reload restores the trace editor from its file', async function () {
    this.timeout(90000);
    assert.ok(recordedSpans > 0, 'a) must have read the span count');
    await openTrace(
      'recorded.cvtrace',
      (t) => t.title === 'recorded.cvtrace' && t.spans === recordedSpans,
    );
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    await runCommand(page, 'Developer: Reload Window', { notText: 'Extensions Disabled' });
    await loaded;
    await waitForWorkbench(page);
    await tab('recorded.cvtrace').waitFor({ state: 'visible', timeout: 30000 });
    await waitFor(
      `the restored recorded.cvtrace editor with its ${recordedSpans} spans`,
      () => threads(page),
      (t) => t.title === 'recorded.cvtrace' && t.spans === recordedSpans && t.state === 'replay',
      45000,
    );
    workbench!.consoleLines.push(
      `[e2e] tabs after reload: ${JSON.stringify(await tabTitles(page))}`,
    );
    await screenshot('reloaded');
  });

  function consoleLines(): string[] {
    return workbench!.consoleLines;
  }
});
