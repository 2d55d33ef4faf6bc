// Viewer benchmark: the timeline webview in Debian's headless Chromium (never a downloaded
// browser) on synthetic traces of 10k..5M spans over 8 threads. Measures time from data received
// to first full paint, frame times over a scripted zoom/pan sequence, the renderer's memory and
// the bytes that cross the host-webview boundary; prints a markdown table.
// Usage: npm run bench:viewer [-- [--runs N] [--hours H] [--stacks] 10000 100000 1000000 5000000]
// --stacks adds one more process with the stack samples of a 60 s run (1 ms) over the same time
// (bench/stackSamples.ts): the Stacks track draws them with everything else.
// Chromium's V8 takes flags from CV_JS_FLAGS (e.g. "--trace-deopt"; shown with DEBUG=pw:browser).
// CV_BENCH_BASELINE=<bundle> runs a second webview bundle in turn with this one (side by side).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { buildWebview, openPanel, startHarness, tempDir } from '../test/webview/harness';
import { generateTrace } from '../test/fixtures/traces';
import { TraceDecoder } from '../src/model/decoder';
import { TraceModel } from '../src/model/traceModel';
import { stackSampleFrames } from './stackSamples';

declare const window: {
  postMessage(message: unknown, origin: string, transfer?: unknown[]): void;
  cvDebug: {
    state(): { spans: number };
    view(): { draws: number; lastDrawAt: number; startNs: number; endNs: number };
    drawTimes(): number[];
  };
};
declare const document: {
  getElementById(id: string): {
    dispatchEvent(ev: unknown): boolean;
    getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  };
};
declare const performance: { now(): number };
declare function fetch(url: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>;
declare function requestAnimationFrame(cb: (t: number) => void): number;
declare const WheelEvent: new (type: string, init: object) => unknown;
declare const KeyboardEvent: new (type: string, init: object) => unknown;

// --runs N: each size N times (default 1), each in a fresh page; the table shows each figure's
// median over the runs, and the spread of the first paint.
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Math.max(1, Number(args.splice(runsAt, 2)[1]) || 1) : 1;
// --hours H: the same spans spread over H hours (gaps between callbacks stretched): a run of a
// day has buckets, tiles and overview bins over 24 h, not over seconds.
const hoursAt = args.indexOf('--hours');
const HOURS = hoursAt >= 0 ? Number(args.splice(hoursAt, 2)[1]) || 0 : 0;
const stacksAt = args.indexOf('--stacks');
const STACKS = stacksAt >= 0 && args.splice(stacksAt, 1).length > 0;
const SIZES = args.map(Number).filter((n) => n > 0);
const sizes = SIZES.length ? SIZES : [10_000, 100_000, 1_000_000, 5_000_000];

interface Row {
  spans: number;
  traceMB: number;
  decodePaintMs: number;
  /** The first draw alone (decoding is the rest of decodePaintMs). */
  firstDrawMs: number;
  drawMedianMs: number;
  drawP95Ms: number;
  frameMedianMs: number;
  frameP95Ms: number;
  heapMB: number;
  rssMB: number;
  privateMB: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/**
 * Memory of the page's renderer (the largest chromium renderer descending from this process):
 * its RSS, and its private pages alone.
 */
function rendererMemoryMB(): { rssMB: number; privateMB: number } {
  const parent = (pid: number): number => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return 0;
    }
  };
  let best = 0;
  let privateMB = 0;
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) {
      continue;
    }
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('--type=renderer')) {
      continue;
    }
    let p = pid;
    let ours = false;
    for (let i = 0; i < 6 && p > 1; i++) {
      p = parent(p);
      if (p === process.pid) {
        ours = true;
        break;
      }
    }
    if (!ours) {
      continue;
    }
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    if (kb / 1024 > best) {
      best = kb / 1024;
      // Private pages only (what Chromium's task manager calls the memory footprint): RSS also
      // counts the pages of Chromium's own code that every renderer maps and shares.
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const field = (name: string): number =>
        Number(new RegExp(`${name}:\\s+(\\d+)`).exec(rollup)?.[1] ?? 0);
      privateMB = (field('Private_Clean') + field('Private_Dirty') + field('Swap')) / 1024;
    }
  }
  return { rssMB: best, privateMB };
}

async function loadAndPaint(
  page: Page,
  spans: number,
): Promise<{ paintMs: number; firstDrawMs: number }> {
  return page.evaluate(async (expected) => {
    const bytes = new Uint8Array(await (await fetch('/trace.bin')).arrayBuffer());
    const before = window.cvDebug.view().draws;
    const t0 = performance.now();
    // Transferred, as VS Code's webview host forwards a message's ArrayBuffers to the panel's
    // frame (pre/index.html: contentWindow.postMessage(data.message, origin, data.transfer)).
    window.postMessage(
      {
        type: 'hydrate',
        session: { title: 'bench', commandLine: 'bench' },
        status: { state: 'replay' },
        chunks: [bytes],
      },
      '*',
      [bytes.buffer],
    );
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const v = window.cvDebug.view();
      if (v.draws > before && window.cvDebug.state().spans === expected) {
        return { paintMs: v.lastDrawAt - t0, firstDrawMs: window.cvDebug.drawTimes().at(-1) ?? 0 };
      }
    }
  }, spans);
}

