/**
 * computeInsights(model): the findings of a trace, each with the figures that prove it, the
 * verdict and the per-line figures, as the webview posts them to the host (src/shared/insights.ts)
 * and `summary --json` prints them. Each finder lives in its own file of this folder.
 */
import type { Finding, Insights, RelatedPosition } from '../../shared/insights';
import type { TraceModel } from '../traceModel';
import { coresFigures, starvationText, verdictOf, type CoresFigures } from '../verdict';
import { blockingCases, type BlockingCase } from './blocking';
import { msText, positionOf, roundMs, threadLabel } from './common';
import { hotLines } from './hotLines';
import { lineInsights } from './lines';
import { sequentialAwaitChains } from './sequentialAwaits';
import { poolSaturation } from './threadpool';

export { blockingCases, type BlockingCase } from './blocking';

/** What computeInsights may be told. */
export interface InsightsOptions {
  /** A callback holding its thread this long is a blocking finding (default 50 ms). */
  blockingMs?: number;
  /** The figures are final (the program ended, or a saved trace). */
  final?: boolean;
  /** Leave out the per-line figures (the headline needs none; default: included). */
  lines?: boolean;
  /** The cores figures, when the caller has them already. */
  cores?: CoresFigures;
}

/** Default blocking threshold, ms. */
export const DEFAULT_BLOCKING_MS = 50;
/** Victims listed per blocking finding. */
const MAX_RELATED = 10;
/**
 * A blocking callback is a warning once it held up, this long, an operation whose readiness
 * the trace proves (a timer with its delay, an immediate); upper bounds alone make it info.
 */
const BLOCKING_WARN_DELAY_NS = 5e6;
/** Sequential awaits are a warning once starting them together would save this much. */
const AWAITS_WARN_GAIN_NS = 10e6;
/** Queueing for the threadpool is a warning once one request waited this long. */
const POOL_WARN_QUEUE_NS = 10e6;

/** The insights of a trace: verdict, findings (warnings first, biggest first) and lines. */
export function computeInsights(model: TraceModel, options: InsightsOptions = {}): Insights {
  const cores = options.cores ?? coresFigures(model);
  const verdict = verdictOf(model, cores);
  const findings = findingsOf(model, options.blockingMs ?? DEFAULT_BLOCKING_MS, cores);
  const hot =
    options.lines === false ? [] : hotLines(model, options.blockingMs ?? DEFAULT_BLOCKING_MS);
  return {
    verdict: { kind: verdict.kind, text: verdict.text },
    findings,
    lines: options.lines === false ? [] : lineInsights(model),
    ...(hot.length > 0 ? { hotLines: hot } : {}),
    final: options.final ?? false,
  };
}

/** Every finding, warnings first, then by the time at stake. */
export function findingsOf(model: TraceModel, blockingMs: number, cores: CoresFigures): Finding[] {
  const ranked: Array<{ finding: Finding; weightNs: number }> = [];
  for (const c of blockingCases(model, blockingMs * 1e6)) {
    ranked.push({
      finding: blockingFinding(model, c),
      weightNs: c.totalDelayNs || c.durationNs / 1e3,
    });
  }
  for (const chain of sequentialAwaitChains(model)) {
    const gainNs = chain.waitedNs - chain.couldBeNs;
    const first = chain.steps[0];
    const warn = gainNs >= AWAITS_WARN_GAIN_NS;
    ranked.push({
      weightNs: gainNs,
      finding: {
        kind: 'sequential-awaits',
        severity: warn ? 'warning' : 'info',
        text: `${chain.steps.length} awaits at lines ${chain.steps.map((s) => s.line).join(', ')} ran one after another${chain.occurrences > 1 ? ` (${chain.occurrences} times)` : ''}: they waited ${msText(roundMs(chain.waitedNs))}; started together they would wait about ${msText(roundMs(chain.couldBeNs))}`,
        file: first.file,
        line: first.line,
        column: first.column,
        startNs: chain.startNs,
        endNs: chain.endNs,
        ...threadIds(model, chain.thread),
        figures: {
          waitedMs: roundMs(chain.waitedNs),
          couldBeMs: roundMs(chain.couldBeNs),
          awaits: chain.steps.length,
          occurrences: chain.occurrences,
        },
        related: chain.steps.map((s, i) => ({
          file: s.file,
          line: s.line,
          column: s.column,
          text: `await ${i + 1} of ${chain.steps.length} waited ${msText(roundMs(s.waitNs))}`,
        })),
      },
    });
  }
  for (const pool of poolSaturation(model)) {
    const related = pool.byType
      .map((t) =>
        positionOf(
          model,
          t.worst,
          `${t.type}: ${t.queued} of ${t.requests} queued, ${msText(roundMs(t.totalQueueNs))} in all, the longest ${msText(roundMs(t.maxQueueNs))}`,
        ),
      )
      .filter((p): p is RelatedPosition => !!p);
    const worst = pool.byType[0];
    const where = worst ? model.locationOf(worst.worst) : undefined;
    const main = model.threads.find((t) => t.info.pid === pool.pid && t.info.threadId === 0);
    ranked.push({
      weightNs: pool.totalQueueNs,
      finding: {
        kind: 'threadpool-saturated',
        severity: pool.maxQueueNs >= POOL_WARN_QUEUE_NS ? 'warning' : 'info',
        text: `${pool.queued} of ${pool.requests} threadpool requests waited for a pool thread (${poolSizeWords(pool.poolSize, pool.poolSizeBasis)}): ${msText(roundMs(pool.totalQueueNs))} in all, the longest ${msText(roundMs(pool.maxQueueNs))} (${pool.byType.map((t) => `${t.type} ${msText(roundMs(t.totalQueueNs))}`).join(', ')})`,
        ...(where ? { file: where.file, line: where.line, column: where.column } : {}),
        startNs: pool.startNs,
        endNs: pool.endNs,
        pid: pool.pid,
        ...(main ? { threadId: main.info.threadId } : {}),
        figures: {
          poolSize: pool.poolSize,
          requests: pool.requests,
          queued: pool.queued,
          totalQueueMs: roundMs(pool.totalQueueNs),
          maxQueueMs: roundMs(pool.maxQueueNs),
        },
        related,
      },
    });
  }
  const s = cores.starvation;
  if (s) {
    ranked.push({
      weightNs: s.runQueueWaitMs * 1e6,
      finding: {
        kind: 'starvation',
        severity: 'warning',
        text: `Starved of CPU: ${starvationText(s, cores.machine)}`,
        pid: s.pid,
        figures: {
          runQueueWaitMs: s.runQueueWaitMs,
          cpuMs: s.cpuMs,
          waitShare: s.waitShare,
          otherBusyWhileBusy: s.otherBusyWhileBusy,
        },
        related: [],
      },
    });
  }
  return ranked
    .sort(
      (a, b) =>
        Number(b.finding.severity === 'warning') - Number(a.finding.severity === 'warning') ||
        b.weightNs - a.weightNs,
    )
    .map((r) => r.finding);
}

