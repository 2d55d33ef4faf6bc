// The Marks lanes in the real panel (headless Chromium): a lane per thread that made marks,
// ticks for marks and bars for measures on the shared time axis, names in the tooltip, the
// search dimming the others, and the measures in the range statistics.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { MarkKind } from '../../src/shared/traceFormat';
import { StreamBuilder, traceFile } from '../fixtures/traceBuilder';
import {
  buildWebview,
  closePanel,
  nextFrames,
  openPanel,
  postToPage,
  startHarness,
  tempDir,
  type Harness,
} from './harness';
import type { PageElement, PageWindow } from './pageGlobals';

interface LaneWindow extends PageWindow {
  cvDebug: PageWindow['cvDebug'] & {
    parallelism: { trackXForTime(timeNs: number): number | undefined };
  };
}
declare const window: LaneWindow;
declare const document: {
  getElementById(id: string): (PageElement & { height: number; hidden: boolean }) | null;
  querySelector(selector: string): { hidden: boolean; textContent: string | null } | null;
};

const SESSION = { title: 'marks.js', commandLine: 'node marks.js' };
const CANVAS = 'track-marks-canvas';
/** The harness's --vscode-focusBorder (#0078d4), the colour marks and measures are drawn in. */
const FOCUS = [0x00, 0x78, 0xd4, 255];
/** Rows of a Marks lane (marksTrack.ts): marks in the first, measures below. */
const ROW_PX = 18;
const LANE_GAP_PX = 4;

const MS = 1e6;
/** main: a mark at 20 ms and a 30 ms measure from 40 ms; worker 1: a mark at 60 ms. */
function marksTrace(): Uint8Array {
  const main = new StreamBuilder(100, 0, 1 << 20);
  main.thread(0, 'main');
  main.string(1, 'Timeout');
  main.string(2, 'load-config');
  main.string(3, 'parse');
  main.init(1 * MS, 5, 1, 1, 0);
  main.before(10 * MS, 5);
  main.mark(20 * MS, 2, 20 * MS, 0, MarkKind.Mark);
  main.mark(70 * MS, 3, 40 * MS, 30 * MS, MarkKind.Measure);
  main.after(80 * MS, 5);
  main.end(100 * MS, { reason: 'exit', exitCode: 0 });
  main.cut(true);
  const worker = new StreamBuilder(100, 1, 1 << 20);
  worker.thread(5 * MS, 'worker 1');
  worker.string(1, 'worker-ready');
  worker.mark(60 * MS, 1, 60 * MS, 0, MarkKind.Mark);
  worker.end(90 * MS, { reason: 'worker-exit', exitCode: 0 });
  worker.cut(true);
  return traceFile([...main.frames, ...worker.frames]);
}

/** The Marks canvas's pixel at client x `xPx` and y `yPx` within the track (RGBA). */
async function colourAt(page: Page, xPx: number, yPx: number): Promise<number[]> {
  return page.evaluate(
    ({ id, xPx, yPx }) => {
      const canvas = document.getElementById(id)!;
      const rect = canvas.getBoundingClientRect() as unknown as { left: number; width: number };
      const dpr = canvas.width / rect.width;
      const x = Math.floor(Math.floor(xPx - rect.left) * dpr);
      return Array.from(canvas.getContext('2d')!.getImageData(x, Math.floor(yPx * dpr), 1, 1).data);
    },
    { id: CANVAS, xPx, yPx },
  );
}

describe('webview: the Marks lanes', function () {
  this.timeout(120_000);
  let harness: Harness;
  let page: Page;
  let errors: string[];

  before(async () => {
    harness = await startHarness(await buildWebview(tempDir('cv-webview-marks-')));
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness, errors);
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  const xOf = (timeNs: number): Promise<number> =>
    page.evaluate((t) => window.cvDebug.parallelism.trackXForTime(t)!, timeNs);

  it('draws a lane per thread with its marks and measures, names in the tooltip', async () => {
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'replay' } }, [
      marksTrace(),
    ]);
    await page.waitForSelector('[data-track="marks"]:not([hidden])');
    await nextFrames(page);
    const mainMarkY = ROW_PX / 2;
    const measureY = ROW_PX + ROW_PX / 2;
    // main's lane: two rows (marks, one measure); worker 1's lane below it: one row.
    const workerY = 2 * ROW_PX + LANE_GAP_PX + ROW_PX / 2;
    const markX = await xOf(20 * MS);
    assert.deepEqual(await colourAt(page, markX, mainMarkY), FOCUS, 'main mark tick');
    assert.notDeepEqual(await colourAt(page, markX, workerY), FOCUS, 'no tick on the worker');
    const measureMidX = await xOf(55 * MS);
    assert.deepEqual(await colourAt(page, measureMidX, measureY), FOCUS, 'the measure bar');
    assert.notDeepEqual(await colourAt(page, await xOf(75 * MS), measureY), FOCUS, 'bar ends');
    assert.notDeepEqual(await colourAt(page, await xOf(35 * MS), measureY), FOCUS, 'bar starts');
    const workerX = await xOf(60 * MS);
    assert.deepEqual(await colourAt(page, workerX, workerY), FOCUS, 'the worker mark');
    assert.equal(await page.textContent('[data-track="marks"] .view-count'), '(3)');

    // Hover: name, what and when, thread.
    const canvas = (await page.locator(`#${CANVAS}`).boundingBox())!;
    await page.mouse.move(measureMidX, canvas.y + measureY);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    assert.match(tip, /parse/);
    assert.match(tip, /performance\.measure 30 ms, from 40 ms/);
    await page.mouse.move(workerX, canvas.y + workerY);
    await page.waitForFunction(() =>
      /worker-ready/.test(document.querySelector('#tooltip')!.textContent ?? ''),
    );

    // The search dims what does not match: the measure stays, the marks fade.
    await page.fill('#search', 'PARSE');
    await nextFrames(page);
    await page.waitForFunction(
      ({ id, x, y }) => {
        const c = document.getElementById(id)!;
        const rect = c.getBoundingClientRect() as unknown as { left: number };
        const px = c.getContext('2d')!.getImageData(Math.floor(x - rect.left), y, 1, 1).data;
        return px[2] !== 0xd4;
      },
      { id: CANVAS, x: markX, y: mainMarkY },
    );
    assert.deepEqual(await colourAt(page, measureMidX, measureY), FOCUS, 'the match stays');
  });

  it('is hidden for a trace without marks', async () => {
    const plain = new StreamBuilder(100, 0, 1 << 20);
    plain.thread(0, 'main');
    plain.end(10 * MS, { reason: 'exit', exitCode: 0 });
    plain.cut(true);
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'replay' } }, [
      traceFile(plain.frames),
    ]);
    await page.waitForFunction(() => window.cvDebug.state().status === 'replay');
    await nextFrames(page);
    assert.equal(
      await page.evaluate(() => document.querySelector('[data-track="marks"]')!.hidden),
      true,
    );
  });
});
