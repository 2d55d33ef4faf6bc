// Teaching tools in headless Chromium (#19): lesson 8 recorded for real, stepped with the
// queues at the cursor checked against the order the program prints, predict-then-reveal,
// replay, scrubbing, presenter mode toggled without losing the view, and a lesson's steps.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildTracer,
  buildWebview,
  closePanel,
  type Harness,
  nextFrames,
  openPanel,
  postToPage,
  recordExample,
  RESULTS,
  ROOT,
  startHarness,
  tempDir,
} from './harness';
import type { PageElement, PageWindow } from './pageGlobals';

/** The parts of the page's DOM these tests read, beyond pageGlobals' (no DOM lib here). */
interface TeachElement extends PageElement {
  hidden: boolean;
  offsetLeft: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { x: number; width: number; height: number };
  closest(selector: string): TeachElement | null;
}
declare const window: PageWindow;
declare const document: {
  getElementById(id: string): TeachElement | null;
  querySelectorAll(selector: string): Iterable<TeachElement>;
  body: { classList: { contains(name: string): boolean } };
};
declare function getComputedStyle(element: unknown): {
  fontSize: string;
  backgroundColor: string;
};

const LESSON = path.join(ROOT, 'examples', 'lessons', '08-event-loop-order.js');
const SESSION = { title: '08-event-loop-order.js', commandLine: 'node 08-event-loop-order.js' };
const EXITED = { state: 'exited', exitCode: 0 };

/** What one queue item says: its turn, the line that created it, its type. */
interface Item {
  queue: string;
  turn: number;
  line: number;
  type: string;
}

