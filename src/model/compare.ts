/**
 * Two runs compared (A the baseline, B the new one), each figure with its delta: what
 * `compare --json` prints (src/cli/compare.ts) and what the Compare view's header shows
 * (webview-ui/compare.ts), computed here once for both. Pure: no `node:` imports.
 */
import { summarize, type TraceSummary } from './summary';
import { SYNTHETIC_TYPES, type TraceModel } from './traceModel';

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
  /** The findings of both runs (`summary --json`'s), by kind and warnings, with their sentences. */
  findings: FindingsComparison;
  eventsDropped: Delta;
  /** The --fail-if expressions that held (empty when none was given or none held). */
  failed: string[];
}

/** A top-level callback this long blocks its event loop (as in summary). */
const BLOCKING_NS = 10e6;

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

/** A type in parentheses, once: the made-up ones, '(main script)', have theirs already. */
function inParens(type: string): string {
  return type.startsWith('(') ? type : `(${type})`;
}

/**
 * A blocking site's label in a table: `site (Type)`, or `(Type)` alone for callbacks without a
 * recorded site (the site is then the type). `short` shortens a file path for display.
 */
export function siteLabel(site: string, type: string, short: (site: string) => string): string {
  const typeLabel = inParens(type);
  return site === typeLabel ? typeLabel : `${short(site)} ${typeLabel}`;
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
    const key = loc ? `${loc.file}:${loc.line}` : inParens(type);
    const site = sites.get(key) ?? { type, count: 0, maxNs: 0, totalNs: 0 };
    site.count++;
    site.maxNs = Math.max(site.maxNs, durNs);
    site.totalNs += durNs;
    sites.set(key, site);
  }
  return sites;
}

/** One run, read: its model's own figures and its summary. */
export interface ComparedRun {
  file: string;
  model: TraceModel;
  summary: TraceSummary;
  error?: string;
}

function wallMsOf(model: TraceModel): number {
  return model.endNs > model.startNs ? (model.endNs - model.startNs) / 1e6 : 0;
}

function operationsOf(s: TraceSummary): number {
  return Object.entries(s.operationsByType)
    .filter(([type]) => !SYNTHETIC_TYPES.has(type))
    .reduce((n, [, count]) => n + count, 0);
}

/** Compares two read runs (A the baseline). */
export function compareRuns(ra: ComparedRun, rb: ComparedRun): TraceComparison {
  const a = ra.summary;
  const b = rb.summary;
  const types = [
    ...new Set([...Object.keys(a.operationsByType), ...Object.keys(b.operationsByType)]),
  ]
    .filter((t) => !SYNTHETIC_TYPES.has(t))
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
    // A loop, not a spread: a hostile trace may have a site per operation.
    [...sites.values()].reduce((m, s) => Math.max(m, s.maxNs), 0);
  const side = (r: ComparedRun) => ({
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
    findings: compareFindings(a, b),
    eventsDropped: delta(a.eventsDropped, b.eventsDropped),
    failed: [],
  };
}

/** A delta as text: +12.5 (+3.1%). */
export function deltaText(d: Delta, unit = ''): string {
  const sign = d.delta > 0 ? '+' : '';
  const pct = d.ratio !== undefined && d.a !== 0 ? ` (${sign}${round1((d.ratio - 1) * 100)}%)` : '';
  return `${sign}${d.delta}${unit}${pct}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The findings of both runs by kind (`summary --json`'s findings), warnings first. */
export interface FindingsComparison {
  /** Findings of each kind in both runs. */
  byKind: Record<string, Delta>;
  /** Warning findings in both runs. */
  warnings: Delta;
  /** Each run's findings as sentences, warnings first (as summary lists them). */
  aTexts: string[];
  bTexts: string[];
}

/** The findings of two runs compared by kind (`compare --json`'s `findings`). */
export function compareFindings(a: TraceSummary, b: TraceSummary): FindingsComparison {
  const count = (s: TraceSummary, f: (x: TraceSummary['findings'][number]) => boolean): number =>
    s.findings.filter(f).length;
  const kinds = [...new Set([...a.findings, ...b.findings].map((f) => f.kind))].sort();
  const byKind: Record<string, Delta> = {};
  for (const kind of kinds) {
    byKind[kind] = delta(
      count(a, (f) => f.kind === kind),
      count(b, (f) => f.kind === kind),
    );
  }
  return {
    byKind,
    warnings: delta(
      count(a, (f) => f.severity === 'warning'),
      count(b, (f) => f.severity === 'warning'),
    ),
    aTexts: a.findings.map((f) => f.text),
    bTexts: b.findings.map((f) => f.text),
  };
}

/** A decoded trace to compare: its name, model and the first problem of its bytes. */
export interface DecodedRun {
  file: string;
  model: TraceModel;
  error?: string;
}

/**
 * Two decoded traces compared as `compare --json` compares them (each summarized with its
 * decoding error, as the CLI does), and their findings by kind.
 */
export function compareTraces(
  a: DecodedRun,
  b: DecodedRun,
): { comparison: TraceComparison; findings: FindingsComparison } {
  const run = (r: DecodedRun): ComparedRun => ({
    file: r.file,
    model: r.model,
    summary: summarize(r.model, r.error),
    ...(r.error ? { error: r.error } : {}),
  });
  const [ra, rb] = [run(a), run(b)];
  return { comparison: compareRuns(ra, rb), findings: compareFindings(ra.summary, rb.summary) };
}
