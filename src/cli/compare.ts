/**
 * `compare A B [--json] [--fail-if EXPR]...`: two runs side by side (A the baseline, B the new
 * one), each figure with its delta; thresholds on B's figures (or the deltas) make CI fail.
 * `--json` prints TraceComparison, a stable interface like `summary --json`. The figures are
 * computed by src/model/compare.ts, which the Compare view in VS Code shares.
 */
import * as path from 'node:path';
import {
  compareRuns,
  deltaText,
  siteLabel,
  type ComparedRun,
  type Delta,
  type TraceComparison,
} from '../model/compare';
import { summarize } from '../model/summary';
import { TraceModel } from '../model/traceModel';
import { CliError, UsageError } from './errors';
import { readTrace } from './summary';
import { terminalSafe, terminalSafeJson } from './terminalText';

export type { BlockingSiteDelta, Delta, TraceComparison } from '../model/compare';

/** Exit status when a --fail-if threshold is crossed (1 is a damaged trace, 2 wrong usage). */
export const THRESHOLD_EXIT = 3;

function readRun(file: string): ComparedRun {
  const model = new TraceModel();
  const error = readTrace(file, model);
  model.compact();
  return { file, model, summary: summarize(model, error), ...(error ? { error } : {}) };
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
  'findings.warnings',
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
  m.set('findings.warnings', c.findings.warnings);
  for (const [kind, d] of Object.entries(c.findings.byKind)) {
    m.set(`findings.${kind}`, d);
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
  if (
    !metric.startsWith('operations.') &&
    !metric.startsWith('findings.') &&
    !METRIC_NAMES.includes(metric)
  ) {
    throw new UsageError(
      `--fail-if: unknown figure "${metric}" (one of ${METRIC_NAMES.join(', ')}, operations.TYPE, findings.KIND)`,
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
    row(`  ${siteLabel(s.site, s.type, shortSite)} total`, s.totalMs, ' ms');
  }
  const est = c.cores.estimate ? ' (estimate)' : '';
  row(`cores busy, mean${est}`, c.cores.meanBusy);
  row(`cores busy, peak${est}`, c.cores.peakBusy);
  row('cores busy while computing', c.cores.meanBusyWhileBusy);
  row('waiting for a core', c.cores.runQueueWaitMs, ' ms');
  row('events dropped', c.eventsDropped);
  row('findings (warnings)', c.findings.warnings);
  for (const [kind, d] of Object.entries(c.findings.byKind)) {
    row(`  ${kind}`, d);
  }
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
