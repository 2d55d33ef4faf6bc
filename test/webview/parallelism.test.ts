// The parallelism views (OS-thread lanes, core lanes, cores chart, verdict) in real headless
// Chromium, fed traces recorded by the CLI with the /proc sampler on. One describe over the
// traces its before() records once (a few seconds each on 2 shared cores): hence its size.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleForNode } from '../fixtures/nodeBundle';
import type { Page } from 'playwright-core';
import { TraceDecoder } from '../../src/model/decoder';
import { summarize } from '../../src/model/summary';
import { classifyOsThreads } from '../../src/model/threadKinds';
import { TraceModel } from '../../src/model/traceModel';
import {
  buildTracer,
  buildWebview,
  buildWebviewEntry,
  closePanel,
  type Harness,
  tempDir,
  openPanel,
  postToPage,
  recordExample,
  RESULTS,
  ROOT,
  startHarness,
} from './harness';
import type { PostedMessage } from './pageGlobals';

/** What these tests touch in the page. */
interface Lane {
  pid: number;
  tid: number;
  kind: string;
  basis: string;
  text: string;
  clientY?: number;
}
interface ParallelismWindow {
  __posted: PostedMessage[];
  __cspViolations: string[];
  cvDebug?: {
    parallelism?: {
      chartXForTime(timeNs: number): number | undefined;
      chartPending(): boolean;
      chartInWorker(): boolean;
      trackXForTime(timeNs: number): number | undefined;
      lanes(): Lane[];
      timeWindow(): { startNs: number; endNs: number } | undefined;
      coreLanes(): boolean;
      verdict(): string | undefined;
    };
  };
  cvPreview?: { setWindow(startNs: number, endNs: number): void; flush(): void };
}
declare const window: ParallelismWindow;
declare function requestAnimationFrame(callback: () => void): number;
declare function setTimeout(callback: () => void, ms: number): number;
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
};

const PROGRAMS = path.join(ROOT, 'test', 'tracer', 'programs');
const EXITED = { state: 'exited', exitCode: 0 };

interface Recorded {
  bytes: Uint8Array;
  model: TraceModel;
}

/** Builds the CLI and its tracer side by side (the CLI finds tracer.js beside itself). */
function buildCli(outDir: string): string {
  bundleForNode('src/tracer/index.ts', path.join(outDir, 'tracer.js'));
  return bundleForNode('src/cli/main.ts', path.join(outDir, 'cli.js'));
}

/** Records a program with `cli record` (tracer and sampler), one at a time: 2 shared cores. */
function record(cli: string, outDir: string, program: string, args: string[]): Recorded {
  const out = path.join(outDir, `${path.basename(program, '.js')}.cvtrace`);
  const r = spawnSync(
    process.execPath,
    [cli, 'record', '--out', out, '--', process.execPath, path.join(PROGRAMS, program), ...args],
    { encoding: 'utf8', timeout: 30000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const bytes = new Uint8Array(fs.readFileSync(out));
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return { bytes, model };
}

/** Builds the preview page's bundle (a minimal host with the parallelism views). */
async function buildPreview(outDir: string): Promise<string> {
  return buildWebviewEntry(
    path.join(ROOT, 'test', 'webview', 'pages', 'preview.ts'),
    path.join(outDir, 'preview.js'),
  );
}

async function show(page: Page, title: string, trace: Recorded): Promise<void> {
  await postToPage(
    page,
    { type: 'hydrate', session: { title, commandLine: `node ${title}` }, status: EXITED },
    [trace.bytes],
  );
  const want = trace.model.os.threads.length;
  await page.waitForFunction((n) => {
    const p = window.cvDebug?.parallelism;
    return (
      p?.lanes().length === n &&
      p.lanes().every((l) => l.clientY !== undefined) &&
      p.chartXForTime(p.timeWindow()?.startNs ?? 0) !== undefined
    );
  }, want);
  await settle(page);
}

/** Waits two frames so pending redraws have happened, then for the chart's worker to catch up. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await page.waitForFunction(() => window.cvDebug?.parallelism?.chartPending() === false);
}

/** |chart x - track x| at five times across the visible window, client px. */
async function misalignment(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const p = window.cvDebug!.parallelism!;
    const w = p.timeWindow()!;
    return [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const t = w.startNs + f * (w.endNs - w.startNs);
      return Math.abs(p.chartXForTime(t)! - p.trackXForTime(t)!);
    });
  });
}

