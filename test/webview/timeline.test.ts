// The timeline engine in real headless Chromium: zoom, pan, range statistics, search, selection
// with details and jumps, and live appends while following the edge. Synthetic traces whose
// content is known exactly (test/fixtures/traces.ts), so the panel's numbers can be checked.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildWebview,
  closePanel,
  frameEnds,
  type Harness,
  tempDir,
  openPanel,
  postToPage,
  RESULTS,
  startHarness,
} from './harness';
import type { PageDocument, PageWindow } from './pageGlobals';
import { syntheticTrace } from '../fixtures/traces';

declare const window: PageWindow;
declare const document: PageDocument;

const SESSION = { title: 'load.js', commandLine: 'node load.js' };
const SPANS_PER_THREAD = 2000;

/** The spans syntheticTrace writes for one thread: [startNs, endNs, isTick]. */
function expectedSpans(): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  let spans = 0;
  for (let i = 0; spans < SPANS_PER_THREAD; i++) {
    const t0 = 2_000_000 + i * 10_000;
    out.push([t0 + 3_000, t0 + 7_000, false]);
    spans++;
    if (i % 10 === 0 && spans < SPANS_PER_THREAD) {
      out.push([t0 + 4_000, t0 + 5_000, true]);
      spans++;
    }
  }
  return out;
}

interface ViewState {
  startNs: number;
  endNs: number;
  mode: string;
  selectedSpan: number;
  selectedRes: number;
  range?: { startNs: number; endNs: number };
  matches: number;
  flows: number;
}

async function view(page: Page): Promise<ViewState> {
  return page.evaluate(() => (window.cvDebug as unknown as { view(): ViewState }).view());
}

