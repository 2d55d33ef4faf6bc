/**
 * What the OS-thread sampler costs the process that runs it (the extension host, the CLI),
 * side by side: the sampler on the host's own event loop (`Sampler`, how it ran before) and in
 * its worker thread (`SamplerThread`, how it runs now), in alternate runs of a busy
 * multi-threaded program. Each run is driven like a TraceSession (program spawned with the
 * tracer, the session polled every 100 ms) while the host's event loop delay is measured
 * (perf_hooks.monitorEventLoopDelay, 1 ms resolution) along with the host main thread's own
 * CPU time (schedstat of that thread) and the sampler's self-reported cost (summary's
 * cpuPercentOfOneCore). Prints medians per mode and the worker/inline ratios. Linux only.
 *
 *   npx tsx bench/samplerHost.ts [--runs 7] [--workers 6] [--ms 2000]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bundleForNode } from '../test/fixtures/nodeBundle';
import { createSession, withTracerNodeOptions } from '../src/launch/session';
import { SessionTail, traceFileHeader } from '../src/launch/tail';
import { TraceDecoder } from '../src/model/decoder';
import { summarize } from '../src/model/summary';
import { TraceModel } from '../src/model/traceModel';
import { Sampler } from '../src/sampler/sampler';
import { SamplerThread } from '../src/sampler/samplerThread';

const MODES = ['inline', 'worker'] as const;
type Mode = (typeof MODES)[number];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('runs', '7'));
const workers = Number(arg('workers', '6'));
const ms = Number(arg('ms', '2000'));

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-bench-sampler-'));
const tracerPath = bundleForNode('src/tracer/index.ts', path.join(scratch, 'tracer.js'));
const workerPath = bundleForNode(
  'src/sampler/samplerWorker.ts',
  path.join(scratch, 'samplerWorker.js'),
);

// Busy and many-threaded: spinning workers that also keep timers and the threadpool going, so
// the sampler follows ~20 OS threads and the tracer writes steadily.
const program = path.join(scratch, 'busy.js');
fs.writeFileSync(
  program,
  `const { Worker } = require('node:worker_threads');
const crypto = require('node:crypto');
const src = \`
const end = Date.now() + ${ms};
function spin() {
  const until = Date.now() + 20;
  while (Date.now() < until) {}
  if (Date.now() < end) setImmediate(spin);
}
spin();\`;
for (let i = 0; i < ${workers}; i++) new Worker(src, { eval: true, name: 'spin-' + i });
const end = Date.now() + ${ms};
(function hash() {
  if (Date.now() < end) crypto.pbkdf2('x', 'y', 2000, 32, 'sha256', hash);
})();
`,
);

/** The calling thread's run time so far (ns), from its schedstat. */
function threadRunNs(): number {
  return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

interface Figures {
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  hostMainCpuMs: number;
  samplerCpuPercent: number;
  samples: number;
  /** When the program was spawned, ms after the session's epoch (the worker's boot). */
  spawnMs: number;
  /** When the first sample's period starts, ms after the spawn. */
  firstSampleAfterSpawnMs: number;
}

async function once(mode: Mode): Promise<Figures> {
  const session = createSession(tracerPath, scratch);
  const tail = new SessionTail(session.dir);
  const chunks: Uint8Array[] = [traceFileHeader()];
  const poll = (): void => {
    const c = tail.poll();
    if (c.length) {
      chunks.push(c);
    }
  };
  // Measured from before the sampler is made: booting its thread is part of its cost.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = threadRunNs();
  delay.enable();
  const timer = setInterval(poll, 100);
  const thread =
    mode === 'worker' ? new SamplerThread(workerPath, session.dir, session.epochNs) : undefined;
  const inline = mode === 'inline' ? new Sampler(session.dir, session.epochNs) : undefined;
  // As TraceSession does: the program starts once the sampler's thread is up.
  await thread?.ready;
  const spawnNs = Number(process.hrtime.bigint() - session.epochNs);
  const child = spawn(process.execPath, [program], {
    env: { ...process.env, NODE_OPTIONS: withTracerNodeOptions(undefined, session.preloadPath) },
    stdio: 'ignore',
  });
  thread?.start(child.pid!);
  inline?.start(child.pid!);
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(timer);
  inline?.stop();
  await thread?.stop();
  delay.disable();
  const hostMainCpuMs = (threadRunNs() - cpu0) / 1e6;
  poll();
  tail.close();
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(Buffer.concat(chunks));
  const s = summarize(model);
  fs.rmSync(session.dir, { recursive: true, force: true });
  return {
    delayP50Ms: delay.percentile(50) / 1e6,
    delayP99Ms: delay.percentile(99) / 1e6,
    delayMaxMs: delay.max / 1e6,
    hostMainCpuMs,
    samplerCpuPercent: s.sampler.cpuPercentOfOneCore,
    samples: s.sampler.samples,
    spawnMs: spawnNs / 1e6,
    firstSampleAfterSpawnMs: (model.os.sampleStartNs.data[0] - spawnNs) / 1e6,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('The sampler reads /proc: Linux only.');
    return;
  }
  const results: Record<Mode, Figures[]> = { inline: [], worker: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so that drift in the machine's load hits both alike.
    for (const mode of i % 2 ? [...MODES].reverse() : MODES) {
      results[mode].push(await once(mode));
    }
  }
  const keys = Object.keys(results.inline[0]) as Array<keyof Figures>;
  console.log(
    `${runs} alternate runs per mode; ${workers} spinning workers + pbkdf2 for ${ms} ms; medians (worker/inline)`,
  );
  console.log(`${'figure'.padEnd(26)}${'inline'.padStart(10)}${'worker'.padStart(10)}  ratio`);
  for (const k of keys) {
    const a = median(results.inline.map((r) => r[k]));
    const b = median(results.worker.map((r) => r[k]));
    console.log(
      `${k.padEnd(26)}${a.toFixed(2).padStart(10)}${b.toFixed(2).padStart(10)}  ${(b / a).toFixed(2)}x`,
    );
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

void main();
