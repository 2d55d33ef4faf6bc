// A new lane is one file and one addTrack line: the example lane (pages/threadStartsLane.ts)
// added to the real panel (pages/laneEntry.ts) is laid out, drawn on the shared time axis
// through zooms, hit-tested for its tooltip, and hidden when it has nothing to show.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import { generateTrace } from '../fixtures/traces';
import {
  buildWebviewEntry,
  closePanel,
  nextFrames,
  openPanel,
  postToPage,
  ROOT,
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
  querySelector(selector: string): { hidden: boolean } | null;
};

const SESSION = { title: 'lanes.js', commandLine: 'node lanes.js' };
const CANVAS = 'track-thread-starts-canvas';

/** The harness's --vscode-focusBorder (#0078d4), the colour the lane marks with. */
const FOCUS = [0x00, 0x78, 0xd4, 255];

/** The lane canvas's pixel at client x `xPx`, half-way down (RGBA). */
async function laneColourAt(page: Page, xPx: number): Promise<number[]> {
  return page.evaluate(
    ({ id, xPx }) => {
      const canvas = document.getElementById(id)!;
      const rect = canvas.getBoundingClientRect() as unknown as { left: number; width: number };
      const dpr = canvas.width / rect.width;
      const x = Math.floor(Math.floor(xPx - rect.left) * dpr);
      const y = Math.floor(canvas.height / 2);
      return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
    },
    { id: CANVAS, xPx },
  );
}

describe('webview: a new lane added to the panel', function () {
  this.timeout(120_000);
  let harness: Harness;
  let page: Page;
  let errors: string[];
  const trace = generateTrace(3_000, 3);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(trace.bytes);

  before(async () => {
    const out = tempDir('cv-webview-lane-');
    const entry = path.join(ROOT, 'test', 'webview', 'pages', 'laneEntry.ts');
    harness = await startHarness(await buildWebviewEntry(entry, path.join(out, 'lane.js')));
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

  it('draws its marks on the shared axis, through a zoom, and shows its hover text', async () => {
    const section = `[data-track="thread-starts"]`;
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'replay' } }, [
      trace.bytes,
    ]);
    await page.waitForSelector(`${section}:not([hidden])`);
    await nextFrames(page);
    // In time order: main, worker 1, worker 2 (50 µs apart).
    const starts = model.threads.map((t) => t.info.startNs).sort((a, b) => a - b);
    assert.equal(new Set(starts).size, 3, 'three threads, three start times');
    const xsOf = (): Promise<number[]> =>
      page.evaluate(
        (times) => times.map((t) => window.cvDebug.parallelism.trackXForTime(t)!),
        starts,
      );
    for (const xPx of await xsOf()) {
      assert.deepEqual(await laneColourAt(page, xPx), FOCUS, `a mark at x ${xPx}`);
      assert.notDeepEqual(await laneColourAt(page, xPx + 6), FOCUS, `only a mark at x ${xPx}`);
    }

    // Zoom in around the second thread's start: the marks move with the OS-threads track.
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    const [, second] = await xsOf();
    await page.mouse.move(second, box.y + 10);
    const before = await xsOf();
    for (let i = 0; i < 9; i++) {
      await page.mouse.wheel(0, -300);
    }
    // Nine wheel steps of e^-0.6 (0.005): the 50 µs between two starts grow from ~1 px to over 20.
    await page.waitForFunction((times) => {
      const [x0, x1] = times.map((t) => window.cvDebug.parallelism.trackXForTime(t)!);
      return x1 - x0 > 20;
    }, starts);
    await nextFrames(page);
    const zoomed = await xsOf();
    assert.ok(zoomed[1] - zoomed[0] > before[1] - before[0], 'zoomed in');
    assert.deepEqual(await laneColourAt(page, zoomed[1]), FOCUS, `the mark moved to ${zoomed[1]}`);

    // The lane's hit test gives the tooltip's text; the timeline shows it. (The lane may sit
    // below the fold under the other tracks: scrolled to first, as a user would.)
    await page.locator(`#${CANVAS}`).scrollIntoViewIfNeeded();
    await nextFrames(page);
    const canvas = (await page.locator(`#${CANVAS}`).boundingBox())!;
    await page.mouse.move(zoomed[1], canvas.y + canvas.height / 2);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    assert.match(tip, /^worker 1/);
    assert.match(tip, /started 50(\.0)? µs into the run/);
    await page.mouse.move(zoomed[1] + 40, canvas.y + canvas.height / 2);
    await page.waitForSelector('#tooltip', { state: 'hidden' });
  });

  it('is hidden while the model has nothing for it', async () => {
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'running' } });
    await page.waitForFunction(() => window.cvDebug.state().status === 'running');
    await nextFrames(page);
    assert.equal(
      await page.evaluate(() => document.querySelector('[data-track="thread-starts"]')!.hidden),
      true,
    );
  });
});
