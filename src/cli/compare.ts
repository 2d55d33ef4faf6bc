/**
 * `compare A B [--json] [--fail-if EXPR]...`: two runs side by side (A the baseline, B the new
 * one), each figure with its delta; thresholds on B's figures (or the deltas) make CI fail.
 * `--json` prints TraceComparison, a stable interface like `summary --json`.
 */
import * as path from 'node:path';
import { summarize, type TraceSummary } from '../model/summary';
import { TraceModel } from '../model/traceModel';
import { CliError, UsageError } from './errors';
import { readTrace } from './summary';
import { terminalSafe, terminalSafeJson } from './terminalText';

/** Exit status when a --fail-if threshold is crossed (1 is a damaged trace, 2 wrong usage). */
export const THRESHOLD_EXIT = 3;

/** One figure of both runs: `delta = b - a`; `ratio = b / a` when a is not 0. */
export interface Delta {
  a: number;
  b: number;
  delta: number;
  ratio?: number;
}

/** The blocking callbacks (top-level, 10 ms or more) of one creation site, in both runs. */
export interface BlockingSiteDelta {
  /** `file:line`, or `(type)` for callbacks without a recorded site. */
  site: string;
  type: string;
  count: Delta;
  maxMs: Delta;
  totalMs: Delta;
}

/**
 * What `concurrency-visualizer compare --json` prints: a stable interface for scripts and CI.
 * Fields are only ever added, never renamed or removed.
 */
export interface TraceComparison {
  a: { file: string; command: string; error?: string };
  b: { file: string; command: string; error?: string };
  /** First to last event of the run, ms. */
  wallMs: Delta;
  callbacks: Delta;
  /** Async operations the program created (the tracer's own made-up ones left out). */
  operations: Delta;
  operationsByType: Record<string, Delta>;
  blocking: {
    count: Delta;
    maxMs: Delta;
    totalMs: Delta;
    /** Matched by creation site (file and line), the largest change of total time first. */
    bySite: BlockingSiteDelta[];
  };
  cores: {
    meanBusy: Delta;
    peakBusy: Delta;
    meanBusyWhileBusy: Delta;
    runQueueWaitMs: Delta;
    /** True when either run's figures are estimates (no OS samples). */
    estimate: boolean;
  };
  verdict: { a: string; b: string; aText: string; bText: string; changed: boolean };
  eventsDropped: Delta;
  /** The --fail-if expressions that held (empty when none was given or none held). */
  failed: string[];
}

/** A top-level callback this long blocks its event loop (as in summary). */
const BLOCKING_NS = 10e6;
/** Resource types the tracer makes up itself. */
const SYNTHETIC = new Set(['(main script)', '(worker script)', '(before tracing)']);

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A figure of both runs with its delta and ratio. */
function delta(a: number, b: number): Delta {
  // The delta of the figures shown (rounded first), so that b - a reads as the delta exactly.
  const [ra, rb] = [round3(a), round3(b)];
  const d: Delta = { a: ra, b: rb, delta: round3(rb - ra) };
  if (a !== 0) {
    d.ratio = round3(b / a);
  }
  return d;
}

/** Blocking callbacks of one run by site: count, longest and total duration (ns). */
function blockingBySite(
  model: TraceModel,
): Map<string, { type: string; count: number; maxNs: number; totalNs: number }> {
  const sites = new Map<string, { type: string; count: number; maxNs: number; totalNs: number }>();
  for (let s = 0; s < model.spanCount; s++) {
    const durNs = model.spanEndNs.data[s] - model.spanStartNs.data[s];
    if (model.spanDepth.data[s] !== 0 || !(durNs >= BLOCKING_NS)) {
      continue;
    }
    const r = model.spanRes.data[s];
    const type = model.typeOf(r);
    const loc = model.locationOf(r);
    const key = loc ? `${loc.file}:${loc.line}` : `(${type})`;
    const site = sites.get(key) ?? { type, count: 0, maxNs: 0, totalNs: 0 };
    site.count++;
    site.maxNs = Math.max(site.maxNs, durNs);
    site.totalNs += durNs;
    sites.set(key, site);
  }
  return sites;
}

