/**
 * Tracer overhead, measured side by side in one run: each workload untraced, under an empty
 * async_hooks hook (the floor any async_hooks tracer pays), under a hook that only reads the
 * clock where this tracer does (the floor of any tracer that timestamps each event), under this
 * tracer, and under Node's own `--trace-event-categories node.async_hooks`. Prints, per mode, the
 * median over N runs of its wall time divided by the untraced run beside it (with the quartiles:
 * this VM's noise is ±20%), plus what this tracer recorded: bytes per event, events dropped, and
 * how many non-promise operations got a creation site. On Linux a second table gives the same
 * ratios for the main thread's time on a CPU, which waiting for a core does not blur.
 *
 *   npm run bench:overhead -- [--runs 5] [--node path/to/node] [--only http,fs] [--modes ...]
 *     [--tracer dist/tracer.js] [--baseline other/tracer.js] [--stacks [--stacks-interval 1]]
 *
 * `--tracer` runs a tracer bundle built elsewhere instead of building src/tracer; `--baseline`
 * adds a mode that runs a second bundle (e.g. main's) in the same rotation, and a column of the
 * tracer's time over the baseline's, paired run by run: the way to compare two tracers.
 * `--stacks` adds a mode with this tracer sampling JavaScript stacks (every `--stacks-interval`
 * ms) and a `stacks / tracer` column: what stack sampling costs on top of the tracer alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForNode } from '../test/fixtures/nodeBundle';
import { createSession, listStreamFiles, withTracerNodeOptions } from '../src/launch/session';
import { readSessionTrace } from '../src/launch/tail';
import { TraceDecoder } from '../src/model/decoder';
import { summarize } from '../src/model/summary';
import { TraceModel } from '../src/model/traceModel';

const WORKLOADS = ['promises', 'fs', 'immediate', 'http', 'cpu', 'workers'];
const MODES = [
  'untraced',
  'empty-hook',
  'clock-hook',
  'tracer',
  'baseline',
  'stacks',
  'node-trace-events',
] as const;
type Mode = (typeof MODES)[number];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const runs = Number(arg('runs', '5'));
const node = arg('node', process.execPath);
const only = arg('only', WORKLOADS.join(',')).split(',');
const baselinePath = process.argv.includes('--baseline') ? path.resolve(arg('baseline', '')) : '';
const withStacks = process.argv.includes('--stacks');
const stacksUs = Math.round(Number(arg('stacks-interval', '1')) * 1000);
const modes = arg('modes', MODES.filter((m) => m !== 'baseline' && m !== 'stacks').join(','))
  .split(',')
  .filter((m) => m !== 'baseline' && m !== 'stacks')
  .concat(baselinePath ? ['baseline'] : [])
  .concat(withStacks ? ['stacks'] : []) as Mode[];
/** Stack sampling's runs are divided by the tracer's, paired. */
const pairStacks = withStacks && modes.includes('tracer');
/** Both tracers run: their times are also divided by each other. */
const pairTracers = !!baselinePath && modes.includes('tracer');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-bench-'));

const tracerPath = process.argv.includes('--tracer')
  ? path.resolve(arg('tracer', ''))
  : path.join(scratch, 'tracer.js');
if (!process.argv.includes('--tracer')) {
  bundleForNode('src/tracer/index.ts', tracerPath);
}
for (const file of [tracerPath, baselinePath].filter(Boolean)) {
  if (!fs.existsSync(file)) {
    throw new Error(`no tracer bundle at ${file}`);
  }
}

interface Sample {
  ms: number;
  /** The main thread's time on a CPU (Linux), ns. */
  cpuNs?: number;
  bytes?: number;
  events?: number;
  dropped?: number;
  coverage?: number;
}

/** Events in this tracer's sense: init, before, after, promiseResolve and destroy records. */
class Counter extends TraceModel {
  events = 0;
  override init(...a: Parameters<TraceModel['init']>): void {
    this.events++;
    super.init(...a);
  }
  override before(...a: Parameters<TraceModel['before']>): void {
    this.events++;
    super.before(...a);
  }
  override after(...a: Parameters<TraceModel['after']>): void {
    this.events++;
    super.after(...a);
  }
  override promiseResolve(...a: Parameters<TraceModel['promiseResolve']>): void {
    this.events++;
    super.promiseResolve(...a);
  }
  override destroy(...a: Parameters<TraceModel['destroy']>): void {
    this.events++;
    super.destroy(...a);
  }
}

