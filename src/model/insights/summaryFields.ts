/** The insights' fields of `summary --json`: `findings` and each blocking callback's `delayed`. */
import type { TraceModel } from '../traceModel';
import type { CoresFigures } from '../verdict';
import { blockingCases } from './blocking';
import { roundMs } from './common';
import { DEFAULT_BLOCKING_MS, findingsOf } from './index';

/** One operation a blocking callback held up, as `summary --json` lists it. */
export interface SummaryDelayedExample {
  type: string;
  file?: string;
  line?: number;
  delayMs: number;
  /** True when its readiness is known (a timer with its delay, an immediate); false: "up to". */
  exact: boolean;
}

/** What a blocking callback held up: `summary --json`'s `blocking[i].delayed`. */
export interface SummaryDelayed {
  count: number;
  maxDelayMs: number;
  totalDelayMs: number;
  examples: SummaryDelayedExample[];
}

/** A finding as `summary --json` lists it: its figures spread beside its words. */
export interface SummaryFinding {
  kind: string;
  severity: 'warning' | 'info';
  text: string;
  file?: string;
  line?: number;
  column?: number;
  /** Other lines involved (victims, awaits), each with its figure in words. */
  related: Array<{ file: string; line: number; text: string }>;
  [figure: string]: unknown;
}

/** Examples listed per blocking callback. */
const MAX_EXAMPLES = 5;
const NONE: SummaryDelayed = { count: 0, maxDelayMs: 0, totalDelayMs: 0, examples: [] };

/** For each top-level callback of at least `thresholdNs`, what it held up (by span index). */
export function delayedBySpan(
  model: TraceModel,
  thresholdNs: number,
): (span: number) => SummaryDelayed {
  const bySpan = new Map<number, SummaryDelayed>();
  for (const c of blockingCases(model, thresholdNs)) {
    bySpan.set(c.span, {
      count: c.victims.length,
      maxDelayMs: roundMs(c.maxDelayNs),
      totalDelayMs: roundMs(c.totalDelayNs),
      // Proven delays first, as the finding's words have them.
      examples: [...c.victims.filter((v) => v.exact), ...c.victims.filter((v) => !v.exact)]
        .slice(0, MAX_EXAMPLES)
        .map((v) => {
          const loc = model.locationOf(v.res);
          return {
            type: v.type,
            ...(loc ? { file: loc.file, line: loc.line } : {}),
            delayMs: roundMs(v.delayNs),
            exact: v.exact,
          };
        }),
    });
  }
  return (span) => bySpan.get(span) ?? NONE;
}

/** The findings of the trace (default thresholds), flattened for JSON. */
export function summaryFindings(model: TraceModel, cores: CoresFigures): SummaryFinding[] {
  return findingsOf(model, DEFAULT_BLOCKING_MS, cores).map((f) => ({
    kind: f.kind,
    severity: f.severity,
    text: f.text,
    ...(f.file !== undefined ? { file: f.file, line: f.line, column: f.column } : {}),
    ...f.figures,
    related: f.related.map((r) => ({ file: r.file, line: r.line, text: r.text })),
  }));
}
