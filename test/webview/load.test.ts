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
import { syntheticTrace } from './syntheticTrace';

declare const window: PageWindow;
declare const document: PageDocument;
declare const performance: { now(): number };

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

  /** Milliseconds of one synchronous redraw (cvDebug.findSpan flushes the pending frame). */
  async function redrawMs(): Promise<number> {
    await page.keyboard.press('ArrowRight');
    return page.evaluate(() => {
      const t0 = performance.now();
      window.cvDebug.findSpan({ type: 'no such type' });
      return performance.now() - t0;
    });
  }

  it('loads, draws, zooms and scrolls fast', async () => {
    const trace = syntheticTrace(2, 50_000);
    const t0 = Date.now();
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
    const loadMs = Date.now() - t0;
    const state = await page.evaluate(() => window.cvDebug.state());
    assert.equal(state.lanes, 2);
    assert.equal(state.spans, 100_000);

    const fitMs = await redrawMs();
    await page.mouse.move(600, 120);
    for (let i = 0; i < 5; i++) {
      await page.mouse.wheel(0, -300);
    }
    const zoomedMs = await redrawMs();
    await page.evaluate(() => {
      const ops = (
        document as unknown as { getElementById(id: string): { scrollTop: number } }
      ).getElementById('ops');
      ops.scrollTop = 1e9;
    });
    const scrolledMs = await redrawMs();
    await page.screenshot({ path: path.join(RESULTS, 'webview-load.png') });
    console.log(
      `      load+decode+draw ${loadMs} ms; redraw: fit ${fitMs.toFixed(1)} ms, zoomed ${zoomedMs.toFixed(1)} ms, ops scrolled ${scrolledMs.toFixed(1)} ms`,
    );
    assert.ok(loadMs < 10_000, `loading took ${loadMs} ms`);
    assert.ok(fitMs < 250, `a fit-all redraw took ${fitMs} ms`);
    assert.ok(zoomedMs < 250, `a zoomed redraw took ${zoomedMs} ms`);
    assert.ok(scrolledMs < 250, `a scrolled redraw took ${scrolledMs} ms`);
    assert.deepEqual(errors, []);
  });
});