/** Preloads that every run gets alike (the CPU probe), as NODE_OPTIONS. */
const cpuFile = path.join(scratch, 'main-thread-cpu.txt');
const preload = (file: string): string => `--require "${path.join(__dirname, 'workloads', file)}"`;
const commonOptions = preload('main-thread-cpu.js');

function runOnce(workload: string, mode: Mode): Sample {
  const file = path.join(__dirname, 'workloads', `${workload}.js`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CV_BENCH_CPU_FILE: cpuFile,
    NODE_OPTIONS: commonOptions,
  };
  const args = [file];
  let sessionDir: string | undefined;
  const traceDir = fs.mkdtempSync(path.join(scratch, 'run-'));
  if (mode === 'tracer' || mode === 'baseline' || mode === 'stacks') {
    const s = createSession(
      mode === 'baseline' ? baselinePath : tracerPath,
      traceDir,
      mode === 'stacks' ? { stacks: stacksUs } : {},
    );
    sessionDir = s.dir;
    env.NODE_OPTIONS = withTracerNodeOptions(commonOptions, s.preloadPath);
  } else if (mode === 'empty-hook' || mode === 'clock-hook') {
    env.NODE_OPTIONS = `${commonOptions} ${preload(`${mode}.js`)}`;
  } else if (mode === 'node-trace-events') {
    args.unshift(
      '--trace-event-categories',
      'node.async_hooks',
      '--trace-event-file-pattern',
      path.join(traceDir, 'node-trace-${pid}.log'),
    );
  }
  fs.rmSync(cpuFile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${workload} (${mode}) failed: ${r.status} ${r.signal} ${r.stderr}`);
  }
  const sample: Sample = { ms };
  if (fs.existsSync(cpuFile)) {
    sample.cpuNs = Number(fs.readFileSync(cpuFile, 'utf8').trim());
  }
  if (sessionDir) {
    let bytes = readSessionTrace(sessionDir);
    let model = new Counter();
    try {
      new TraceDecoder(model).pushFile(bytes);
    } catch (err) {
      // A baseline of format version 1 (12-byte frame headers): its whole stream files.
      if (mode !== 'baseline') {
        throw err;
      }
      bytes = Buffer.concat([
        Buffer.from([...bytes.subarray(0, 4), 1, 0, 0, 0]),
        ...listStreamFiles(sessionDir).map((f) => fs.readFileSync(f)),
      ]);
      model = new Counter();
      new TraceDecoder(model).pushFile(bytes);
    }
    sample.bytes = bytes.length;
    sample.events = model.events;
    sample.dropped = model.threads.reduce((n, t) => n + t.dropped, 0);
    // The same definition as `summary --json`: non-promise operations of the program.
    sample.coverage = summarize(model).callsiteCoverage;
  } else if (mode === 'node-trace-events') {
    let events = 0;
    for (const f of fs.readdirSync(traceDir)) {
      try {
        events += (JSON.parse(fs.readFileSync(path.join(traceDir, f), 'utf8')).traceEvents ?? [])
          .length;
      } catch {
        // Node 24 may write an unfinished file: count what parses.
      }
    }
    sample.events = events;
  }
  fs.rmSync(traceDir, { recursive: true, force: true });
  return sample;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs: number[]): number => quantile(xs, 0.5);

const nodeVersion = spawnSync(node, ['--version']).stdout.toString().trim();
console.log(
  `# Tracer overhead: Node ${nodeVersion}, ${os.cpus().length} cores, ${runs} runs\n\n` +
    'Ratios are paired: each run of a mode is divided by the untraced run next to it, then the\n' +
    'median of those ratios is shown with their quartiles (the machine noise) in brackets.\n',
);
const header = [
  'workload',
  ...modes.map((m) => (m === 'untraced' ? 'untraced (ms)' : m)),
  ...(pairTracers ? ['tracer / baseline'] : []),
  ...(pairStacks ? ['stacks / tracer'] : []),
  'bytes/event',
  'events',
  'dropped',
  'call sites',
];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
/** Rows of the main thread's CPU table, printed after the main one. */
const cpuRows: string[] = [];
/** `median (q1-q3)` of the ratios of `values` to the untraced ones beside them. */
const ratioCell = (values: number[], untraced: number[]): string => {
  const ratios = values.map((v, i) => v / untraced[i]);
  const q = (x: number): string => quantile(ratios, x).toFixed(2);
  return `${q(0.5)}x (${q(0.25)}-${q(0.75)})`;
};
for (const workload of WORKLOADS.filter((w) => only.includes(w))) {
  const samples = new Map<Mode, Sample[]>(modes.map((m) => [m, []]));
  // Interleave modes so that machine noise hits them alike, rotating their order so that none
  // always runs first (or right after the same neighbour).
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < modes.length; j++) {
      const mode = modes[(i + j) % modes.length];
      samples.get(mode)!.push(runOnce(workload, mode));
    }
  }
  const untraced = samples.get('untraced')?.map((s) => s.ms) ?? [];
  const cells = modes.map((m) =>
    m === 'untraced'
      ? median(untraced).toFixed(0)
      : ratioCell(
          samples.get(m)!.map((s) => s.ms),
          untraced,
        ),
  );
  if (pairTracers) {
    // The two tracers' runs of each round, paired directly.
    cells.push(
      ratioCell(
        samples.get('tracer')!.map((s) => s.ms),
        samples.get('baseline')!.map((s) => s.ms),
      ),
    );
  }
  if (pairStacks) {
    cells.push(
      ratioCell(
        samples.get('stacks')!.map((s) => s.ms),
        samples.get('tracer')!.map((s) => s.ms),
      ),
    );
  }
  const cpu = (m: Mode): number[] => samples.get(m)!.map((s) => s.cpuNs ?? NaN);
  if (modes.includes('untraced') && cpu('untraced').every(Number.isFinite)) {
    const untracedCpu = cpu('untraced');
    cpuRows.push(
      `| ${[
        workload,
        ...modes.map((m) =>
          m === 'untraced'
            ? (median(untracedCpu) / 1e6).toFixed(0)
            : ratioCell(cpu(m), untracedCpu),
        ),
        ...(pairTracers ? [ratioCell(cpu('tracer'), cpu('baseline'))] : []),
        ...(pairStacks ? [ratioCell(cpu('stacks'), cpu('tracer'))] : []),
      ].join(' | ')} |`,
    );
  }
  const ours = samples.get('tracer')?.at(-1);
  const theirs = samples.get('node-trace-events')?.at(-1);
  const bpe = ours?.bytes && ours.events ? (ours.bytes / ours.events).toFixed(1) : '-';
  const events =
    ours?.events !== undefined
      ? `${ours.events}${theirs ? ` (node: ${theirs.events})` : ''}`
      : theirs
        ? `node: ${theirs.events}`
        : '-';
  const cov = ours?.coverage !== undefined ? `${(ours.coverage * 100).toFixed(1)}%` : '-';
  console.log(`| ${[workload, ...cells, bpe, events, ours?.dropped ?? '-', cov].join(' | ')} |`);
}
if (cpuRows.length > 0) {
  // The main table's workload and mode columns.
  const cpuHeader = header.slice(
    0,
    1 + modes.length + (pairTracers ? 1 : 0) + (pairStacks ? 1 : 0),
  );
  console.log(
    "\nThe main thread's time on a CPU (Linux schedstat), paired the same way: it leaves out the\n" +
      'time the thread waited for a core (the workers and the threadpool run on other threads).\n',
  );
  console.log(`| ${cpuHeader.join(' | ')} |`);
  console.log(`|${cpuHeader.map(() => '---').join('|')}|`);
  for (const row of cpuRows) {
    console.log(row);
  }
}
fs.rmSync(scratch, { recursive: true, force: true });
