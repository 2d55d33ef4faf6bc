// The timeline webview in real headless Chromium, fed real traces of the examples.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buildTracer,
  buildWebview,
  closePanel,
  frameEnds,
  type Harness,
  tempDir,
  openPanel,
  postToPage,
  recordExample,
  RESULTS,
  ROOT,
  startHarness,
  nextFrames,
} from './harness';
import type { PageDocument, PageWindow, PostedMessage } from './pageGlobals';

declare const window: PageWindow;
declare const document: PageDocument;

const TIMERS = { title: 'timers.js', commandLine: 'node timers.js' };
const EXITED = { state: 'exited', exitCode: 0 };

/** Line of `setTimeout(` in examples/timers.js (1-based), read from the file. */
function setTimeoutLine(): number {
  const lines = fs.readFileSync(path.join(ROOT, 'examples', 'timers.js'), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes('setTimeout(')) + 1;
}

async function waitForSpans(page: Page, atLeast = 1): Promise<number> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('threads')?.dataset.spans) >= n,
    atLeast,
  );
  return Number(await page.getAttribute('#threads', 'data-spans'));
}

async function posted(page: Page): Promise<PostedMessage[]> {
  return page.evaluate(() => window.__posted);
}

/** RGBA of the threads canvas at a CSS-pixel point. */
async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ({ x, y }) => {
      const canvas = document.getElementById('threads-canvas')!;
      const dpr = canvas.width / canvas.getBoundingClientRect().width;
      const ctx = canvas.getContext('2d')!;
      return Array.from(ctx.getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data);
    },
    { x, y },
  );
}

