// Compare Trace With… in a real VS Code (code-server in Chromium, as traceFile.test.ts): two
// traces recorded by the CLI of one program waiting 50 ms, then 150 ms, in a setTimeout. From
// the explorer (Select Trace for Compare, then Compare Trace with Selected) one panel shows both
// timelines with their spans on one window of time, a header whose wall-time delta is the one
// `compare --json` prints for the same files, and hovering a span of the lower trace lights its
// line in the editor; from the palette with a trace editor in front, the file dialog picks the
// other (also from a live panel's title bar); a damaged or newer file is named; `code-server
// FILE` in the terminal and a drag from the explorer open the trace editor; a reload restores
// a comparison of two files. Screenshots:
// test-results/e2e-compare-* (with CV_UPDATE_SCREENSHOT=1, the README's media/trace-editor.png
// and media/compare.png).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { deltaText, type TraceComparison } from '../../src/model/compare';
import { REPO, RESULTS, extensionLog, runCommand, waitFor, waitForWorkbench } from './harness';
import {
  decoratedLines,
  lineOf,
  openWorkbench,
  panel,
  panelFrame,
  threads,
  type Workbench,
  waitForExtensionCommands,
  closeAllEditors,
} from './workbench';

/** Waits argv[2] ms in one setTimeout, then computes a little. */
const PROGRAM = `const waitMs = Number(process.argv[2]);
setTimeout(() => {
  const until = Date.now() + 3;
  while (Date.now() < until) {}
}, waitMs);
`;

/** What the Compare view's test hooks say of each side (webview-ui/compareTestHooks.ts). */
interface SideState {
  name: string;
  lanes: number;
  spans: number;
  error: boolean;
  startNs: number;
  endNs: number;
}

type CompareGlobals = {
  cvCompare?: { sides(): SideState[] };
  cvDebug?: { findSpan(query: object): { x: number; y: number } | undefined };
};

