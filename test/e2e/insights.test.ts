// Code insights end to end (#16 items 4 and 5), in code-server as a user sees them: after a run
// of a blocking program and of a sequential-awaits program (test/fixtures/insights/), the
// editor shows each line's figures at its end, a gutter mark on the blocking callback's line with
// a hover, the Problems panel lists both findings, and the Promise.all quick fix applies; they
// come back after a window reload and go with the panels. Sampled stacks (#17): a 300 ms timer
// callback burning in a named function shows its loop line's self time with a hover, and the
// panel's Stacks track hovers that function's frame and jumps to its line.
// Screenshots: test-results/e2e-insights-*.png (CV_UPDATE_SCREENSHOT=1 also writes
// media/insights.png, media/stacks.png and media/stacks-editor.png for the README).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO, RESULTS, runCommand, waitFor, waitForWorkbench } from './harness';
import {
  lineOf,
  openFile,
  openWorkbench,
  panel,
  panelFrame,
  spanPosition,
  threads,
  type Workbench,
} from './workbench';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'insights');
const BLOCKING = 'blocking.js';
const SEQUENTIAL = 'sequential-awaits.js';
const BURN = 'burn.js';
/** The Stacks track's layout (webview-ui/timeline/flameTrack.ts): a label row, 14 px a depth. */
const FLAME_LABEL_PX = 16;
const FLAME_ROW_PX = 14;

/** The little of the DOM the page-side function below reads (the host tsconfig has no DOM lib). */
interface Element {
  textContent: string | null;
  className: string;
  style: { top: string };
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
}
type Globals = {
  document: Element;
  getComputedStyle(el: Element, pseudo: string): { content: string };
};

/**
 * What the editor showing `file` draws per line number: the text of every decoration after the
 * line's code (VS Code renders `after.contentText` as a ::after pseudo-element), and the class
 * names of the glyph-margin marks.
 */
async function editorMarks(
  page: Page,
  file: string,
): Promise<{ after: Record<string, string[]>; glyphs: Record<string, string[]> }> {
  // No named functions inside: tsx's esbuild would wrap them in a __name() the page lacks.
  return page.evaluate((name) => {
    const g = globalThis as unknown as Globals;
    const after: Record<string, string[]> = {};
    const glyphs: Record<string, string[]> = {};
    for (const group of Array.from(g.document.querySelectorAll('.editor-group-container'))) {
      const tab = group.querySelector('.tab.active');
      if (!tab || !(tab.textContent || '').includes(name)) {
        continue;
      }
      const numbers: Record<string, string> = {};
      for (const m of Array.from(group.querySelectorAll('.margin-view-overlays > div'))) {
        numbers[m.style.top] = (m.querySelector('.line-numbers')?.textContent || '?').trim();
      }
      for (const line of Array.from(group.querySelectorAll('.view-lines > .view-line'))) {
        for (const span of Array.from(line.querySelectorAll('span[class*="ced-"]'))) {
          const content = g.getComputedStyle(span, '::after').content;
          if (content && content !== 'none' && content !== 'normal') {
            (after[numbers[line.style.top] ?? '?'] ??= []).push(content.replace(/^"|"$/g, ''));
          }
        }
      }
      for (const glyph of Array.from(group.querySelectorAll('.cgmr[class*="ced-"]'))) {
        (glyphs[numbers[glyph.style.top] ?? '?'] ??= []).push(glyph.className);
      }
    }
    return { after, glyphs };
  }, file);
}