/** One run, read: its model's own figures and its summary. */
interface Run {
  file: string;
  model: TraceModel;
  summary: TraceSummary;
  error?: string;
}

function readRun(file: string): Run {
  const model = new TraceModel();
  const error = readTrace(file, model);
  model.compact();
  return { file, model, summary: summarize(model, error), ...(error ? { error } : {}) };
}

function wallMsOf(model: TraceModel): number {
  return model.endNs > model.startNs ? (model.endNs - model.startNs) / 1e6 : 0;
}

function operationsOf(s: TraceSummary): number {
  return Object.entries(s.operationsByType)
    .filter(([type]) => !SYNTHETIC.has(type))
    .reduce((n, [, count]) => n + count, 0);
}

/** Compares two read runs (A the baseline). */
export function compareRuns(ra: Run, rb: Run): TraceComparison {
  const a = ra.summary;
  const b = rb.summary;
  const types = [
    ...new Set([...Object.keys(a.operationsByType), ...Object.keys(b.operationsByType)]),
  ]
    .filter((t) => !SYNTHETIC.has(t))
    .sort();
  const operationsByType: Record<string, Delta> = {};
  for (const t of types) {
    operationsByType[t] = delta(a.operationsByType[t] ?? 0, b.operationsByType[t] ?? 0);
  }
  const sitesA = blockingBySite(ra.model);
  const sitesB = blockingBySite(rb.model);
  const none = { type: '', count: 0, maxNs: 0, totalNs: 0 };
  const bySite = [...new Set([...sitesA.keys(), ...sitesB.keys()])]
    .map((site) => {
      const sa = sitesA.get(site) ?? none;
      const sb = sitesB.get(site) ?? none;
      return {
        site,
        type: sb.type || sa.type,
        count: delta(sa.count, sb.count),
        maxMs: delta(sa.maxNs / 1e6, sb.maxNs / 1e6),
        totalMs: delta(sa.totalNs / 1e6, sb.totalNs / 1e6),
      };
    })
    .sort(
      (x, y) => Math.abs(y.totalMs.delta) - Math.abs(x.totalMs.delta) || (x.site < y.site ? -1 : 1),
    );
  const sum = (sites: typeof sitesA, f: (s: typeof none) => number): number =>
    [...sites.values()].reduce((n, s) => n + f(s), 0);
  const max = (sites: typeof sitesA): number =>
    Math.max(0, ...[...sites.values()].map((s) => s.maxNs));
  const side = (r: Run) => ({
    file: r.file,
    command: r.summary.program.command,
    ...(r.error ? { error: r.error } : {}),
  });
  return {
    a: side(ra),
    b: side(rb),
    wallMs: delta(wallMsOf(ra.model), wallMsOf(rb.model)),
    callbacks: delta(a.callbacks, b.callbacks),
    operations: delta(operationsOf(a), operationsOf(b)),
    operationsByType,
    blocking: {
      count: delta(
        sum(sitesA, (s) => s.count),
        sum(sitesB, (s) => s.count),
      ),
      maxMs: delta(max(sitesA) / 1e6, max(sitesB) / 1e6),
      totalMs: delta(sum(sitesA, (s) => s.totalNs) / 1e6, sum(sitesB, (s) => s.totalNs) / 1e6),
      bySite,
    },
    cores: {
      meanBusy: delta(a.cores.meanBusy, b.cores.meanBusy),
      peakBusy: delta(a.cores.peakBusy, b.cores.peakBusy),
      meanBusyWhileBusy: delta(a.cores.meanBusyWhileBusy, b.cores.meanBusyWhileBusy),
      runQueueWaitMs: delta(a.cores.runQueueWaitMs, b.cores.runQueueWaitMs),
      estimate: a.cores.estimate || b.cores.estimate,
    },
    verdict: {
      a: a.verdict.kind,
      b: b.verdict.kind,
      aText: a.verdict.text,
      bText: b.verdict.text,
      changed: a.verdict.kind !== b.verdict.kind,
    },
    eventsDropped: delta(a.eventsDropped, b.eventsDropped),
    failed: [],
  };
}