/** Zooms in 40 steps around the middle, pans 30 steps each way, zooms out 40 steps. */
async function scriptedFrames(page: Page): Promise<{ draws: number[]; frames: number[] }> {
  return page.evaluate(async () => {
    const canvas = document.getElementById('threads-canvas');
    const rect = canvas.getBoundingClientRect();
    const clientX = rect.left + 170 + (rect.width - 170) / 2;
    const clientY = rect.top + 20;
    const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
    const steps: (() => void)[] = [];
    const wheel = (deltaY: number) => () =>
      canvas.dispatchEvent(
        new WheelEvent('wheel', { deltaY, clientX, clientY, bubbles: true, cancelable: true }),
      );
    const key = (k: string) => () =>
      canvas.dispatchEvent(
        new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }),
      );
    for (let i = 0; i < 40; i++) {
      steps.push(wheel(-120));
    }
    for (let i = 0; i < 30; i++) {
      steps.push(key('d'));
    }
    for (let i = 0; i < 30; i++) {
      steps.push(key('a'));
    }
    for (let i = 0; i < 40; i++) {
      steps.push(wheel(120));
    }
    await frame();
    const firstDraw = window.cvDebug.drawTimes().length;
    const frames: number[] = [];
    let last = await frame();
    for (const step of steps) {
      step();
      const now = await frame();
      frames.push(now - last);
      last = now;
    }
    await frame();
    return { draws: window.cvDebug.drawTimes().slice(firstDraw), frames };
  });
}

/** The trace with a 60 s run's stack samples over its time, with --stacks. */
function withStacks<T extends { bytes: Uint8Array }>(trace: T): T {
  if (!STACKS) {
    return trace;
  }
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(trace.bytes);
  const { frames, samples } = stackSampleFrames(model.startNs, model.endNs);
  const bytes = new Uint8Array(trace.bytes.length + frames.length);
  bytes.set(trace.bytes, 0);
  bytes.set(frames, trace.bytes.length);
  console.error(`+ ${samples} stack samples (${(frames.length / 1e6).toFixed(1)} MB)`);
  return { ...trace, bytes };
}

async function benchOne(webviewJs: string, dir: string, spans: number): Promise<Row> {
  // Per thread spans/8 gaps of 200 ns + up to `range` (mean range/2) fill the hours.
  const gapRangeNs = HOURS ? Math.round(((HOURS * 3600e9) / (spans / 8)) * 2) : undefined;
  const trace = withStacks(generateTrace(spans, 8, 1, gapRangeNs));
  const file = path.join(dir, `trace-${spans}.bin`);
  fs.writeFileSync(file, trace.bytes);
  const harness = await startHarness(webviewJs, {
    files: { '/trace.bin': [file, 'application/octet-stream'] },
    connect: true,
  });
  try {
    const errors: string[] = [];
    const page = await openPanel(harness, errors);
    await page.setViewportSize({ width: 1400, height: 800 });
    // tsx keeps function names with a helper the page does not have.
    await page.evaluate('window.__name = (f) => f');
    const cdp = await page.context().newCDPSession(page);
    // CV_BENCH_PAINT_PROFILE=<file>: a CPU profile from posting the trace to the first paint
    // (and whatever runs until the page is asked for it back).
    if (process.env.CV_BENCH_PAINT_PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const { paintMs: decodePaintMs, firstDrawMs } = await loadAndPaint(page, trace.spans);
    if (process.env.CV_BENCH_PAINT_PROFILE) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(process.env.CV_BENCH_PAINT_PROFILE, JSON.stringify(profile));
    }
    if (process.env.CV_BENCH_DELAY) {
      await new Promise((r) => setTimeout(r, Number(process.env.CV_BENCH_DELAY)));
    }
    // CV_BENCH_DELAY=<ms>: wait this long after the first paint before the sequence (to tell
    // what the first frames pay for after loading apart from what they pay for being first).
    // CV_BENCH_PROFILE=<dir>: a CPU profile of the scripted sequence, for DevTools.
    const profileDir = process.env.CV_BENCH_PROFILE;
    if (profileDir) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    // CV_BENCH_TRACE=<dir>: a Chromium trace of the sequence (chrome://tracing, Perfetto).
    const traceDir = process.env.CV_BENCH_TRACE;
    if (traceDir) {
      await harness.browser.startTracing(page, {
        path: path.join(traceDir, `viewer-${spans}.json`),
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'blink',
          'cc',
          'gpu',
          'skia',
          'v8',
        ],
      });
    }
    // CV_BENCH_WARM=1: the sequence once unmeasured first (optimized code, grown buffers):
    // the steady state, where the default includes the first frames' JIT warm-up.
    if (process.env.CV_BENCH_WARM) {
      await scriptedFrames(page);
    }
    const { draws, frames } = await scriptedFrames(page);
    // CV_BENCH_FRAMES=1: every frame interval and draw time of the sequence, in order.
    if (process.env.CV_BENCH_FRAMES) {
      console.error(
        `frames ${frames.map((f) => Math.round(f)).join(' ')}\ndraws ${draws.map((d) => d.toFixed(1)).join(' ')}`,
      );
    }
    if (traceDir) {
      await harness.browser.stopTracing();
    }
    if (profileDir) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(profileDir, { recursive: true });
      fs.writeFileSync(
        path.join(profileDir, `viewer-${spans}.cpuprofile`),
        JSON.stringify(profile),
      );
    }
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp
      .send('Performance.enable')
      .then(() => cdp.send('Performance.getMetrics'))) as {
      metrics: { name: string; value: number }[];
    };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const { rssMB, privateMB } = rendererMemoryMB();
    if (errors.length) {
      throw new Error(`page errors: ${errors.join('; ')}`);
    }
    await page.close();
    return {
      spans: trace.spans,
      traceMB: trace.bytes.length / 1e6,
      decodePaintMs,
      firstDrawMs,
      drawMedianMs: quantile(draws, 0.5),
      drawP95Ms: quantile(draws, 0.95),
      frameMedianMs: quantile(frames, 0.5),
      frameP95Ms: quantile(frames, 0.95),
      heapMB: heap / 1e6,
      rssMB,
      privateMB,
    };
  } finally {
    fs.rmSync(file, { force: true });
    await harness.close();
  }
}