describe('webview: parallelism views in headless Chromium', function () {
  this.timeout(120_000);
  let harness: Harness;
  let spin: Recorded;
  let pbkdf2: Recorded;
  let cpuLoop: Recorded;
  let unsampled: Recorded;
  let starved: Recorded;
  let hogs: ChildProcess[] = [];
  let page: Page;
  let errors: string[];

  before(async () => {
    const out = tempDir('cv-parallelism-test-');
    const cli = buildCli(out);
    spin = record(cli, out, 'spin-workers.js', ['2', '500']);
    pbkdf2 = record(cli, out, 'pbkdf2.js', ['150000']);
    cpuLoop = record(cli, out, 'cpu-loop.js', ['120']);
    // The same loop while other processes hold every core (bounded: 30 s, killed right after).
    const code = `process.stdout.write('spinning\\n'); const e = Date.now() + 30000; while (Date.now() < e) {}`;
    hogs = Array.from({ length: 2 * availableParallelism() }, () =>
      spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    await Promise.all(hogs.map((h) => new Promise((ok) => h.stdout!.once('data', ok))));
    starved = record(cli, out, 'cpu-loop.js', ['400']);
    hogs.forEach((h) => h.kill('SIGKILL'));
    // The tracer alone (no sampler), as on a platform without /proc.
    const bytes = await recordExample(await buildTracer(out), out, 'timers.js');
    unsampled = { bytes, model: new TraceModel() };
    new TraceDecoder(unsampled.model).pushFile(bytes);
    harness = await startHarness(await buildPreview(out));
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    hogs.forEach((h) => h.kill('SIGKILL'));
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness, errors);
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  it('draws one lane per OS thread with its kind: libuv threadpool lanes for pbkdf2', async () => {
    await show(page, 'pbkdf2.js', pbkdf2);
    const lanes = await page.evaluate(() => window.cvDebug!.parallelism!.lanes());
    const classes = classifyOsThreads(pbkdf2.model);
    const expected = pbkdf2.model.os.threads.map((t, i) => `${t.tid}:${classes[i].kind}`).sort();
    assert.deepEqual(lanes.map((l) => `${l.tid}:${l.kind}`).sort(), expected);
    assert.equal(lanes[0].kind, 'main', 'the main thread comes first');
    assert.match(lanes[0].text, /^main: main \(tid \d+\)$/);
    const libuv = lanes.filter((l) => l.kind === 'libuv');
    assert.ok(libuv.length >= 2, `libuv lanes: ${lanes.map((l) => l.text).join(' | ')}`);
    for (const l of lanes.filter((x) => x.basis === 'none')) {
      assert.match(l.text, /^unknown: /, 'an unclassified thread says unknown');
    }
    const ys = lanes.map((l) => l.clientY!);
    assert.deepEqual(
      ys,
      [...ys].sort((a, b) => a - b),
      'lanes top to bottom',
    );
    assert.ok(Math.max(...(await misalignment(page))) <= 1.5, 'chart and lanes aligned');
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-pbkdf2.png'), fullPage: true });
  });

  it('keeps the chart aligned with the lanes when zooming, and shows core lanes', async () => {
    await show(page, 'spin-workers.js', spin);
    assert.equal(
      await page.evaluate(() => window.cvDebug!.parallelism!.chartInWorker()),
      true,
      'chart.js draws the chart in a worker, off the page thread',
    );
    const lanes = await page.evaluate(() => window.cvDebug!.parallelism!.lanes());
    assert.equal(lanes.filter((l) => l.kind === 'worker').length, 2, 'two worker lanes');
    const before = await misalignment(page);
    assert.ok(Math.max(...before) <= 1.5, `aligned before zoom: ${before.join(', ')}`);
    const w0 = (await page.evaluate(() => window.cvDebug!.parallelism!.timeWindow()))!;

    // Zoom in with the wheel over the middle of the lanes.
    const box = (await page.locator('#pl-preview-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + lanes[1].clientY! - box.y);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((span) => {
      const w = window.cvDebug!.parallelism!.timeWindow()!;
      return w.endNs - w.startNs < span * 0.8;
    }, w0.endNs - w0.startNs);
    await settle(page);
    const zoomed = await misalignment(page);
    assert.ok(Math.max(...zoomed) <= 1.5, `aligned after zoom: ${zoomed.join(', ')}`);
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-zoomed.png'), fullPage: true });

    // Pan (the window moves right) and check again.
    await page.evaluate(() => {
      const w = window.cvDebug!.parallelism!.timeWindow()!;
      const shift = (w.endNs - w.startNs) / 3;
      window.cvPreview!.setWindow(w.startNs + shift, w.endNs + shift);
    });
    await settle(page);
    const panned = await misalignment(page);
    assert.ok(Math.max(...panned) <= 1.5, `aligned after pan: ${panned.join(', ')}`);

    // The core-lanes toggle is reachable by keyboard.
    await page.evaluate(() => window.cvPreview!.setWindow(NaN, NaN));
    await page.focus('#pl-core-lanes');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.cvDebug!.parallelism!.coreLanes());
    await settle(page);
    assert.ok(Math.max(...(await misalignment(page))) <= 1.5, 'aligned with core lanes on');
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-cores.png'), fullPage: true });
  });

  it('draws other processes in the cores chart and says the program was starved', async () => {
    const c = summarize(starved.model).cores;
    assert.ok(c.otherMeasured && c.otherBusyPeak > 0.5, JSON.stringify(c));
    await show(page, 'cpu-loop.js', starved);
    const caption = (await page.textContent('.pl-caption')) ?? '';
    assert.match(caption, /other processes stacked on top, in grey/);
    assert.match((await page.textContent('.pl-legend')) ?? '', /other processes/);
    // The readout under the pointer gives the others' cores in that bucket.
    const box = (await page.locator('#cores-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction(() =>
      /other processes \d+\.\d\d/.test(document.querySelector('.pl-readout')?.textContent ?? ''),
    );
    const summary = (await page.textContent('#pl-summary')) ?? '';
    assert.match(summary, /Other processes: \d+\.\d\d of \d+ cores busy on average/);
    if (c.starvation) {
      assert.match(summary, /Starved of CPU: main .*waited \d+ ms for a CPU/);
    }
    assert.match(summary, /on a CPU \d+(\.\d)? ms, waited \d+(\.\d)? ms for one/);
    await page.screenshot({
      path: path.join(RESULTS, 'parallelism-other-processes.png'),
      fullPage: true,
    });
  });

  it('shows the verdict from summarize() and the figures behind it', async () => {
    await show(page, 'spin-workers.js', spin);
    const expected = summarize(spin.model).verdict.text;
    assert.equal(await page.evaluate(() => window.cvDebug!.parallelism!.verdict()), expected);
    assert.equal(await page.textContent('#pl-verdict'), expected);
    const summary = (await page.textContent('#pl-summary')) ?? '';
    assert.match(summary, /Cores: \d+\.\d\d of \d+ busy on average/);
    assert.match(summary, /Run-queue wait: threads waited/);
    assert.match(summary, /Event loop main \(pid \d+, thread 0\): async operations in flight peak/);
    assert.match(summary, /utilization \d+\.\d%/);
  });

  it('summarizes only once the summary is on screen', async () => {
    // Short enough that the summary is below the fold: summarizing a big trace takes long, and
    // right after the first paint it would hold up the user's first zooms for nothing.
    await page.setViewportSize({ width: 1100, height: 300 });
    await show(page, 'spin-workers.js', spin);
    const summary = page.locator('#pl-summary');
    assert.equal(await summary.isVisible(), true);
    const below = (await summary.boundingBox())!.y;
    assert.ok(below > 300, `the summary starts below the fold (at ${below} px)`);
    await settle(page);
    // A new trace is summarized a frame and a task after it is drawn, if on screen: let those
    // pass (and the visibility observer's report, made in a frame).
    await page.evaluate(
      () =>
        new Promise<void>((done) =>
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))),
        ),
    );
    assert.equal(await page.textContent('#pl-verdict'), 'Summarizing…');
    await summary.scrollIntoViewIfNeeded();
    const expected = summarize(spin.model).verdict.text;
    await page.waitForFunction(
      (text) => document.getElementById('pl-verdict')?.textContent === text,
      expected,
      { timeout: 10_000 },
    );
  });

  it('says that the figures are estimates when the trace has no OS samples', async () => {
    await postToPage(
      page,
      {
        type: 'hydrate',
        session: { title: 'timers.js', commandLine: 'node timers.js' },
        status: EXITED,
      },
      [unsampled.bytes],
    );
    await page.waitForFunction(() => {
      const p = window.cvDebug?.parallelism;
      return p?.chartXForTime(p.timeWindow()?.startNs ?? 0) !== undefined;
    });
    assert.deepEqual(await page.evaluate(() => window.cvDebug!.parallelism!.lanes()), []);
    assert.match((await page.textContent('.pl-caption')) ?? '', /estimate from JS callbacks/);
    await page.evaluate(() => window.cvDebug!.parallelism!.verdict());
    const summary = (await page.textContent('#pl-summary')) ?? '';
    assert.match(summary, /Cores \(estimates: no OS thread samples\)/);
    assert.match(summary, /Sampler: unavailable .*estimates from JS callbacks/);
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-estimate.png'), fullPage: true });
  });

  it('posts a jump to the source line of a blocking callback when it is clicked', async () => {
    await show(page, 'cpu-loop.js', cpuLoop);
    const blocking = summarize(cpuLoop.model).blocking.filter((b) => b.file);
    assert.ok(blocking.length, 'cpu-loop.js has a located blocking callback');
    const target = blocking.find((b) => b.type === 'Timeout') ?? blocking[0];
    const lines = fs.readFileSync(path.join(PROGRAMS, 'cpu-loop.js'), 'utf8').split('\n');
    assert.equal(target.line, lines.findIndex((l) => l.includes('setTimeout(')) + 1);
    const button = page.locator('#pl-blocking .pl-jump', { hasText: `cpu-loop.js:${target.line}` });
    await button.first().click();
    const jumps = (await page.evaluate(() => window.__posted)).filter((m) => m.type === 'jump');
    assert.deepEqual(jumps, [
      { type: 'jump', position: { file: target.file, line: target.line, column: target.column } },
    ]);
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-cpu-loop.png'), fullPage: true });
  });
});