/** What each printed line's callback was scheduled by (its operation's creation site). */
const SCHEDULED_BY: [RegExp, RegExp][] = [
  [/nextTick/, /process\.nextTick\(/],
  [/queueMicrotask/, /queueMicrotask\(/],
  [/\.then/, /\.then\(/],
  [/await/, /^\s*await /],
  [/setImmediate/, /setImmediate\(/],
  [/setTimeout/, /setTimeout\(/],
];

/**
 * The lesson's lines that scheduled what prints lines 2-7, in the order the program prints
 * them (run without the tracer).
 */
function printedOrderLines(): number[] {
  const out = execFileSync(process.execPath, [LESSON], { encoding: 'utf8' });
  const printed = out.trim().split('\n');
  assert.equal(printed.length, 7, out);
  const source = fs.readFileSync(LESSON, 'utf8').split('\n');
  return printed.slice(1).map((text) => {
    const [, call] = SCHEDULED_BY.find(([label]) => label.test(text))!;
    return source.findIndex((l) => !l.trim().startsWith('//') && call.test(l)) + 1;
  });
}

/** Every item of the main thread's queues, in the panel's order. */
async function queueItems(page: Page): Promise<Item[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('#queues .queue-item')).map((li) => ({
      queue: li.closest('.queue')!.dataset.queue!,
      turn: Number(li.dataset.turn ?? NaN),
      line: Number(li.dataset.line ?? NaN),
      type: li.dataset.type!,
    })),
  );
}

async function caption(page: Page): Promise<string> {
  return (await page.textContent('#teach-caption')) ?? '';
}

/** Presses a key and waits for the redraw it asked for. */
async function press(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key);
  await nextFrames(page);
}

describe('webview: teaching (replay, step, queues, presenter)', function () {
  this.timeout(120_000);
  let harness: Harness;
  let trace: Uint8Array;
  let page: Page;
  let errors: string[];

  before(async () => {
    const out = tempDir('cv-teach-test-');
    const [webviewJs, tracerJs] = await Promise.all([buildWebview(out), buildTracer(out)]);
    trace = await recordExample(tracerJs, out, 'lessons/08-event-loop-order.js');
    harness = await startHarness(webviewJs);
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness, errors);
    await postToPage(page, { type: 'hydrate', session: SESSION, status: EXITED }, [trace]);
    await page.waitForFunction(() => Number(document.getElementById('threads')?.dataset.spans) > 0);
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  it("lesson 8: the queues at each step hold the program's printed order, first turn first", async () => {
    const printed = printedOrderLines();
    assert.equal(new Set(printed).size, 6, `six distinct lines: ${printed}`);
    await page.click('#predict');
    let checkedOrder = false;
    let questions = 0;
    for (let i = 0; i < 200; i++) {
      // The button first (the arrows step once the replay is in use), then the key.
      if (i === 0) {
        await page.click('#step-forward');
        await nextFrames(page);
      } else {
        await press(page, 'ArrowRight');
      }
      const asked = await caption(page);
      if (!asked.startsWith('What runs next?')) {
        break; // the last callback was revealed: no question after it
      }
      questions++;
      const items = await queueItems(page);
      await press(page, 'ArrowRight');
      const revealed = await caption(page);
      if (/: \(main script\)/.test(revealed)) {
        continue; // the program's first run was in no queue
      }
      const first = items.find((it) => it.turn === 1);
      // What the queues showed as first in turn is the callback the step then ran.
      assert.ok(first, `a first turn before ${revealed}`);
      assert.match(revealed, new RegExp(`: ${first.type}( at [^ ]+:${first.line})? runs on main`));
      const ours = items.filter((it) => printed.includes(it.line));
      if (ours.length === 6) {
        // The instant the I/O callback returned: all six wait, and their turns are the
        // order the program prints.
        const byTurn = [...ours].sort((a, b) => a.turn - b.turn).map((it) => it.line);
        assert.deepEqual(byTurn, printed);
        const where = Object.fromEntries(ours.map((it) => [it.line, it.queue]));
        assert.deepEqual(
          printed.map((line) => where[line]),
          ['nextTick', 'microtasks', 'microtasks', 'microtasks', 'immediates', 'timers'],
        );
        await page.screenshot({ path: path.join(RESULTS, 'teach-lesson8-queues.png') });
        checkedOrder = true;
      }
    }
    assert.ok(questions > 10, `stepped through the trace (${questions} questions)`);
    assert.ok(checkedOrder, 'an instant with all six of the lesson waiting was found');
  });

  it('steps back and forth: selection, caption and the editor line follow', async () => {
    await page.click('#step-forward');
    await press(page, 'ArrowRight');
    const second = await caption(page);
    assert.match(second, /^2 \/ \d+: /);
    await press(page, 'ArrowRight');
    assert.match(await caption(page), /^3 \/ \d+: /);
    await press(page, 'ArrowLeft');
    assert.equal(await caption(page), second, 'back to the same callback');
    const hovers = await page.evaluate(() => window.__posted.filter((m) => m.type === 'hover'));
    assert.ok(hovers.length >= 3, 'a hover (editor line) per step');
    const state = await page.evaluate(() => window.cvDebug.state());
    assert.ok(state.spans > 3);
    // The details panel shows the selected callback.
    await page.waitForSelector('#details:not([hidden])');
  });

  it('replays: the cursor moves across the timeline and can be dragged', async () => {
    await page.selectOption('#replay-speed', { label: '0.05x real time' });
    await page.click('#replay-play');
    assert.equal(await page.textContent('#replay-play'), '❚❚ Pause');
    // The cursor's time over a few frames while it plays (lesson 8 lasts ~10 ms: 0.2 s here).
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await nextFrames(page);
      times.push(Number(await page.getAttribute('#replay-cursor', 'aria-valuenow')));
    }
    // At the trace's end it stops by itself.
    await page.waitForFunction(
      () => document.getElementById('replay-play')!.textContent === '▶ Play',
    );
    const endNs = Number(await page.getAttribute('#replay-cursor', 'aria-valuenow'));
    assert.ok(
      times[0] < times[1] && times.every((t) => t <= endNs),
      `the cursor moved forward to the end: ${times}, ${endNs}`,
    );
    const cursor = (await page.locator('#replay-cursor').boundingBox())!;
    const before = await page.getAttribute('#replay-cursor', 'aria-valuenow');
    await page.mouse.move(cursor.x + cursor.width / 2, cursor.y + 20);
    await page.mouse.down();
    await page.mouse.move(cursor.x - 60, cursor.y + 20, { steps: 5 });
    await page.mouse.up();
    await nextFrames(page);
    const after = await page.getAttribute('#replay-cursor', 'aria-valuenow');
    assert.ok(Number(after) < Number(before), `dragged left: ${before} -> ${after}`);
    // And back right: scrubbing goes both ways.
    const moved = (await page.locator('#replay-cursor').boundingBox())!;
    await page.mouse.move(moved.x + moved.width / 2, moved.y + 20);
    await page.mouse.down();
    await page.mouse.move(moved.x + 30, moved.y + 20, { steps: 3 });
    await page.mouse.up();
    await nextFrames(page);
    const again = await page.getAttribute('#replay-cursor', 'aria-valuenow');
    assert.ok(Number(again) > Number(after), `dragged right: ${after} -> ${again}`);
  });

  it('presenter mode: larger text, high contrast, the view and selection kept', async () => {
    await page.click('#step-forward');
    await press(page, 'ArrowRight');
    const view = () =>
      page.evaluate(() => ({
        // The same time at the same x: the window is kept.
        cursorX: document.getElementById('replay-cursor')!.getBoundingClientRect().x,
        caption: document.getElementById('teach-caption')!.textContent,
        canvasHeight: document.getElementById('threads-canvas')!.getBoundingClientRect().height,
        font: getComputedStyle(document.getElementById('teach-caption')!).fontSize,
        selected: document.getElementById('details')!.hidden,
      }));
    const normal = await view();
    await postToPage(page, { type: 'presenter', on: true });
    await nextFrames(page);
    await nextFrames(page);
    const big = await view();
    assert.equal(big.caption, normal.caption);
    assert.ok(Math.abs(big.cursorX - normal.cursorX) < 1, 'the window is kept');
    assert.equal(big.selected, normal.selected);
    assert.ok(parseFloat(big.font) >= 24, `caption font ${big.font}`);
    assert.ok(big.canvasHeight >= normal.canvasHeight * 1.9, 'the lanes drawn twice as tall');
    assert.equal(
      await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      'rgb(0, 0, 0)',
    );
    await page.screenshot({ path: path.join(RESULTS, 'teach-presenter.png') });
    // The panel's button toggles it back, and tells the host (which keeps the setting).
    await page.click('#presenter-toggle');
    await nextFrames(page);
    const back = await view();
    assert.equal(back.canvasHeight, normal.canvasHeight);
    const posted = await page.evaluate(() => window.__posted.filter((m) => m.type === 'presenter'));
    assert.deepEqual(posted, [{ type: 'presenter', on: false }]);
  });

  it("plays a lesson's steps: caption, callback and lane focus", async () => {
    const steps = [
      {
        caption: 'The file read calls back.',
        span: { type: 'FSREQCALLBACK', nth: 4 },
        windowMs: 2,
      },
      { caption: 'nextTick first.', span: { type: 'TickObject', line: 18 } },
      { caption: 'Then the timer.', span: { type: 'Timeout' }, lanes: ['main'] },
    ];
    await postToPage(page, { type: 'lesson', title: 'Lesson 8', steps });
    await page.waitForSelector('.lesson-nav:not([hidden])');
    assert.equal(await page.textContent('#lesson-step'), 'Lesson 8: step 0 / 3');
    assert.equal(
      await page.evaluate(() => document.body.classList.contains('presenter')),
      true,
      'a lesson with steps turns presenter mode on',
    );
    assert.deepEqual(
      await page.evaluate(() => window.__posted.filter((m) => m.type === 'presenter')),
      [{ type: 'presenter', on: true }],
      'and tells the host, whose setting follows',
    );
    await page.click('#lesson-next');
    await nextFrames(page);
    assert.equal(await caption(page), 'The file read calls back.');
    await page.click('#lesson-next');
    await nextFrames(page);
    assert.equal(await caption(page), 'nextTick first.');
    const hover = await page.evaluate(() =>
      window.__posted.filter((m) => m.type === 'hover').at(-1),
    );
    assert.equal(hover?.position?.line, 18, "the editor lights the nextTick's line");
    await page.click('#lesson-next');
    await nextFrames(page);
    assert.equal(await page.textContent('#lesson-step'), 'Lesson 8: step 3 / 3');
    assert.notEqual(await page.inputValue('#filter-thread'), '-1', 'the main lane focused');
    await page.click('#lesson-prev');
    await nextFrames(page);
    assert.equal(await caption(page), 'nextTick first.');
  });
});