/** The figures a --fail-if expression can name (besides operations.TYPE). */
const METRIC_NAMES = [
  'wallMs',
  'callbacks',
  'operations',
  'blocking.count',
  'blocking.maxMs',
  'blocking.totalMs',
  'cores.meanBusy',
  'cores.peakBusy',
  'cores.meanBusyWhileBusy',
  'cores.runQueueWaitMs',
  'eventsDropped',
];

/** The figures a --fail-if expression can name: dotted paths to a Delta. */
export function metricsOf(c: TraceComparison): Map<string, Delta> {
  const m = new Map<string, Delta>([
    ['wallMs', c.wallMs],
    ['callbacks', c.callbacks],
    ['operations', c.operations],
    ['blocking.count', c.blocking.count],
    ['blocking.maxMs', c.blocking.maxMs],
    ['blocking.totalMs', c.blocking.totalMs],
    ['cores.meanBusy', c.cores.meanBusy],
    ['cores.peakBusy', c.cores.peakBusy],
    ['cores.meanBusyWhileBusy', c.cores.meanBusyWhileBusy],
    ['cores.runQueueWaitMs', c.cores.runQueueWaitMs],
    ['eventsDropped', c.eventsDropped],
  ]);
  for (const [type, d] of Object.entries(c.operationsByType)) {
    m.set(`operations.${type}`, d);
  }
  return m;
}

const OPS: Record<string, (x: number, y: number) => boolean> = {
  '>=': (x, y) => x >= y,
  '<=': (x, y) => x <= y,
  '==': (x, y) => x === y,
  '!=': (x, y) => x !== y,
  '>': (x, y) => x > y,
  '<': (x, y) => x < y,
};

/** A parsed --fail-if expression. */
export interface Threshold {
  expr: string;
  metric: string;
  field: keyof Delta;
  op: string;
  value: number;
}

/**
 * Reads `metric[.a|.b|.delta|.ratio] OP number` (e.g. `blocking.maxMs>100`, `wallMs.ratio>1.2`);
 * a metric alone means B's figure. Checked before any trace is read.
 */
export function parseThreshold(expr: string): Threshold {
  const match = /^\s*([A-Za-z_][\w.()<>:-]*?)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
    expr,
  );
  if (!match) {
    throw new UsageError(`--fail-if: cannot read "${expr}" (e.g. 'blocking.maxMs>100')`);
  }
  const [, path, op, value] = match;
  const dot = path.lastIndexOf('.');
  const last = path.slice(dot + 1);
  const field =
    dot > 0 && ['a', 'b', 'delta', 'ratio'].includes(last) ? (last as keyof Delta) : 'b';
  const metric = field === 'b' && last !== 'b' ? path : path.slice(0, dot);
  if (!metric.startsWith('operations.') && !METRIC_NAMES.includes(metric)) {
    throw new UsageError(
      `--fail-if: unknown figure "${metric}" (one of ${METRIC_NAMES.join(', ')}, operations.TYPE)`,
    );
  }
  return { expr, metric, field, op, value: Number(value) };
}

/**
 * Whether a threshold holds. An operation type neither run created counts 0; a ratio over a 0
 * baseline never holds.
 */
export function thresholdHolds(t: Threshold, metrics: Map<string, Delta>): boolean {
  const d = metrics.get(t.metric) ?? { a: 0, b: 0, delta: 0 };
  const x = d[t.field];
  return x !== undefined && OPS[t.op](x, t.value);
}