describe('webview: parallelism views in the panel (timeline host)', function () {
  this.timeout(120_000);
  let harness: Harness | undefined;
  let pbkdf2: Recorded;
  let page: Page;
  let errors: string[];

  before(async () => {
    const out = tempDir('cv-parallelism-panel-');
    pbkdf2 = record(buildCli(out), out, 'pbkdf2.js', ['150000']);
    harness = await startHarness(await buildWebview(out));
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    errors = [];
    page = await openPanel(harness!, errors);
    await page.setViewportSize({ width: 1100, height: 1000 });
  });

  afterEach(async () => {
    await closePanel(page, errors);
  });

  it('draws the OS-thread lanes below the views, the chart aligned through a zoom', async () => {
    await show(page, 'pbkdf2.js', pbkdf2);
    const lanes = await page.evaluate(() => window.cvDebug!.parallelism!.lanes());
    assert.ok(lanes.filter((l) => l.kind === 'libuv').length >= 2, 'libuv lanes');
    const before = await misalignment(page);
    assert.ok(Math.max(...before) <= 1.5, `aligned: ${before.join(', ')}`);
    const w0 = (await page.evaluate(() => window.cvDebug!.parallelism!.timeWindow()))!;
    const box = (await page.locator('#threads-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + Math.min(10, box.height / 2));
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((span) => {
      const w = window.cvDebug!.parallelism!.timeWindow()!;
      return w.endNs - w.startNs < span * 0.8;
    }, w0.endNs - w0.startNs);
    await settle(page);
    const zoomed = await misalignment(page);
    assert.ok(Math.max(...zoomed) <= 1.5, `aligned after zoom: ${zoomed.join(', ')}`);
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-panel.png'), fullPage: true });

    // Hovering a libuv lane describes its thread (text from the track, card from the host).
    const lane = (await page.evaluate(() => window.cvDebug!.parallelism!.lanes())).find(
      (l) => l.kind === 'libuv',
    )!;
    const w = (await page.evaluate(() => window.cvDebug!.parallelism!.timeWindow()))!;
    const x = await page.evaluate(
      (t) => window.cvDebug!.parallelism!.trackXForTime(t)!,
      (w.startNs + w.endNs) / 2,
    );
    await page.mouse.move(x, lane.clientY!);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = (await page.textContent('#tooltip')) ?? '';
    assert.match(tip, new RegExp(`libuv: .*\\(tid ${lane.tid}\\)`));
    assert.match(tip, /in total: on a CPU/);

    // Beside an editor: narrower gutter, the chart still aligned with the lanes.
    await page.mouse.move(0, 0);
    await page.setViewportSize({ width: 600, height: 700 });
    await settle(page);
    await settle(page);
    const narrow = await misalignment(page);
    assert.ok(Math.max(...narrow) <= 1.5, `aligned when narrow: ${narrow.join(', ')}`);
    await page.screenshot({ path: path.join(RESULTS, 'parallelism-panel-narrow.png') });
    await page.screenshot({
      path: path.join(RESULTS, 'parallelism-panel-narrow-full.png'),
      fullPage: true,
    });
  });
});
