// The headline in real headless Chromium at 550 x 500 px (a panel beside the source): fed the
// recorded trace of examples/insights/blocking.js, it shows the verdict, the blocking finding
// with its late timer and the cores, all in view without scrolling; a click selects the span
// and jumps to its line; `insights` is posted once, when the program has ended.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildTracer,
  buildWebview,
  closePanel,
  type Harness,
  openPanel,
  postToPage,
  recordExample,
  RESULTS,
  ROOT,
  startHarness,
  tempDir,
} from './harness';
import type { Insights } from '../../src/shared/insights';
import type { PageDocument, PageWindow, PostedMessage } from './pageGlobals';

/** A posted message with the insights it may carry. */
type Posted = PostedMessage & { insights: Insights };

declare const window: PageWindow;
declare const document: PageDocument;

const SESSION = { title: 'blocking.js', commandLine: 'node blocking.js' };
const BLOCKING_JS = path.join(ROOT, 'examples', 'insights', 'blocking.js');

/** 1-based line of the first line of blocking.js containing `text`. */
function lineOf(text: string): number {
  return (
    fs
      .readFileSync(BLOCKING_JS, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

/** Messages the page posted, as plain records. */
async function postedOf(page: Page, type: string): Promise<Posted[]> {
  return page.evaluate((t) => (window.__posted as Posted[]).filter((m) => m.type === t), type);
}

describe('webview: the headline', function () {
  this.timeout(120_000);
  let harness: Harness;
  let trace: Uint8Array;
  let page: Page;
  let errors: string[];

  before(async () => {
    const out = tempDir('cv-headline-test-');
    const [webviewJs, tracerJs] = await Promise.all([buildWebview(out), buildTracer(out)]);
    trace = await recordExample(tracerJs, out, 'insights/blocking.js');
    harness = await startHarness(webviewJs);
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness, errors);
    await page.setViewportSize({ width: 550, height: 500 });
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  it('shows the verdict, the blocking finding and the cores in view at 550 x 500', async () => {
    await postToPage(
      page,
      { type: 'hydrate', session: SESSION, status: { state: 'exited', exitCode: 0 } },
      [trace],
    );
    await page.waitForSelector('#headline:not([hidden])');
    const verdict = (await page.textContent('#headline-verdict')) ?? '';
    assert.match(verdict, /^(Concurrent|Parallel|Neither)[^:]*: .*\.$/);
    assert.ok(!verdict.startsWith('So far'), 'final once the program exited');
    const finding = page.locator('#headline-findings button').first();
    assert.equal(await finding.getAttribute('data-kind'), 'blocking');
    assert.equal(await finding.getAttribute('data-severity'), 'warning');
    const text = (await finding.textContent()) ?? '';
    const timerLine = lineOf('function heartbeat');
    assert.match(
      text,
      new RegExp(
        `^⚠ Timeout callback \\(line ${lineOf('function block')}\\) held main for \\d+ ms: .*Timeout from line ${timerLine} was delayed \\d+ ms$`,
      ),
    );
    assert.match(
      (await page.textContent('#headline-cores')) ?? '',
      /^Cores: \d+\.\d\d of \d+ busy on average while computing \(peak \d+\.\d\d\)/,
    );
    assert.equal(await page.isHidden('#headline-warning'), true, 'nothing dropped, nothing cut');

    // In view without scrolling: inside the viewport, and what is at its centre is itself.
    const scrollY = await page.evaluate(() => (window as unknown as { scrollY: number }).scrollY);
    assert.equal(scrollY, 0);
    for (const selector of ['#headline-verdict', '#headline-findings button', '#headline-cores']) {
      const box = (await page.locator(selector).first().boundingBox())!;
      assert.ok(
        box.y >= 0 && box.y + box.height <= 500 && box.x + box.width <= 550,
        `${selector} ${JSON.stringify(box)}`,
      );
      const hit = await page.evaluate(
        ({ x, y, selector }) => {
          const d = document as unknown as {
            elementFromPoint(x: number, y: number): unknown;
            querySelector(s: string): unknown;
          };
          return d.elementFromPoint(x, y) === d.querySelector(selector);
        },
        { x: box.x + Math.min(box.width / 2, 100), y: box.y + box.height / 2, selector },
      );
      assert.ok(hit, `${selector} is not covered`);
    }
    await page.screenshot({ path: path.join(RESULTS, 'webview-headline-550x500.png') });

    // The insights went to the host once, final, with the same finding.
    const insights = await postedOf(page, 'insights');
    assert.equal(insights.length, 1);
    assert.equal(insights[0].insights.final, true);
    assert.equal(insights[0].insights.findings[0].kind, 'blocking');
    assert.equal(insights[0].insights.findings[0].related[0].line, timerLine);
    assert.ok(insights[0].insights.lines.some((l) => l.line === timerLine));

    // A click selects the blocking callback's span and opens its line.
    await finding.click();
    const jumps = await postedOf(page, 'jump');
    assert.equal(jumps.length, 1);
    assert.ok(jumps[0].position!.file.endsWith(path.join('insights', 'blocking.js')));
    assert.equal(jumps[0].position!.line, lineOf('function block'));
    const selected = await page.evaluate(() => {
      const debug = window.cvDebug as unknown as {
        view(): { selectedSpan: number; startNs: number; endNs: number };
      };
      return debug.view();
    });
    assert.ok(selected.selectedSpan >= 0, 'a span is selected');
    const spanMs = (selected.endNs - selected.startNs) / 1e6;
    assert.ok(spanMs < 1000, `zoomed to the 300 ms callback: window ${spanMs} ms`);
  });

  it('follows a running program ("So far") and posts insights only once it ends', async () => {
    await postToPage(page, { type: 'hydrate', session: SESSION, status: { state: 'running' } }, [
      trace,
    ]);
    await page.waitForSelector('#headline:not([hidden])');
    assert.match((await page.textContent('#headline-verdict')) ?? '', /^So far: /);
    assert.equal((await postedOf(page, 'insights')).length, 0, 'nothing final yet');
    await postToPage(page, { type: 'status', status: { state: 'exited', exitCode: 0 } });
    await page.waitForFunction(
      () => !document.getElementById('headline-verdict')?.textContent?.startsWith('So far'),
    );
    const insights = await postedOf(page, 'insights');
    assert.equal(insights.length, 1);
    assert.equal(insights[0].insights.final, true);
  });
});