/** A delta as text: +12.5 (+3.1%). */
function deltaText(d: Delta, unit = ''): string {
  const sign = d.delta > 0 ? '+' : '';
  const pct = d.ratio !== undefined && d.a !== 0 ? ` (${sign}${round1((d.ratio - 1) * 100)}%)` : '';
  return `${sign}${d.delta}${unit}${pct}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The comparison for people: one line per figure, A, B and the delta (sites under `cwd`
 * relative to it). */
export function formatComparison(c: TraceComparison, cwd = ''): string {
  const shortSite = (site: string): string => {
    const rel = cwd && path.isAbsolute(site) ? path.relative(cwd, site) : site;
    return rel.startsWith('..') ? site : rel;
  };
  const rows: Array<[string, string, string, string]> = [];
  const row = (label: string, d: Delta, unit = ''): void => {
    rows.push([label, `${d.a}${unit}`, `${d.b}${unit}`, deltaText(d, unit)]);
  };
  row('wall time', c.wallMs, ' ms');
  row('callbacks', c.callbacks);
  row('operations', c.operations);
  for (const [type, d] of Object.entries(c.operationsByType)) {
    row(`  ${type}`, d);
  }
  row('blocking callbacks', c.blocking.count);
  row('  longest', c.blocking.maxMs, ' ms');
  row('  total', c.blocking.totalMs, ' ms');
  for (const s of c.blocking.bySite.slice(0, 10)) {
    row(`  ${shortSite(s.site)} (${s.type}) total`, s.totalMs, ' ms');
  }
  const est = c.cores.estimate ? ' (estimate)' : '';
  row(`cores busy, mean${est}`, c.cores.meanBusy);
  row(`cores busy, peak${est}`, c.cores.peakBusy);
  row('cores busy while computing', c.cores.meanBusyWhileBusy);
  row('waiting for a core', c.cores.runQueueWaitMs, ' ms');
  row('events dropped', c.eventsDropped);
  rows.push(['verdict', c.verdict.a, c.verdict.b, c.verdict.changed ? 'changed' : 'same']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 1));
  const header = ['', 'A', 'B', 'B - A'];
  const line = (r: string[]): string =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('   ')
      .trimEnd();
  const out = [
    `A: ${c.a.file}  ${c.a.command}`,
    `B: ${c.b.file}  ${c.b.command}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `A: ${c.verdict.aText}`,
    `B: ${c.verdict.bText}`,
  ];
  for (const f of c.failed) {
    out.push(`threshold crossed: ${f}`);
  }
  return out.join('\n');
}

/**
 * `compare A B [--json] [--fail-if EXPR]...`: 0; THRESHOLD_EXIT (3) when a --fail-if holds; 1
 * when a trace is damaged (the figures of what could be read are printed first); 2 usage.
 */
export function compareCommand(argv: string[]): number {
  let json = false;
  const failIf: Threshold[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {
      json = true;
    } else if (arg === '--fail-if') {
      if (argv[i + 1] === undefined) {
        throw new UsageError('--fail-if needs an expression');
      }
      failIf.push(parseThreshold(argv[++i]));
    } else if (arg.startsWith('--fail-if=')) {
      failIf.push(parseThreshold(arg.slice('--fail-if='.length)));
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 2) {
    throw new UsageError('compare needs two trace files: the baseline, then the new run');
  }
  const comparison = compareRuns(readRun(files[0]), readRun(files[1]));
  const metrics = metricsOf(comparison);
  comparison.failed = failIf.filter((t) => thresholdHolds(t, metrics)).map((t) => t.expr);
  process.stdout.write(
    json
      ? `${terminalSafeJson(comparison)}\n`
      : `${terminalSafe(formatComparison(comparison, process.cwd()))}\n`,
  );
  for (const side of [comparison.a, comparison.b]) {
    if (side.error) {
      process.stderr.write(
        `concurrency-visualizer: ${terminalSafe(`${side.file}: ${side.error}`)}\n`,
      );
    }
  }
  if (comparison.failed.length) {
    throw new CliError(`threshold crossed: ${comparison.failed.join(', ')}`, THRESHOLD_EXIT);
  }
  return comparison.a.error || comparison.b.error ? 1 : 0;
}
