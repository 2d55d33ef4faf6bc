/**
 * Blocking callbacks and their victims: the operations that became ready while a long
 * callback held its thread and ran only once it returned.
 *
 * What the trace proves about readiness: a timer falls due at its creation plus its delay (when
 * the trace has the delay; a repeating one at its previous run plus it); an immediate is ready
 * when it is created. Other completions (I/O, messages, threadpool results) are not recorded,
 * so for them the delay is an upper bound: the callback ran right after the blocker and its
 * operation existed before the blocker ended, so it waited at most from the blocker's start (or
 * its own creation) to its run. Such victims are marked `exact: false`.
 */
import type { TraceModel } from '../traceModel';
import { isSameTurnType, isSyntheticType } from './common';

/** One operation held up by a blocking callback. */
export interface Victim {
  /** The operation (resource index) and the callback of it that ran late (span index). */
  res: number;
  span: number;
  type: string;
  /** From when it was ready (or the blocker's start, if later) to its callback's start. */
  delayNs: number;
  /** True when readiness is known (timer with its delay, immediate); false: an upper bound. */
  exact: boolean;
}

/** A top-level callback that held its thread at least the threshold, with its victims. */
export interface BlockingCase {
  span: number;
  thread: number;
  durationNs: number;
  /** Longest delay first. */
  victims: Victim[];
  maxDelayNs: number;
  totalDelayNs: number;
  /** The longest delay of a victim whose readiness is known (0: none): what proves harm. */
  maxExactDelayNs: number;
}

/**
 * Callbacks after the blocker belong to its backlog while each starts within this of the last.
 * Not tighter: untraced work between two callbacks (the tracer's own periodic flush writing a
 * second of stack samples, a GC) can take a few ms, and a timer that fell due during the
 * blocker then started 2-5 ms after it ended and was missed. A timer due after the blocker
 * ended is never its victim (below), whatever the gap.
 */
const BACKLOG_GAP_NS = 10e6;
/**
 * Past the backlog (a longer gap), only a timer whose due time is known and fell inside the
 * blocker can still be its victim: the loop runs overdue timers first, so untraced work in
 * between (the tracer writing a batch of stack samples, a GC) is all that can have come first.
 * Looked for this long after the blocker ended, and not past the next blocker.
 */
const LATE_TIMER_SCAN_NS = 1e9;
/** A delay below this is the loop's own pace, not the blocker's doing. */
const MIN_DELAY_NS = 1e6;

/**
 * Every top-level callback of at least `thresholdNs`, in time order per thread, each with the
 * operations it held up. `timerDelayNs(res)` gives a timer's delay, NaN when the trace lacks it.
 */
export function blockingCases(
  model: TraceModel,
  thresholdNs: number,
  timerDelayNs: (res: number) => number = (res) => model.timerDelayNsOf(res),
): BlockingCase[] {
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const synthetic = model.types.map(isSyntheticType);
  const sameTurn = model.types.map(isSameTurnType);
  const out: BlockingCase[] = [];
  model.threads.forEach((row, thread) => {
    const lane = row.spansAtDepth[0];
    if (!lane) {
      return;
    }
    for (let k = 0; k < lane.length; k++) {
      const span = lane.data[k];
      const durationNs = ends[span] - starts[span];
      if (!(durationNs >= thresholdNs)) {
        continue;
      }
      const victims = victimsAfter(model, lane.data, lane.length, k, thresholdNs, {
        synthetic,
        sameTurn,
        timerDelayNs,
      });
      victims.sort((a, b) => b.delayNs - a.delayNs);
      out.push({
        span,
        thread,
        durationNs,
        victims,
        maxDelayNs: victims.length ? victims[0].delayNs : 0,
        totalDelayNs: victims.reduce((n, v) => n + v.delayNs, 0),
        maxExactDelayNs: victims.reduce((n, v) => (v.exact ? Math.max(n, v.delayNs) : n), 0),
      });
    }
  });
  return out;
}

interface TypeFlags {
  synthetic: boolean[];
  sameTurn: boolean[];
  timerDelayNs: (res: number) => number;
}

/** The victims of lane[k]: the backlog of callbacks that ran right after it. */
function victimsAfter(
  model: TraceModel,
  lane: Int32Array,
  count: number,
  k: number,
  thresholdNs: number,
  flags: TypeFlags,
): Victim[] {
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const blocker = lane[k];
  const fromNs = starts[blocker];
  const toNs = ends[blocker];
  const seen = new Set<number>();
  const victims: Victim[] = [];
  let lastEnd = toNs;
  // Past the backlog: only timers due during the blocker (see LATE_TIMER_SCAN_NS).
  let lateTimersOnly = false;
  for (let i = k + 1; i < count; i++) {
    const span = lane[i];
    const startNs = starts[span];
    // The next blocker has its own victims.
    if (!(ends[span] - startNs < thresholdNs)) {
      break;
    }
    // The backlog ends when the loop went idle (or did untraced work) a while.
    if (startNs - lastEnd > BACKLOG_GAP_NS) {
      lateTimersOnly = true;
    }
    if (lateTimersOnly && startNs - toNs > LATE_TIMER_SCAN_NS) {
      break;
    }
    lastEnd = ends[span];
    const res = model.spanRes.data[span];
    const typeIndex = model.resType.data[res];
    const initNs = model.resInitNs.data[res];
    if (
      seen.has(res) ||
      flags.synthetic[typeIndex] ||
      flags.sameTurn[typeIndex] ||
      !(initNs < toNs)
    ) {
      continue;
    }
    const type = model.types[typeIndex];
    let readyNs = initNs;
    let exact = type === 'Immediate';
    if (type === 'Timeout') {
      const delayNs = flags.timerDelayNs(res);
      if (delayNs === delayNs) {
        const previous = previousSpanOf(model, res, span);
        readyNs = (previous >= 0 ? starts[previous] : initNs) + delayNs;
        exact = true;
        if (readyNs >= toNs) {
          continue; // fell due after the blocker: on time as far as it is concerned
        }
      }
    }
    if (lateTimersOnly && !(type === 'Timeout' && exact)) {
      continue;
    }
    seen.add(res);
    const delayNs = startNs - Math.max(readyNs, fromNs);
    if (delayNs >= MIN_DELAY_NS) {
      victims.push({ res, span, type, delayNs, exact });
    }
  }
  return victims;
}

/** The span of `res` that ran just before `span`, or -1 (spans of one resource are chained). */
function previousSpanOf(model: TraceModel, res: number, span: number): number {
  let previous = -1;
  for (
    let s = model.resFirstSpan.data[res];
    s >= 0 && s !== span;
    s = model.spanNextOfRes.data[s]
  ) {
    previous = s;
  }
  return previous;
}