describe('e2e: Compare Trace With… in a real VS Code (code-server)', function () {
  let workbench: Workbench | undefined;
  let page: Page;
  let examples: string;
  let shot = 0;

  async function screenshot(name: string, readme?: string): Promise<string> {
    shot += 1;
    const file = path.join(RESULTS, `e2e-compare-${shot}-${name}.png`);
    await page.screenshot({ path: file });
    if (readme && process.env.CV_UPDATE_SCREENSHOT) {
      fs.copyFileSync(file, path.join(REPO, 'media', readme));
    }
    return file;
  }

  function row(name: string) {
    return page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  }

  /** Right-clicks `name` in the explorer and picks `item` from its context menu. */
  async function contextMenu(name: string, item: string): Promise<void> {
    const menu = page.locator('.context-view .monaco-menu');
    const entry = menu.locator('.action-item', { hasText: item }).first();
    let tries = 0;
    // A right-click while the workbench lays itself out again can open no menu: ask again.
    await waitFor(
      `"${item}" in the context menu of ${name}`,
      async () => {
        if (tries++ > 0) {
          // Not before the first: Escape in the explorer clears its selection.
          await page.keyboard.press('Escape');
        }
        await row(name).click({ button: 'right' });
        return entry.waitFor({ state: 'visible', timeout: 2000 }).then(
          () => true,
          () => false,
        );
      },
      (shown) => shown,
      20000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n  screenshot: ${await screenshot('menu-failed')}`);
    });
    // The pointer focuses a menu item; Enter runs the focused one.
    await entry.hover();
    await waitFor(
      `"${item}" focused in the menu`,
      () => entry.getAttribute('class'),
      (c) => (c ?? '').includes('focused'),
      5000,
    );
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 10000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}\n  screenshot: ${await screenshot('menu-failed')}`);
    });
  }

  /** The Compare view's frame once it shows `names` with spans on both sides. */
  async function compareView(
    names: [string, string],
    anyOrder = false,
  ): Promise<{ frame: Frame; sides: SideState[] }> {
    return waitFor(
      `the Compare view of ${names.join(' and ')}`,
      async () => {
        const frame = await panelFrame(page);
        const sides = await frame.evaluate(() =>
          (globalThis as unknown as CompareGlobals).cvCompare?.sides(),
        );
        return { frame, sides: sides ?? [] };
      },
      ({ sides }) =>
        sides.length === 2 &&
        (anyOrder
          ? [...sides.map((side) => side.name)].sort().join() === [...names].sort().join()
          : sides[0].name === names[0] && sides[1].name === names[1]) &&
        sides.every((s) => s.spans > 0 || s.error),
      45000,
    ).catch(async (err: Error) => {
      const file = await screenshot('compare-failed');
      const log = workbench ? extensionLog(workbench.userDataDir).slice(-10).join('\n') : '';
      throw new Error(`${err.message}\n  screenshot: ${file}\n  log:\n${log}`);
    });
  }

  /** `compare --json` of two files of the opened folder. */
  function cliCompare(a: string, b: string): TraceComparison {
    const r = spawnSync(
      process.execPath,
      [path.join(REPO, 'dist', 'cli.js'), 'compare', '--json', a, b],
      { cwd: examples, encoding: 'utf8', timeout: 60000 },
    );
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as TraceComparison;
  }

  before(async function () {
    this.timeout(15 * 60 * 1000);
    workbench = await openWorkbench('e2e-compare-console.log', (dir) => {
      fs.writeFileSync(path.join(dir, 'waits.js'), PROGRAM);
      for (const [name, ms] of [
        ['fast.cvtrace', 50],
        ['slow.cvtrace', 150],
      ] as const) {
        const r = spawnSync(
          process.execPath,
          [
            path.join(REPO, 'dist', 'cli.js'),
            'record',
            '--out',
            name,
            '--',
            process.execPath,
            'waits.js',
            `${ms}`,
          ],
          { cwd: dir, encoding: 'utf8', timeout: 60000 },
        );
        assert.equal(r.status, 0, `record failed:\n${r.stdout}${r.stderr}`);
      }
      const slow = fs.readFileSync(path.join(dir, 'slow.cvtrace'));
      fs.writeFileSync(path.join(dir, 'cut.cvtrace'), slow.subarray(0, slow.length - 7));
      const newer = Buffer.from(slow);
      newer[4] = 99; // the format version
      fs.writeFileSync(path.join(dir, 'newer.cvtrace'), newer);
    });
    ({ page, examples } = workbench);
    await waitForExtensionCommands(page);
  });

  after(async function () {
    this.timeout(30000);
    await workbench?.close();
  });

  const waitsLine = () => lineOf(path.join(examples, 'waits.js'), 'setTimeout(');

  it('a) the trace editor from the explorer: a hovered span lights its line (README picture)', async function () {
    this.timeout(90000);
    await closeAllEditors(page);
    await row('slow.cvtrace').click();
    await waitFor(
      'the trace editor of slow.cvtrace',
      () => threads(page),
      (t) => t.title === 'slow.cvtrace' && t.spans > 0 && t.state === 'replay',
      30000,
    );
    const canvas = panel(page).locator('#threads-canvas');
    const lit = await waitFor(
      `waits.js:${waitsLine()} lit after hovering a Timeout span`,
      async () => {
        const frame = await panelFrame(page);
        const at = await frame.evaluate(() =>
          (globalThis as unknown as CompareGlobals).cvDebug?.findSpan({ type: 'Timeout' }),
        );
        if (at) {
          await canvas.hover({ position: at, timeout: 2000 });
        }
        return decoratedLines(page, 'waits.js');
      },
      (lines) => lines.some((d) => d.startsWith(`${waitsLine()}:`)),
      30000,
    );
    assert.ok(lit.length > 0);
    await screenshot('trace-editor-hover', 'trace-editor.png');
  });

  it('b) Select Trace for Compare, then Compare Trace with Selected: both runs on one axis, the deltas of compare --json', async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    // Taller than the other tests' window, so that the README's picture holds the header and
    // both timelines.
    await page.setViewportSize({ width: 1600, height: 1250 });
    await contextMenu('fast.cvtrace', 'Select Trace for Compare');
    await contextMenu('slow.cvtrace', 'Compare Trace with Selected');
    const { frame, sides } = await compareView(['fast.cvtrace', 'slow.cvtrace']);
    for (const side of sides) {
      assert.ok(side.lanes >= 1 && side.spans > 0, JSON.stringify(side));
      assert.equal(side.error, false);
    }
    // One time axis: both timelines drew the same window (each run from its launch).
    assert.deepEqual(
      [sides[1].startNs, sides[1].endNs],
      [sides[0].startNs, sides[0].endNs],
      'the same window in both',
    );
    // Both canvases drawn, with their spans.
    const drawn = await frame.evaluate(() =>
      Array.from(
        (
          globalThis as unknown as {
            document: {
              querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }>;
            };
          }
        ).document.querySelectorAll('.compare-side #threads'),
      ).map((box) => Number(box.getAttribute('data-spans'))),
    );
    assert.deepEqual(drawn, [sides[0].spans, sides[1].spans]);
    // The header's wall time: the delta `compare --json` prints for the same files.
    const fromCli = cliCompare('fast.cvtrace', 'slow.cvtrace');
    const wall = await panel(page).locator('tr[data-figure="wallMs"] td.delta').innerText();
    assert.equal(wall.trim(), deltaText(fromCli.wallMs, ' ms'));
    const cells = await panel(page).locator('tr[data-figure="wallMs"] td').allInnerTexts();
    assert.deepEqual(
      cells.map((c) => c.trim()),
      [`${fromCli.wallMs.a} ms`, `${fromCli.wallMs.b} ms`, deltaText(fromCli.wallMs, ' ms')],
    );
    await screenshot('compare-view');

    // Hovering a Timeout span of the lower trace (B) lights its line in waits.js.
    const lower = panel(page).locator('.side-b #threads-canvas');
    await waitFor(
      `waits.js:${waitsLine()} lit after hovering the lower trace's Timeout span`,
      async () => {
        const f = await panelFrame(page);
        const at = await f.evaluate(() =>
          (globalThis as unknown as CompareGlobals).cvDebug?.findSpan({ type: 'Timeout' }),
        );
        if (at) {
          await lower.hover({ position: at, timeout: 2000 });
        }
        return decoratedLines(page, 'waits.js');
      },
      (lines) => lines.some((d) => d.startsWith(`${waitsLine()}:`)),
      30000,
    );
    await screenshot('compare-hover', 'compare.png');
    await page.setViewportSize({ width: 1600, height: 900 });
  });

  it('c) Compare Trace With… from the palette with a trace editor in front picks the other in the file dialog; a damaged file is named with its byte offset', async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    await row('fast.cvtrace').click();
    await waitFor(
      'the trace editor of fast.cvtrace',
      () => threads(page),
      (t) => t.title === 'fast.cvtrace' && t.spans > 0,
      30000,
    );
    await runCommand(page, 'Concurrency Visualizer: Compare Trace With');
    // code-server's open dialog is VS Code's simple file dialog: a quick input holding a path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await waitFor(
      'the dialog to open in the folder of fast.cvtrace',
      () => input.inputValue(),
      (v) => v.startsWith(examples),
      15000,
    );
    await input.fill(path.join(examples, 'cut.cvtrace'));
    await input.press('Enter');
    // The picked file is A (the baseline), the trace in front B, as VS Code's compare does.
    const { sides } = await compareView(['cut.cvtrace', 'fast.cvtrace']);
    await screenshot('compare-damaged');
    assert.equal(sides[0].error, true, JSON.stringify(sides));
    assert.equal(sides[1].error, false);
    const banner = await panel(page).locator('.side-a .compare-error').innerText();
    assert.match(banner, /^cut\.cvtrace: .*byte offset \d+/);
    assert.ok(sides[0].spans > 0, 'what could be read of the damaged file is shown');
  });

  it('d) `code-server slow.cvtrace` in the integrated terminal (as `code trace.cvtrace`) opens the trace editor', async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    await runCommand(page, 'Terminal: Create New Terminal', { notText: 'Editor' });
    const terminal = page
      .locator('.terminal-wrapper.active .xterm-helper-textarea, .terminal .xterm-helper-textarea')
      .last();
    await terminal.waitFor({ state: 'attached', timeout: 20000 });
    // The terminal's shell starts in the opened folder; code-server's remote CLI is on its PATH.
    await waitFor(
      'the terminal to take input',
      async () => {
        await terminal.focus();
        return page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { className: string } | null } })
              .document.activeElement?.className ?? '',
        );
      },
      (c) => c.includes('xterm-helper-textarea'),
      20000,
    );
    await page.keyboard.type(`code-server ${path.join(examples, 'slow.cvtrace')}`);
    await page.keyboard.press('Enter');
    await waitFor(
      'slow.cvtrace in the trace editor',
      () => threads(page),
      (t) => t.title === 'slow.cvtrace' && t.spans > 0 && t.state === 'replay',
      45000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n  screenshot: ${await screenshot('code-cli-failed')}`);
    });
    await screenshot('code-cli');
    await runCommand(page, 'Terminal: Kill All Terminals');
  });

  it('e) a .cvtrace dragged from the explorer onto the editor area opens in the trace editor', async function () {
    this.timeout(90000);
    await closeAllEditors(page);
    // A user's drag: press on the row, move over the editor area in steps (VS Code shows its
    // drop overlay on dragenter), release there.
    const from = await row('fast.cvtrace').boundingBox();
    const to = await page.locator('.editor-group-container').first().boundingBox();
    assert.ok(from && to, 'the explorer row and the editor area are on screen');
    await page.mouse.move(from.x + from.width / 3, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
    await page.mouse.move(to.x + to.width / 2 + 10, to.y + to.height / 2 + 10, { steps: 5 });
    await page.mouse.up();
    await waitFor(
      'fast.cvtrace in the trace editor after the drop',
      () => threads(page),
      (t) => t.title === 'fast.cvtrace' && t.spans > 0 && t.state === 'replay',
      30000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n  screenshot: ${await screenshot('drop-failed')}`);
    });
    await screenshot('dropped');
  });

  it('f) Compare Selected Traces on two files selected in the explorer; a newer version is named', async function () {
    this.timeout(90000);
    await closeAllEditors(page);
    await row('fast.cvtrace').click();
    await row('newer.cvtrace').click({ modifiers: ['Control'] });
    await contextMenu('newer.cvtrace', 'Compare Selected Traces');
    const { sides } = await compareView(['fast.cvtrace', 'newer.cvtrace'], true);
    const newer = sides.find((side) => side.name === 'newer.cvtrace')!;
    const fast = sides.find((side) => side.name === 'fast.cvtrace')!;
    assert.equal(newer.error, true);
    assert.equal(fast.error, false);
    assert.ok(fast.spans > 0);
    const side = sides.indexOf(newer) === 0 ? 'a' : 'b';
    const banner = await panel(page).locator(`.side-${side} .compare-error`).innerText();
    assert.match(
      banner,
      /^newer\.cvtrace: written by a newer version of Concurrency Visualizer \(format version 99/,
    );
    await screenshot('compare-selected-newer');
  });

  it("g) the live panel's title bar button compares its run with a file picked in the dialog", async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    await row('waits.js').click();
    await runCommand(page, 'Visualize Concurrency');
    await waitFor(
      'the waits.js panel to show the program exited with spans',
      () => threads(page),
      (t) => t.title === 'waits.js' && t.spans > 0 && t.state === 'exited',
      60000,
    );
    // The panel's group in front (a user clicks its tab), then its title bar's button.
    await page
      .locator('.tabs-container .tab', { hasText: 'Concurrency: waits.js' })
      .first()
      .click();
    const button = page
      .locator('.editor-actions .action-label[aria-label^="Compare Trace With"] >> visible=true')
      .first();
    await button.click({ timeout: 15000 }).catch(async (err: Error) => {
      const labels = await page
        .locator('.editor-actions .action-label')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      throw new Error(
        `${err.message}\n  title bar actions: ${JSON.stringify(labels)}\n  screenshot: ${await screenshot('live-button-failed')}`,
      );
    });
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    // The dialog fills in its folder first: typed before that, the path would be replaced.
    await waitFor(
      'the dialog to open in the workspace folder',
      () => input.inputValue(),
      (v) => v.startsWith(examples),
      15000,
    );
    await input.fill(path.join(examples, 'fast.cvtrace'));
    await input.press('Enter');
    const { sides } = await compareView(['fast.cvtrace', 'waits.js']);
    assert.ok(
      sides.every((side) => !side.error && side.spans > 0),
      JSON.stringify(sides),
    );
    await screenshot('compare-live');
  });

  it('h) a window reload restores a comparison of two files, both read again', async function () {
    this.timeout(120000);
    await closeAllEditors(page);
    await contextMenu('fast.cvtrace', 'Select Trace for Compare');
    await contextMenu('slow.cvtrace', 'Compare Trace with Selected');
    const before = await compareView(['fast.cvtrace', 'slow.cvtrace']);
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    await runCommand(page, 'Developer: Reload Window', { notText: 'Extensions Disabled' });
    await loaded;
    await waitForWorkbench(page);
    const after = await compareView(['fast.cvtrace', 'slow.cvtrace']);
    assert.deepEqual(
      after.sides.map((side) => side.spans),
      before.sides.map((side) => side.spans),
    );
    await screenshot('compare-reloaded');
  });
});