/** A blocking callback as a finding: a warning when it held something up. */
function blockingFinding(model: TraceModel, c: BlockingCase): Finding {
  const res = model.spanRes.data[c.span];
  const loc = model.locationOf(res);
  const type = model.typeOf(res);
  const who = `${type} callback${loc ? ` (line ${loc.line})` : ''}`;
  const held = `${who} held ${threadLabel(model, c.thread)} for ${msText(roundMs(c.durationNs))}`;
  // Proven delays first (timers with their delay, immediates), then the upper bounds.
  const victims = [...c.victims.filter((v) => v.exact), ...c.victims.filter((v) => !v.exact)];
  const lead = victims[0];
  const text = lead
    ? `${held}: ${victims.length} operation${victims.length > 1 ? 's' : ''} ready meanwhile had to wait; ${lead.type}${victimLine(model, lead.res)} ${lead.exact ? 'was delayed' : 'waited up to'} ${msText(roundMs(lead.delayNs))}`
    : `${held}; nothing was waiting to run on it`;
  const related: RelatedPosition[] = [];
  for (const v of victims) {
    if (related.length === MAX_RELATED) {
      break;
    }
    const p = positionOf(
      model,
      v.res,
      `${v.type} ${v.exact ? 'delayed' : 'waited up to'} ${msText(roundMs(v.delayNs))} by the blocking callback`,
    );
    if (p) {
      related.push(p);
    }
  }
  return {
    kind: 'blocking',
    severity: c.maxExactDelayNs >= BLOCKING_WARN_DELAY_NS ? 'warning' : 'info',
    text,
    ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
    startNs: model.spanStartNs.data[c.span],
    endNs: model.spanEndNs.data[c.span],
    ...threadIds(model, c.thread),
    figures: {
      durationMs: roundMs(c.durationNs),
      delayedCount: c.victims.length,
      maxDelayMs: roundMs(c.maxDelayNs),
      totalDelayMs: roundMs(c.totalDelayNs),
      maxExactDelayMs: roundMs(c.maxExactDelayNs),
    },
    related,
  };
}

/** The pool's size and how it is known, for the threadpool finding's sentence. */
function poolSizeWords(size: number, basis: 'env' | 'sampled' | 'default'): string {
  return basis === 'env'
    ? `a pool of ${size}: UV_THREADPOOL_SIZE=${size}`
    : basis === 'sampled'
      ? `a pool of ${size} threads as sampled; UV_THREADPOOL_SIZE sets it`
      : `libuv's default pool of ${size}; UV_THREADPOOL_SIZE sets it`;
}

function victimLine(model: TraceModel, res: number): string {
  const loc = model.locationOf(res);
  return loc ? ` from line ${loc.line}` : '';
}

function threadIds(model: TraceModel, t: number): { pid: number; threadId: number } {
  return { pid: model.threads[t].info.pid, threadId: model.threads[t].info.threadId };
}