async function main(): Promise<void> {
  const dir = tempDir('cv-bench-viewer-');
  // CV_BENCH_WEBVIEW=<file>: a webview bundle built elsewhere (e.g. from another commit, to
  // compare two builds in alternate runs) instead of this tree's.
  const webviewJs = process.env.CV_BENCH_WEBVIEW ?? (await buildWebview(dir));
  // CV_BENCH_BASELINE=<file>: a second bundle (e.g. main's) run in turn with the first, in the
  // same run of the benchmark (the order swapped every run), each with its own rows.
  const builds: [string, string][] = process.env.CV_BENCH_BASELINE
    ? [
        ['baseline', process.env.CV_BENCH_BASELINE],
        ['this', webviewJs],
      ]
    : [['', webviewJs]];
  const rows: { build: string; row: Row; paints: number[]; draws: number[] }[] = [];
  for (const spans of sizes) {
    const runs = new Map<string, Row[]>(builds.map(([name]) => [name, []]));
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 ? [...builds].reverse() : builds;
      for (const [name, js] of order) {
        const row = await benchOne(js, dir, spans);
        runs.get(name)!.push(row);
        console.error(`${spans} spans done${name ? ` (${name})` : ''}: ${JSON.stringify(row)}`);
      }
    }
    for (const [name] of builds) {
      const list = runs.get(name)!;
      // Each figure's median over the runs.
      const median = { ...list[0] };
      for (const key of Object.keys(median) as (keyof Row)[]) {
        median[key] = quantile(
          list.map((r) => r[key]),
          0.5,
        );
      }
      rows.push({
        build: name,
        row: median,
        paints: list.map((r) => r.decodePaintMs),
        draws: list.map((r) => r.firstDrawMs),
      });
    }
  }
  const f = (n: number, d = 1): string => n.toFixed(d);
  const label = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  const buildColumn = builds.length > 1;
  console.log(
    `| spans (8 threads${HOURS ? `, ${HOURS} h` : ''}) |${buildColumn ? ' build | first draw |' : ''} trace bytes across the boundary | data received → first full paint | draw median / p95 | frame median / p95 | JS heap | renderer RSS | renderer private |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|${buildColumn ? '---|---|' : ''}`);
  if (RUNS > 1) {
    console.log(`\nMedians of ${RUNS} runs per size, each in a fresh page.`);
  }
  for (const { build, row: r, paints, draws } of rows) {
    const spread = RUNS > 1 ? ` (${f(Math.min(...paints), 0)}-${f(Math.max(...paints), 0)})` : '';
    const drawSpread = RUNS > 1 ? ` (${f(Math.min(...draws), 0)}-${f(Math.max(...draws), 0)})` : '';
    console.log(
      `| ${label(r.spans)} |${buildColumn ? ` ${build} | ${f(r.firstDrawMs, 0)} ms${drawSpread} |` : ''} ${f(r.traceMB)} MB | ${f(r.decodePaintMs, 0)} ms${spread} | ${f(r.drawMedianMs)} / ${f(r.drawP95Ms)} ms | ${f(r.frameMedianMs)} / ${f(r.frameP95Ms)} ms | ${f(r.heapMB, 0)} MB | ${f(r.rssMB, 0)} MB | ${f(r.privateMB, 0)} MB |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