describe('webview: timeline panel in headless Chromium', function () {
  this.timeout(120_000);
  let harness: Harness;
  let timersTrace: Uint8Array;
  let workerTrace: Uint8Array;
  let page: Page;
  let errors: string[];

  before(async () => {
    const out = tempDir('cv-webview-test-');
    const [webviewJs, tracerJs] = await Promise.all([buildWebview(out), buildTracer(out)]);
    [timersTrace, workerTrace] = await Promise.all([
      recordExample(tracerJs, out, 'timers.js'),
      recordExample(tracerJs, out, 'worker.js'),
    ]);
    harness = await startHarness(webviewJs);
    fs.mkdirSync(RESULTS, { recursive: true });
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

  it('posts ready, draws the timers trace, hovers and jumps to the setTimeout line', async () => {
    assert.deepEqual((await posted(page))[0], { type: 'ready' });
    const persist = { sessionDir: '/tmp/session', session: TIMERS };
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: EXITED, persist }, [
      timersTrace,
    ]);
    const spans = await waitForSpans(page);
    assert.ok(spans > 0);
    assert.equal(await page.getAttribute('#threads', 'data-lanes'), '1');
    assert.deepEqual(await page.evaluate(() => window.__state), persist);
    assert.equal(await page.textContent('#status'), 'Exited with code 0');
    assert.equal(await page.getAttribute('#status', 'data-state'), 'exited');
    assert.equal(await page.textContent('#title'), 'timers.js');
    assert.equal(await page.isDisabled('#stop'), true);
    assert.equal(await page.isEnabled('#run-again'), true);
    const state = await page.evaluate(() => window.cvDebug.state());
    assert.deepEqual(state, { lanes: 1, spans, resources: state.resources, status: 'exited' });

    const point = await page.evaluate(() => window.cvDebug.findSpan({ type: 'Timeout' }));
    assert.ok(point, 'a Timeout span is drawn');
    const [r, g, b, a] = await pixelAt(page, point.x, point.y);
    assert.equal(a, 255);
    assert.notDeepEqual([r, g, b], [0x1f, 0x1f, 0x1f], 'the span is painted over the background');
    await page.screenshot({ path: path.join(RESULTS, 'webview-timers.png') });

    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.move(box.x + point.x, box.y + point.y);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    assert.match(tip, /Timeout/);
    assert.match(tip, /timers\.js:/);
    assert.match(tip, /callback ran/);
    await page.screenshot({ path: path.join(RESULTS, 'webview-timers-hover.png') });

    const line = setTimeoutLine();
    const hover = (await posted(page)).filter((m) => m.type === 'hover');
    assert.equal(hover.length, 1, 'one hover message per change');
    assert.ok(hover[0].position?.file.endsWith('examples/timers.js'));
    assert.equal(hover[0].position?.line, line);

    await page.mouse.down();
    await page.mouse.up();
    const jump = (await posted(page)).filter((m) => m.type === 'jump');
    assert.deepEqual(jump, [{ type: 'jump', position: hover[0].position }]);

    await page.mouse.move(box.x + 5, box.y - 60);
    await page.waitForSelector('#tooltip', { state: 'hidden' });
    const last = (await posted(page)).filter((m) => m.type === 'hover').at(-1);
    assert.deepEqual(last, { type: 'hover' });
  });

  it('draws one lane per thread for the worker trace', async () => {
    await postToPage(
      page,
      {
        type: 'hydrate',
        session: { title: 'worker.js', commandLine: 'node worker.js' },
        status: EXITED,
      },
      [workerTrace],
    );
    await waitForSpans(page);
    assert.equal(await page.getAttribute('#threads', 'data-lanes'), '2');
    const inWorker = await page.evaluate(() => window.cvDebug.findSpan({ thread: 1 }));
    assert.ok(inWorker, 'the worker lane has a span');
    const inMain = await page.evaluate(() =>
      window.cvDebug.findSpan({ thread: 0, type: 'Timeout' }),
    );
    assert.ok(inMain && inWorker.y > inMain.y, 'the worker lane is below the main lane');
    await page.screenshot({ path: path.join(RESULTS, 'webview-worker.png') });
  });

  it('applies append deltas after a header-only hydrate, following the live edge', async () => {
    const ends = frameEnds(workerTrace);
    assert.ok(ends.length >= 2, 'the worker trace has several frames');
    const mid = ends[Math.floor(ends.length / 2) - 1];
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: { state: 'running' } }, [
      workerTrace.subarray(0, 8),
    ]);
    await page.waitForFunction(() => window.cvDebug.state().status === 'running');
    assert.equal(await page.getAttribute('#threads', 'data-spans'), '0');
    await postToPage(page, { type: 'append' }, [workerTrace.subarray(8, mid)]);
    const first = await waitForSpans(page, 0);
    await postToPage(page, { type: 'append' }, [workerTrace.subarray(mid)]);
    const expected = (await page.evaluate(() => window.cvDebug.state())).spans;
    const all = await waitForSpans(page, expected);
    assert.ok(all > first, `spans grew from ${first} to ${all}`);
    assert.ok(await page.evaluate(() => window.cvDebug.findSpan({ thread: 1 })));
  });

  it('shows a decoding error and keeps what was decoded before it', async () => {
    const garbage = new Uint8Array(64).fill(0xff);
    const corrupt = new Uint8Array(timersTrace.length + garbage.length);
    corrupt.set(timersTrace);
    corrupt.set(garbage, timersTrace.length);
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: EXITED }, [corrupt]);
    await page.waitForSelector('#error:not([hidden])');
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');
    assert.match((await page.textContent('#error')) ?? '', /offset/);
    assert.ok((await waitForSpans(page)) > 0, 'the valid frames are still shown');
    assert.ok(await page.evaluate(() => window.cvDebug.findSpan({ type: 'Timeout' })));

    // Header then garbage: the banner, not a blank or broken panel.
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: EXITED }, [
      new Uint8Array([...timersTrace.subarray(0, 8), ...garbage]),
    ]);
    await page.waitForFunction(() =>
      /offset 8/.test(document.getElementById('error')?.textContent ?? ''),
    );
    assert.equal(await page.isVisible('#toolbar, .toolbar'), true);

    // A host error message is shown the same way.
    await postToPage(page, { type: 'error', message: 'The session folder disappeared' });
    await page.waitForFunction(() =>
      (document.getElementById('error')?.textContent ?? '').includes('session folder disappeared'),
    );
  });

  it('enables Stop while running and posts stop / runAgain', async () => {
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: { state: 'starting' } }, [
      timersTrace.subarray(0, 8),
    ]);
    await postToPage(page, { type: 'status', status: { state: 'running' } });
    await page.waitForSelector('#status[data-state="running"]');
    assert.equal(await page.textContent('#status'), 'Running…');
    assert.equal(await page.isEnabled('#stop'), true);
    assert.equal(await page.isDisabled('#run-again'), true);
    await page.click('#stop');
    assert.deepEqual((await posted(page)).at(-1), { type: 'stop' });

    await postToPage(page, { type: 'status', status: { state: 'stopped', signal: 'SIGINT' } });
    await page.waitForSelector('#status[data-state="stopped"]');
    assert.equal(await page.textContent('#status'), 'Stopped (SIGINT)');
    assert.equal(await page.isDisabled('#stop'), true);
    await page.click('#run-again');
    assert.deepEqual((await posted(page)).at(-1), { type: 'runAgain' });

    await postToPage(page, {
      type: 'status',
      status: { state: 'failed', message: 'node not found' },
    });
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'Failed: node not found',
    );
  });

  it('fits a narrow panel: one scrolling page, collapsible sections, details in the flow', async () => {
    await page.setViewportSize({ width: 600, height: 700 });
    const session = {
      title: 'worker.js',
      commandLine: 'node worker.js',
      programPath: '/app/worker.js',
    };
    await postToPage(page, { type: 'hydrate', session, status: { state: 'replay' } }, [
      workerTrace,
    ]);
    await waitForSpans(page);
    assert.equal(await page.isEnabled('#run-again'), true, 'a restored run can run again');
    await page.screenshot({ path: path.join(RESULTS, 'webview-narrow.png') });

    // Every section has a keyboard-reachable collapse button.
    const toggles = page.locator('.section-toggle');
    const labels = await toggles.allInnerTexts();
    for (const want of ['Threads', 'Operations', 'Parallelism', 'Summary']) {
      assert.ok(
        labels.some((l) => l.toLowerCase() === want.toLowerCase()),
        `a ${want} toggle in ${labels.join(', ')}`,
      );
    }
    const ops = page.locator('.ops-view .section-toggle');
    assert.equal(await ops.getAttribute('aria-expanded'), 'true');
    await ops.focus();
    await page.keyboard.press('Enter');
    assert.equal(await ops.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.isVisible('#ops'), false);
    await page.keyboard.press('Space');
    assert.equal(await ops.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.isVisible('#ops'), true);

    // A collapsed Threads view opens again for findSpan, whose point is on screen.
    await page.click('.threads-view .section-toggle');
    const point = (await page.evaluate(() => window.cvDebug.findSpan({ thread: 1 })))!;
    assert.ok(point, 'the worker span is found');
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    assert.ok(box.y + point.y > 0 && box.y + point.y < 700, 'the span is on screen');
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.waitForSelector('#details[data-kind="span"]');
    const rects = await page.$$eval('.view, #details', (els) =>
      els
        .map((e) => {
          const r = (
            e as unknown as { getBoundingClientRect(): { top: number; bottom: number } }
          ).getBoundingClientRect();
          return { id: (e as unknown as { className: string }).className, ...r };
        })
        .filter((r) => r.bottom > r.top)
        .sort((a, b) => a.top - b.top),
    );
    for (let i = 1; i < rects.length; i++) {
      assert.ok(
        rects[i].top >= rects[i - 1].bottom - 1,
        `${rects[i].id} overlaps ${rects[i - 1].id}`,
      );
    }
    await page.screenshot({ path: path.join(RESULTS, 'webview-narrow-details.png') });
    await page.screenshot({ path: path.join(RESULTS, 'webview-narrow-full.png'), fullPage: true });
    await page.setViewportSize({ width: 480, height: 600 });
    await nextFrames(page);
    await page.screenshot({ path: path.join(RESULTS, 'webview-480.png') });

    // Without a program to run, a restored panel cannot run again.
    await postToPage(page, {
      type: 'hydrate',
      session: { title: 'worker.js', commandLine: 'node worker.js' },
      status: { state: 'replay' },
    });
    await page.waitForFunction(() => window.cvDebug.state().spans === 0);
    assert.equal(await page.isDisabled('#run-again'), true);
  });

  it('reads in light and high-contrast themes', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: EXITED }, [workerTrace]);
    await waitForSpans(page);
    const applyTheme = (bodyClass: string, vars: Record<string, string>): Promise<void> =>
      page.evaluate(
        ({ bodyClass, vars }) => {
          for (const [name, value] of Object.entries(vars)) {
            document.documentElement.style.setProperty(name, value);
          }
          document.body.className = bodyClass;
        },
        { bodyClass, vars },
      );
    await applyTheme('vscode-light', {
      '--vscode-editor-background': '#ffffff',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
    });
    await nextFrames(page);
    await page.screenshot({ path: path.join(RESULTS, 'webview-light.png') });
    await applyTheme('vscode-high-contrast', {
      '--vscode-editor-background': '#000000',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-editorHoverWidget-background': '#0c141f',
    });
    await nextFrames(page);
    assert.deepEqual((await pixelAt(page, 2, 2)).slice(0, 3), [0, 0, 0]);
    await page.screenshot({ path: path.join(RESULTS, 'webview-hc.png') });
  });

  it('zooms with the wheel, fits with 0, and re-reads colours on a theme change', async () => {
    await postToPage(page, { type: 'hydrate', session: TIMERS, status: EXITED }, [timersTrace]);
    await waitForSpans(page);
    const before = (await page.evaluate(() => window.cvDebug.findSpan({ type: 'Timeout' })))!;
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.move(box.x + before.x, box.y + before.y);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      () => (window.cvDebug as unknown as { view(): { mode: string } }).view().mode === 'free',
    );
    const widthOf = () =>
      page.evaluate(() => {
        const canvas = document.getElementById('threads-canvas')!;
        return canvas.getBoundingClientRect().width;
      });
    assert.ok((await widthOf()) > 0);
    await page.keyboard.press('0');
    await page.waitForFunction(
      () => (window.cvDebug as unknown as { view(): { mode: string } }).view().mode === 'fit',
    );
    const after = (await page.evaluate(() => window.cvDebug.findSpan({ type: 'Timeout' })))!;
    assert.deepEqual(after, before, 'key 0 fits back to the same view');

    const bgBefore = await pixelAt(page, 2, 2);
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', '#ffffff');
      document.body.className = 'vscode-light';
    });
    await nextFrames(page);
    const bgAfter = await pixelAt(page, 2, 2);
    assert.notDeepEqual(bgAfter, bgBefore);
    assert.deepEqual(bgAfter.slice(0, 3), [255, 255, 255]);
  });
});