/** The rows of the Problems panel, as text. */
async function problems(page: Page): Promise<string[]> {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

describe('e2e: code insights in the editor and the Problems panel (code-server)', function () {
  let workbench: Workbench | undefined;
  let page: Page;
  let examples: string;
  let shot = 0;

  async function screenshot(name: string): Promise<string> {
    shot += 1;
    const file = path.join(RESULTS, `e2e-insights-${shot}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  /** Runs `file` under the tracer and waits until its panel says it exited. */
  async function visualize(file: string): Promise<void> {
    await openFile(page, file);
    await runCommand(page, 'Visualize Concurrency', { onFail: () => screenshot('palette') });
    await waitFor(
      `the panel of ${file} to show it exited`,
      () => threads(page),
      (t) => (t.title ?? '').includes(file) && t.state === 'exited' && t.spans > 0,
      60000,
    );
    // The source beside the panel again, in front.
    await openFile(page, file);
  }

  before(async function () {
    this.timeout(15 * 60 * 1000);
    workbench = await openWorkbench('e2e-insights-console.log', (dir) => {
      for (const f of [BLOCKING, SEQUENTIAL, BURN]) {
        fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
      }
    });
    ({ page, examples } = workbench);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await screenshot('failed').catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(30000);
    await workbench?.close();
  });

  const busyLine = lineOf(path.join(FIXTURES, BLOCKING), 'setTimeout(() => {');
  const victimLine = lineOf(path.join(FIXTURES, BLOCKING), 'setTimeout(() => (lateTimerRan');

  it('a) marks the blocking callback: end-of-line figures, gutter mark, hover, Problems entry', async function () {
    this.timeout(120000);
    await visualize(BLOCKING);
    const marks = await waitFor(
      `figures after lines ${busyLine} and ${victimLine} and a gutter mark on ${busyLine}`,
      () => editorMarks(page, BLOCKING),
      (m) =>
        (m.after[busyLine] ?? []).some((t) => /held the thread \d+ ms/.test(t)) &&
        (m.after[victimLine] ?? []).some((t) => / · waited \d+ ms/.test(t)) &&
        (m.glyphs[busyLine] ?? []).length > 0,
      30000,
    );
    // The busy callback held the thread about 300 ms; the 50 ms timer waited behind it.
    const busyMs = Number(/held the thread (\d+) ms/.exec(marks.after[busyLine].join(' '))![1]);
    assert.ok(busyMs >= 290, `blocked ${busyMs} ms, not about 300`);
    const waitedMs = Number(/waited (\d+) ms/.exec(marks.after[victimLine].join(' '))![1]);
    assert.ok(
      waitedMs >= 250,
      `the victim waited ${waitedMs} ms, not its 50 ms plus the 250 ms delay`,
    );

    // The hover on the blocking line says what it held up, with the victim's line.
    const busyCode = page
      .locator('.editor-group-container.active .view-line', { hasText: 'setTimeout(() => {' })
      .first();
    // \s: MarkdownString.appendText writes spaces as &nbsp;.
    const ours = (t: string): boolean => /Blocking\scallback:\sheld\sthe\sthread\s\d+\sms/.test(t);
    await busyCode.hover({ position: { x: 30, y: 5 }, force: true });
    let polls = 0;
    const hover = await waitFor(
      'the hover of the blocking line',
      async () => {
        const texts = await page.locator('.monaco-hover:visible').allInnerTexts();
        // A hover that did not open: every 3 s point elsewhere, then at the line again (not at
        // every poll: the hover opens only after the pointer rests there a while).
        if (!texts.some(ours) && ++polls % 12 === 0) {
          await page.mouse.move(5, 5);
          await busyCode.hover({ position: { x: 30, y: 5 }, force: true });
        }
        return texts;
      },
      (texts) => texts.some(ours),
      20000,
    );
    assert.ok(
      hover.some((t) => t.includes(`${BLOCKING}:${victimLine}`)),
      `the hover names the victim's line: ${JSON.stringify(hover)}`,
    );
    await screenshot('blocking-hover');
    await page.keyboard.press('Escape');

    await runCommand(page, 'Problems: Focus on Problems View');
    const rows = await waitFor(
      'the Problems panel to list the blocking callback',
      () => problems(page),
      (r) => r.some((t) => /held .* for \d+ ms/.test(t) && t.includes('Concurrency Visualizer')),
      15000,
    );
    assert.ok(
      rows.some((t) => t.includes(`[Ln ${victimLine},`) || t.includes('delayed')),
      `the victim is related information: ${JSON.stringify(rows)}`,
    );
  });

  it('a2) Run Again replaces them with the new run', async function () {
    this.timeout(120000);
    // The late timer taken out and saved on disk (the editor reloads it): the new run creates
    // nothing on that line and holds nothing up, whatever the machine's load does to timings.
    const file = path.join(examples, BLOCKING);
    const source = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      source.replace('setTimeout(() => (lateTimerRan = true), 50);', 'lateTimerRan = true;'),
    );
    await runCommand(page, 'Concurrency Visualizer: Run Again');
    const marks = await waitFor(
      `no figures on line ${victimLine} and a blocking note on ${busyLine} without victims`,
      () => editorMarks(page, BLOCKING),
      (m) =>
        m.after[victimLine] === undefined &&
        (m.after[busyLine] ?? []).some((t) => /held the thread \d+ ms/.test(t)) &&
        !(m.after[busyLine] ?? []).some((t) => /waited behind it/.test(t)),
      60000,
    );
    assert.equal(marks.glyphs[busyLine]?.length, 1, 'one gutter mark: the old run is gone');
    fs.writeFileSync(file, source); // c) reads the original again
  });

  const seqLines = ['const a =', 'const b =', 'const c ='].map((t) =>
    lineOf(path.join(FIXTURES, SEQUENTIAL), t),
  );

  it('b) marks sequential awaits, lists them in Problems, and the quick fix awaits them together', async function () {
    this.timeout(120000);
    await visualize(SEQUENTIAL);
    const marks = await waitFor(
      `gutter marks on the awaits (lines ${seqLines.join(', ')})`,
      () => editorMarks(page, SEQUENTIAL),
      (m) => seqLines.every((l) => (m.glyphs[l] ?? []).length > 0),
      30000,
    );
    assert.ok(
      (marks.after[seqLines[0]] ?? []).some((t) =>
        /awaited one after another: \d+ ms, together \d+ ms/.test(t),
      ),
      `the first await's note: ${JSON.stringify(marks.after)}`,
    );
    await runCommand(page, 'Problems: Focus on Problems View');
    await waitFor(
      'the Problems panel to list the sequential awaits',
      () => problems(page),
      (r) => r.some((t) => /3 awaits at lines .* ran one after another/.test(t)),
      15000,
    );
    const file = await screenshot('sequential-problems');
    if (process.env.CV_UPDATE_SCREENSHOT) {
      fs.copyFileSync(file, path.join(REPO, 'media', 'insights.png'));
    }

    // The cursor on the second await, then Quick Fix (Ctrl+.).
    await page
      .locator('.editor-group-container.active .view-line', { hasText: 'const b = await' })
      .first()
      .click();
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Promise.all' }).first();
    // Asked again while the menu lacks it: on a loaded machine the first answer may come late.
    await waitFor(
      'the Quick Fix menu to offer Promise.all',
      async () => {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+.');
        return fix.waitFor({ state: 'visible', timeout: 5000 }).then(
          () => true,
          () => false,
        );
      },
      (shown) => shown,
      30000,
    );
    // The menu takes keys (a pointer block covers it from clicks): down to the fix, then Enter.
    await waitFor(
      'the quick fix to be the focused entry',
      async () => {
        const focused = await fix.getAttribute('class');
        if (!focused?.split(' ').includes('focused')) {
          await page.keyboard.press('ArrowDown');
        }
        return focused;
      },
      (c) => !!c?.split(' ').includes('focused'),
      10000,
    );
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+s');
    const saved = await waitFor(
      `${SEQUENTIAL} saved with the awaits together`,
      async () => fs.readFileSync(path.join(examples, SEQUENTIAL), 'utf8'),
      (t) => t.includes('Promise.all'),
      15000,
    );
    assert.match(
      saved,
      /\n {2}const \[a, b, c\] = await Promise\.all\(\[sleep\(100, 'a'\), sleep\(100, 'b'\), sleep\(100, 'c'\)\]\);\n {2}console\.log\(a, b, c\);/,
    );
  });

  it('c) a window reload brings them back with the restored panels', async function () {
    this.timeout(120000);
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    await runCommand(page, 'Developer: Reload Window', { notText: 'Extensions Disabled' });
    await loaded;
    await waitForWorkbench(page);
    // The panel in front (sequential-awaits.js) is restored first and posts its insights again.
    await runCommand(page, 'Problems: Focus on Problems View');
    await waitFor(
      'the Problems panel to list the sequential awaits after the reload',
      () => problems(page),
      (r) => r.some((t) => /3 awaits at lines .* ran one after another/.test(t)),
      45000,
    );
    // The blocking program's panel is restored when shown; then its marks are back.
    await page
      .locator('.tabs-container .tab', { hasText: 'Concurrency: blocking.js' })
      .first()
      .click();
    await waitFor(
      'the blocking.js panel restored',
      () => threads(page),
      (t) => (t.title ?? '').includes(BLOCKING) && t.state === 'replay' && t.spans > 0,
      45000,
    );
    // The source in the first group, beside the panel (the explorer would open it over the panel).
    await page
      .locator('.editor-group-container')
      .first()
      .locator('.tab', { hasText: BLOCKING, hasNotText: 'Concurrency' })
      .first()
      .click();
    await waitFor(
      `the gutter mark and figures on ${BLOCKING}:${busyLine} after the reload`,
      () => editorMarks(page, BLOCKING),
      (m) =>
        (m.glyphs[busyLine] ?? []).length > 0 &&
        (m.after[busyLine] ?? []).some((t) => /held the thread \d+ ms/.test(t)),
      45000,
    );
    await screenshot('after-reload');
  });

  it('c2) Toggle Code Insights hides them and shows them again', async function () {
    this.timeout(90000);
    const shown = (m: Awaited<ReturnType<typeof editorMarks>>): boolean =>
      (m.glyphs[busyLine] ?? []).length > 0 && (m.after[busyLine] ?? []).length > 0;
    await runCommand(page, 'Concurrency Visualizer: Toggle Code Insights');
    await waitFor(
      'no figures, marks or problems while toggled off',
      async () => ({ marks: await editorMarks(page, BLOCKING), rows: await problems(page) }),
      (s) => !shown(s.marks) && !s.rows.some((t) => t.includes('Concurrency Visualizer')),
      20000,
    );
    await runCommand(page, 'Concurrency Visualizer: Toggle Code Insights');
    await waitFor('them back once toggled on', () => editorMarks(page, BLOCKING), shown, 20000);
  });

  const hotLine = lineOf(path.join(FIXTURES, BURN), 'while (Date.now()');
  const burnLine = lineOf(path.join(FIXTURES, BURN), 'function burnCpu');
  /** The loop line's self time as e) read it in the editor, ms. */
  let hotSelfMs = NaN;

  it('e) shows the sampled self time of the hottest line, with a hover', async function () {
    this.timeout(120000);
    await visualize(BURN);
    // Room for the source and the panel (and for the README's pictures): f) puts them back.
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'View: Hide Panel');
    const marks = await waitFor(
      `the self time after line ${hotLine}`,
      () => editorMarks(page, BURN),
      (m) => (m.after[hotLine] ?? []).some((t) => /self \d+ ms \(burnCpu\)/.test(t)),
      30000,
    );
    // Sampled time is CPU time: a loaded machine takes part of the 300 ms away (171 ms once in
    // the whole e2e run), so the figures are checked against each other, not against 300 ms.
    // The ground truth (>= 80% of the callback) is test/tracer/stacks.test.ts's.
    hotSelfMs = Number(/self (\d+) ms/.exec(marks.after[hotLine].join(' '))![1]);
    assert.ok(hotSelfMs > 0, marks.after[hotLine].join(' '));
    // A note, no gutter mark: it is information, not a finding.
    assert.equal(marks.glyphs[hotLine], undefined);
    const code = page
      .locator('.editor-group-container.active .view-line', { hasText: 'while (Date.now()' })
      .first();
    const ours = (t: string): boolean => /Sampled\sstacks:\sburnCpu\sran\s\d+\sms/.test(t);
    await code.hover({ position: { x: 30, y: 5 }, force: true });
    let polls = 0;
    const hover = await waitFor(
      'the hover of the hot line',
      async () => {
        const texts = await page.locator('.monaco-hover:visible').allInnerTexts();
        if (!texts.some(ours) && ++polls % 12 === 0) {
          await page.mouse.move(5, 5);
          await code.hover({ position: { x: 30, y: 5 }, force: true });
        }
        return texts;
      },
      (texts) => texts.some(ours),
      20000,
    );
    const text = hover.find(ours)!.replace(/\s+/g, ' ');
    // Most of the run's samples are the loop's line (90-92% on a quiet machine).
    const share = Number(/(\d+)% of the run's samples/.exec(text)?.[1]);
    assert.ok(share >= 50, text);
    assert.match(text, /burnCpu: self \d+ ms, total \d+ ms/);
    assert.match(text, /\d+ ms of it inside blocking callbacks/);
    const file = await screenshot('hot-line-hover');
    if (process.env.CV_UPDATE_SCREENSHOT) {
      fs.copyFileSync(file, path.join(REPO, 'media', 'stacks-editor.png'));
    }
    await page.keyboard.press('Escape');
  });

  it('f) the Stacks track: hover a frame for its function and time, click opens its line', async function () {
    this.timeout(120000);
    try {
      await flameHoverAndJump();
    } finally {
      // The side bar e) closed, back for d) (the explorer opens files).
      if (!(await page.locator('.explorer-folders-view').isVisible())) {
        await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      }
    }
  });

  async function flameHoverAndJump(): Promise<void> {
    // The panel in front again (e) put the source there).
    await page
      .locator('.tabs-container .tab', { hasText: `Concurrency: ${BURN}` })
      .first()
      .click();
    await waitFor(
      `the ${BURN} panel`,
      () => threads(page),
      (t) => (t.title ?? '').includes(BURN) && t.spans > 0,
    );
    const frame = await panelFrame(page);
    const canvas = panel(page).locator('#track-stacks-canvas');
    await canvas.scrollIntoViewIfNeeded();
    // The middle of the timer callback, on the shared axis, in the Stacks canvas's coordinates.
    const at = await spanPosition(page, 'Timeout');
    const threadsBox = (await panel(page).locator('#threads-canvas').boundingBox())!;
    const box = (await canvas.boundingBox())!;
    const xPx = threadsBox.x + at.x - box.x;
    // burnCpu's depth is Node's (its timer internals call the callback): down the rows until
    // the tooltip names it.
    let tip = '';
    let yPx = 0;
    for (let row = 0; row < 12 && !/burnCpu/.test(tip); row++) {
      yPx = FLAME_LABEL_PX + row * FLAME_ROW_PX + FLAME_ROW_PX / 2;
      await canvas.hover({ position: { x: xPx, y: yPx }, force: true });
      tip = await waitFor(
        `the tooltip of row ${row}`,
        () =>
          frame.evaluate(() => {
            const el = (globalThis as unknown as Globals).document.querySelector('#tooltip');
            return el && !(el as unknown as { hidden: boolean }).hidden
              ? (el.textContent ?? '')
              : '';
          }),
        (t) => t !== '',
        5000,
      ).catch(() => '');
    }
    assert.match(tip, /burnCpu/);
    assert.ok(tip.includes(`${BURN}:${burnLine}`), `the tooltip's file:line: ${tip}`);
    // burnCpu's self time in view holds its loop line's (the editor's figure, whole ms).
    const self = /in view: self ([\d.]+) (ms|s)/.exec(tip);
    const fnSelfMs = self ? Number(self[1]) * (self[2] === 's' ? 1000 : 1) : NaN;
    assert.ok(fnSelfMs >= hotSelfMs - 1, `${tip} against the line's ${hotSelfMs} ms`);
    const file = await screenshot('flame-hover');
    if (process.env.CV_UPDATE_SCREENSHOT) {
      fs.copyFileSync(file, path.join(REPO, 'media', 'stacks.png'));
    }
    await canvas.click({ position: { x: xPx, y: yPx }, force: true });
    await waitFor(
      `the cursor on line ${burnLine}`,
      () => page.locator('[id="status.editor.selection"]').innerText({ timeout: 2000 }),
      (t) => t.startsWith(`Ln ${burnLine},`),
      15000,
    );
    const active = await page
      .locator('.editor-group-container.active .tab.active')
      .first()
      .innerText();
    assert.ok(active.includes(BURN), `active tab is "${active}", not ${BURN}`);
  }

  it('d) closing the panels clears the editor and the Problems panel', async function () {
    this.timeout(60000);
    await runCommand(page, 'View: Close All Editor Groups');
    await openFile(page, BLOCKING);
    // Some tab may ask to save; none is dirty after b), so every panel closes.
    const after = await waitFor(
      'no figures, marks or problems left',
      async () => ({ marks: await editorMarks(page, BLOCKING), rows: await problems(page) }),
      (s) =>
        Object.keys(s.marks.after).length === 0 &&
        Object.keys(s.marks.glyphs).length === 0 &&
        !s.rows.some((t) => t.includes('Concurrency Visualizer')),
      15000,
    );
    assert.deepEqual(after.marks.glyphs, {});
    await openFile(page, BURN);
    await waitFor(
      `no self time left on ${BURN}`,
      () => editorMarks(page, BURN),
      (m) => Object.keys(m.after).length === 0,
      15000,
    );
  });
});