describe('webview: timeline engine (zoom, pan, range, search, details, live)', function () {
  this.timeout(120_000);
  let harness: Harness;
  let page: Page;
  let errors: string[];
  const trace = syntheticTrace(2, SPANS_PER_THREAD);

  before(async () => {
    harness = await startHarness(await buildWebview(tempDir('cv-webview-timeline-')));
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

  async function load(status = { state: 'replay' }): Promise<void> {
    await postToPage(page, { type: 'hydrate', session: SESSION, status }, [trace]);
    await page.waitForFunction(
      (n) => document.getElementById('threads')?.dataset.spans === String(n),
      2 * SPANS_PER_THREAD,
    );
  }

  it('zooms with the wheel and W/S, pans by dragging and A/D, fits with 0', async () => {
    await load();
    const fit = await view(page);
    assert.equal(fit.mode, 'fit');
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.move(box.x + 600, box.y + 15);
    await page.mouse.wheel(0, -300);
    await page.mouse.wheel(0, -300);
    // Each wheel zooms by e^-0.6 (0.55): after both, the window is under half the fitted one.
    await page.waitForFunction((fitNs) => {
      const v = (window.cvDebug as unknown as { view(): ViewState }).view();
      return v.endNs - v.startNs < fitNs / 2;
    }, fit.endNs - fit.startNs);
    const zoomed = await view(page);
    assert.equal(zoomed.mode, 'free');
    assert.ok(zoomed.endNs - zoomed.startNs < (fit.endNs - fit.startNs) / 2, 'the wheel zoomed in');
    await page.keyboard.press('w');
    const w = await view(page);
    assert.ok(Math.abs((w.endNs - w.startNs) * 1.5 - (zoomed.endNs - zoomed.startNs)) < 1e3);
    await page.keyboard.press('s');
    await page.keyboard.press('d');
    const d = await view(page);
    assert.ok(d.startNs > zoomed.startNs, 'D pans later');
    await page.keyboard.press('a');
    const widthNs = d.endNs - d.startNs;
    // Drag 100 px to the right: the window moves 100 px earlier.
    await page.mouse.move(box.x + 600, box.y + 15);
    await page.mouse.down();
    await page.mouse.move(box.x + 650, box.y + 15);
    await page.mouse.move(box.x + 700, box.y + 15);
    await page.mouse.up();
    const dragged = await view(page);
    const nsPerPx = widthNs / (box.width - 170 - 8);
    assert.ok(Math.abs(zoomed.startNs - dragged.startNs - 100 * nsPerPx) < 3 * nsPerPx, 'dragged');
    await page.screenshot({ path: path.join(RESULTS, 'timeline-zoomed.png') });
    await page.keyboard.press('0');
    const back = await view(page);
    assert.equal(back.mode, 'fit');
    assert.equal(back.startNs, fit.startNs);
  });

  it('selects a range with shift+drag and shows its statistics', async () => {
    await load();
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 300, box.y + 15);
    await page.mouse.down();
    await page.mouse.move(box.x + 400, box.y + 15);
    await page.mouse.move(box.x + 520, box.y + 15);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForSelector('#details[data-kind="range"]');
    const { range } = await view(page);
    assert.ok(range && range.endNs > range.startNs);
    const a = range.startNs;
    const b = range.endNs;
    let callbacks = 0;
    let started = 0;
    let finished = 0;
    for (const [s, e, tick] of expectedSpans()) {
      callbacks += s < b && e > a ? 1 : 0;
      const initNs = tick ? s - 500 : s - 3_000;
      started += initNs >= a && initNs < b ? 1 : 0;
      finished += !tick && e + 500 >= a && e + 500 < b ? 1 : 0;
    }
    const cells = await page.$$eval('#range-threads tbody tr', (rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td')).map(
          (td) => (td as { textContent: string | null }).textContent,
        ),
      ),
    );
    assert.equal(cells.length, 2);
    for (const row of cells) {
      assert.equal(Number(row[1]), callbacks, 'callbacks per thread');
    }
    const text = (await page.textContent('#details')) ?? '';
    assert.match(text, new RegExp(`${2 * started} started, ${2 * finished} finished`));
    assert.match(text, /Cores busy/);
    await page.screenshot({ path: path.join(RESULTS, 'timeline-range.png') });
    await page.keyboard.press('f');
    const zoomed = await view(page);
    assert.ok(
      zoomed.startNs <= a && zoomed.endNs >= b && zoomed.endNs - zoomed.startNs < (b - a) * 1.1,
    );
    await page.keyboard.press('Escape');
    await page.waitForSelector('#details', { state: 'hidden' });
  });

  it('searches, counts and steps through matches in time order', async () => {
    await load();
    await page.fill('#search', 'tickobject');
    const ticks = expectedSpans().filter(([, , tick]) => tick).length * 2;
    await page.waitForFunction(
      (n) => (window.cvDebug as unknown as { view(): { matches: number } }).view().matches === n,
      ticks,
    );
    await page.press('#search', 'Enter');
    const first = await view(page);
    assert.ok(first.selectedSpan >= 0);
    assert.match((await page.textContent('#details .details-title')) ?? '', /TickObject/);
    await page.waitForFunction(() =>
      /^1 \/ \d+ matches$/.test(document.getElementById('search-count')?.textContent ?? ''),
    );
    await page.click('#search-next');
    const second = await view(page);
    assert.notEqual(second.selectedSpan, first.selectedSpan);
    assert.match((await page.textContent('#search-count')) ?? '', /^2 \/ /);
    await page.screenshot({ path: path.join(RESULTS, 'timeline-search.png') });
    // Filters combine: a thread and a minimum duration no tick reaches.
    await page.selectOption('#filter-thread', '1');
    await page.fill('#filter-min', '2');
    await page.waitForFunction(
      () => document.getElementById('search-count')?.textContent === 'no matches',
    );
  });

  it('selects a clicked span: details, code excerpt, trigger chain, arrows and jumps', async () => {
    await load();
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    const point = (await page.evaluate(() =>
      window.cvDebug.findSpan({ type: 'Timeout', thread: 0 }),
    ))!;
    assert.ok(point);
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.waitForSelector('#details[data-kind="span"]');
    const posted = await page.evaluate(() => window.__posted);
    const jump = posted.filter((m) => m.type === 'jump');
    assert.deepEqual(jump.at(-1), {
      type: 'jump',
      position: { file: '/app/load.js', line: 10, column: 5 },
    });
    const source = posted.find((m) => m.type === 'source') as unknown as {
      id: number;
      file: string;
      line: number;
    };
    assert.deepEqual({ file: source.file, line: source.line }, { file: '/app/load.js', line: 10 });
    const text = (await page.textContent('#details')) ?? '';
    for (const want of [
      'Timeout',
      'Thread',
      'Async id',
      'Waiting',
      'Running',
      'load.js:10:5',
      'Trigger chain',
    ]) {
      assert.ok(text.includes(want), `details mention ${want}`);
    }
    assert.match(text, /Waiting3 µs/);
    const lines = ['const a = 1;', 'setTimeout(() => {}, 1);', '// after'];
    await postToPage(page, {
      type: 'sourceText',
      id: source.id,
      file: '/app/load.js',
      firstLine: 9,
      lines,
    });
    await page.waitForFunction(() =>
      (document.getElementById('details-code')?.textContent ?? '').includes('setTimeout'),
    );
    assert.match((await page.textContent('#details-code .current')) ?? '', /10 {2}setTimeout/);
    const state = await view(page);
    assert.ok(state.selectedSpan >= 0 && state.flows >= 1, 'causality arrows are drawn');
    await page.screenshot({ path: path.join(RESULTS, 'timeline-details.png') });
    const hops = await page.$$('#details-chain button');
    assert.ok(hops.length >= 1, 'the chain has at least one hop');
    const before = (await page.evaluate(() => window.__posted)).length;
    await hops[0].click();
    const after = await page.evaluate((b) => window.__posted.slice(b), before);
    assert.ok(after.some((m) => m.type === 'jump' && m.position?.file === '/app/load.js'));
    assert.notEqual((await view(page)).selectedRes, state.selectedRes, 'the hop is selected');
    await page.uncheck('#show-flows');
    assert.equal((await view(page)).flows, 0);

    // Light theme screenshot of the same state.
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', '#ffffff');
      document.documentElement.style.setProperty('--vscode-foreground', '#3b3b3b');
      document.body.className = 'vscode-light';
    });
    await page.check('#show-flows');
    assert.ok((await view(page)).flows > 0, 'the arrows are back');
    await page.screenshot({ path: path.join(RESULTS, 'timeline-details-light.png') });
  });

  it('appends live data while following the edge, and returns to it after panning away', async () => {
    const live = syntheticTrace(1, 20_000);
    const ends = frameEnds(live);
    const cut = ends[Math.floor(ends.length / 4)];
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'running' } }, [
      live.subarray(0, cut),
    ]);
    await page.waitForFunction(() => Number(document.getElementById('threads')?.dataset.spans) > 0);
    const modelEnd = async (): Promise<number> =>
      page.evaluate(
        () => (window.cvDebug as unknown as { view(): { endNs: number } }).view().endNs,
      );
    const end1 = await modelEnd();
    // Zoom in at the live edge, then keep receiving data: the window follows the edge.
    await page.keyboard.press('s');
    await page.keyboard.press('0');
    await postToPage(page, { type: 'append' }, [
      live.subarray(cut, ends[Math.floor(ends.length / 2)]),
    ]);
    await page.waitForFunction(
      (e) => (window.cvDebug as unknown as { view(): { endNs: number } }).view().endNs > e,
      end1,
    );
    assert.ok((await view(page)).mode !== 'free');
    assert.equal(await page.isVisible('#follow-live'), false);
    await page.keyboard.press('w');
    await page.keyboard.press('a');
    await page.keyboard.press('a');
    await page.keyboard.press('a');
    const away = await view(page);
    assert.equal(away.mode, 'free');
    await page.waitForSelector('#follow-live:not([hidden])');
    await postToPage(page, { type: 'append' }, [live.subarray(ends[Math.floor(ends.length / 2)])]);
    await page.waitForFunction(() => window.cvDebug.state().spans === 20_000);
    assert.equal((await view(page)).startNs, away.startNs, 'a free window stays put');
    await page.click('#follow-live');
    const back = await view(page);
    assert.equal(back.mode, 'tail');
    const spans = await page.evaluate(() => window.cvDebug.state());
    assert.equal(spans.spans, 20_000);
    assert.ok(back.endNs > 2_000_000 + 18_000 * 10_000, 'the live edge is in view');
    await page.waitForSelector('#follow-live', { state: 'hidden' });
  });
});
