// The timeline stays responsive on a large trace: ~100k callback spans on two threads.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildWebview,
  openPanel,
  postToPage,
  RESULTS,
  startHarness,
  tempDir,
  type Harness,
} from './harness';
import type { PageDocument, PageWindow } from './pageGlobals';
import { syntheticTrace } from '../fixtures/traces';

declare const window: PageWindow;
declare const document: PageDocument;

describe('webview: a 100k-span trace', function () {
  this.timeout(120_000);
  let harness: Harness;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    harness = await startHarness(await buildWebview(tempDir('cv-webview-load-')));
    page = await openPanel(harness, errors);
  });

  after(async () => {
    await harness?.close();
  });

  /** Draws now what is pending (cvDebug.findSpan flushes the pending frame). */
  async function flush(): Promise<void> {
    await page.evaluate(() => window.cvDebug.findSpan({ type: 'no such type' }));
  }

  // How fast it is lives in bench:viewer (timings here would flake on a loaded machine).
  it('loads, draws, warms up, zooms into pixel strips and scrolls', async () => {
    const trace = syntheticTrace(2, 50_000);
    await postToPage(
      page,
      {
        type: 'hydrate',
        session: { title: 'load.js', commandLine: 'node load.js' },
        status: { state: 'replay' },
      },
      [trace],
    );
    await page.waitForFunction(
      () => document.getElementById('threads')?.dataset.spans === '100000',
    );
    const state = await page.evaluate(() => window.cvDebug.state());
    assert.equal(state.lanes, 2);
    assert.equal(state.spans, 100_000);

    // A trace this large is drawn zoomed in a few times right after its first draw, to warm up
    // the painters; none of it may stay on screen: the window is still the fitted one, and the
    // canvas shows what a fresh redraw of it shows.
    await page.waitForFunction(
      () =>
        (window.cvDebug as unknown as { view(): { warmUpDraws: number } }).view().warmUpDraws >= 3,
    );
    const afterWarmUp = await page.evaluate(() => {
      const view = (
        window.cvDebug as unknown as { view(): { mode: string; startNs: number; endNs: number } }
      ).view();
      const canvas = document.getElementById('threads-canvas')!;
      const height = (canvas as unknown as { height: number }).height;
      // A hash of the canvas, then of a fresh redraw (inline: the page has no __name helper).
      const hashes: number[] = [];
      let redrawn = view;
      for (let pass = 0; pass < 2; pass++) {
        if (pass === 1) {
          (window as unknown as { dispatchEvent(e: unknown): void }).dispatchEvent(
            new Event('resize'),
          );
          redrawn = (
            window.cvDebug as unknown as {
              view(): { mode: string; startNs: number; endNs: number };
            }
          ).view();
        }
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, height).data;
        let hash = 0;
        for (let i = 0; i < data.length; i++) {
          hash = (hash * 31 + data[i]) | 0;
        }
        hashes.push(hash);
      }
      return { mode: view.mode, view, redrawn, before: hashes[0], after: hashes[1] };
    });
    assert.equal(afterWarmUp.mode, 'fit');
    assert.equal(afterWarmUp.redrawn.startNs, afterWarmUp.view.startNs);
    assert.equal(afterWarmUp.redrawn.endNs, afterWarmUp.view.endNs);
    assert.deepEqual(afterWarmUp.after, afterWarmUp.before, 'the warm-up left its drawing');
    // The cores chart drew its own warm-up charts (in its worker), then the fitted window again.
    type ChartDebug = {
      parallelism: {
        chartPending(): boolean;
        chartWarmUpDraws(): number;
        chartWindow(): { startMs: number; endMs: number } | undefined;
      };
    };
    await page.waitForFunction(
      () => !(window.cvDebug as unknown as ChartDebug).parallelism.chartPending(),
    );
    const chart = await page.evaluate(() => {
      const debug = (window.cvDebug as unknown as ChartDebug).parallelism;
      return { warmUps: debug.chartWarmUpDraws(), drawn: debug.chartWindow() };
    });
    assert.ok(chart.warmUps >= 3, `chart warm-up draws: ${chart.warmUps}`);
    assert.deepEqual(
      chart.drawn,
      { startMs: afterWarmUp.view.startNs / 1e6, endMs: afterWarmUp.view.endNs / 1e6 },
      'the cores chart shows the fitted window',
    );

    // Over the threads canvas, wherever the sections above it end (the headline moved it down).
    const threadsBox = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.move(600, threadsBox.y + Math.min(30, threadsBox.height / 2));
    for (let i = 0; i < 5; i++) {
      await page.mouse.wheel(0, -300);
    }
    await flush();
    // Zoomed to ~25 µs a pixel, the tick rows (a 1 µs TickObject every 100 µs) are thousands of
    // one-pixel runs, painted as pixel strips (one-pixel-high canvases stretched over the rows).
    // Along such a row every pixel is the span colour or the background, never a blend, and
    // one pixel in (100 µs in pixels) carries a span.
    const strip = await page.evaluate(() => {
      const canvas = document.getElementById('threads-canvas')!;
      const at = window.cvDebug.findSpan({ type: 'TickObject' })!;
      const view = (
        window.cvDebug as unknown as {
          view(): { startNs: number; endNs: number; stripRows: number };
        }
      ).view();
      const cssWidth = canvas.getBoundingClientRect().width;
      const dpr = canvas.width / cssWidth;
      const line = canvas
        .getContext('2d')!
        .getImageData(0, Math.round(at.y * dpr), canvas.width, 1).data;
      // Colour (0xRRGGBB) of each CSS pixel along 200 px of the row (no helper functions: the
      // page has no __name for them).
      const run: number[] = [];
      for (let x = Math.floor(at.x); x < Math.floor(at.x) + 200; x++) {
        const i = Math.floor((x + 0.5) * dpr) * 4;
        run.push((line[i] << 16) | (line[i + 1] << 8) | line[i + 2]);
      }
      const plotPx = cssWidth - at.x;
      const pxPer100us = 100e3 / ((view.endNs - view.startNs) / Math.max(1, plotPx));
      // Half a period right of a span is the row's background (the span's own pixel may be
      // the one left of its centre's, so it is not taken as the span colour).
      const background = run[Math.round(pxPer100us / 2)];
      return {
        stripRows: view.stripRows,
        colours: [...new Set(run)].map((c) => c.toString(16)),
        spanShare: run.filter((c) => c !== background).length / run.length,
        pxPer100us,
      };
    });
    assert.ok(strip.stripRows >= 2, `strip rows ${strip.stripRows}`);
    assert.equal(strip.colours.length, 2, `colours along a strip row: ${strip.colours}`);
    const expected = 1 / strip.pxPer100us;
    assert.ok(
      strip.spanShare >= 0.5 * expected && strip.spanShare <= 1.5 * expected,
      `span pixels ${strip.spanShare}, expected ~${expected}`,
    );
    await page.evaluate(() => {
      const ops = (
        document as unknown as { getElementById(id: string): { scrollTop: number } }
      ).getElementById('ops');
      ops.scrollTop = 1e9;
    });
    await flush();
    await page.screenshot({ path: path.join(RESULTS, 'webview-load.png') });
    assert.deepEqual(errors, []);
  });
});
