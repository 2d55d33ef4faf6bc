/**
 * Waits of one async function awaited one after another. An `await` makes a promise at its
 * line, created while the function runs; the function resumes in that promise's callback. So a
 * chain of awaits is a chain of promises, each created during the previous one's resumption
 * (only after the previous wait ended), at a later line of the same file a few lines below,
 * on the same thread. Each waited; together they waited the sum, and started together they
 * would have waited about the longest: that gap is the finding.
 */
import type { TraceModel } from '../traceModel';

/** One await of a chain: its promise and how long the function waited there. */
export interface AwaitStep {
  res: number;
  file: string;
  line: number;
  column: number;
  waitNs: number;
}

/** Awaits one after another, at distinct lines, in order. */
export interface AwaitChain {
  thread: number;
  steps: AwaitStep[];
  /** From the first await's creation to the last one's resumption. */
  startNs: number;
  endNs: number;
  waitedNs: number;
  /** The longest single wait: what they would take together. */
  couldBeNs: number;
  /** How many times this same chain of lines ran (a loop or several calls). */
  occurrences: number;
}

/** An await counts when the function waited there at least this long. */
const MIN_WAIT_NS = 1e6;
/** The next await is at most this many lines below the previous one ("consecutive lines"). */
const MAX_LINE_GAP = 3;

/** Every chain of two or more sequential awaits, the same lines merged, biggest gain first. */
export function sequentialAwaitChains(model: TraceModel): AwaitChain[] {
  const promiseType = model.types.indexOf('PROMISE');
  if (promiseType < 0) {
    return [];
  }
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  // Candidates: promises with a creation site that resumed something after a real wait.
  const candidates: number[] = [];
  for (let r = 0; r < model.resourceCount; r++) {
    if (model.resType.data[r] !== promiseType || model.resLoc.data[r] < 0) {
      continue;
    }
    const first = model.resFirstSpan.data[r];
    if (first >= 0 && starts[first] - model.resInitNs.data[r] >= MIN_WAIT_NS) {
      candidates.push(r);
    }
  }
  // Per thread, by creation time: the next await is found by bisecting the resumption's span.
  const byThread = new Map<number, number[]>();
  for (const r of candidates) {
    const t = model.resThread.data[r];
    let list = byThread.get(t);
    if (!list) {
      byThread.set(t, (list = []));
    }
    list.push(r);
  }
  const merged = new Map<string, AwaitChain>();
  for (const [thread, list] of byThread) {
    list.sort((a, b) => model.resInitNs.data[a] - model.resInitNs.data[b]);
    const inits = list.map((r) => model.resInitNs.data[r]);
    const next = new Int32Array(list.length).fill(-1);
    const hasPrevious = new Uint8Array(list.length);
    list.forEach((r, i) => {
      const span = model.resFirstSpan.data[r];
      const here = model.locationOf(r)!;
      // The first candidate created during this resumption, below this line, in this file.
      for (let j = firstAtOrAfter(inits, starts[span]); j < list.length; j++) {
        if (inits[j] > ends[span]) {
          break;
        }
        const there = model.locationOf(list[j])!;
        if (
          there.file === here.file &&
          there.line > here.line &&
          there.line - here.line <= MAX_LINE_GAP &&
          !hasPrevious[j]
        ) {
          next[i] = j;
          hasPrevious[j] = 1;
          break;
        }
      }
    });
    list.forEach((_, i) => {
      if (hasPrevious[i] || next[i] < 0) {
        return;
      }
      const steps: AwaitStep[] = [];
      for (let j = i; j >= 0; j = next[j]) {
        const r = list[j];
        const loc = model.locationOf(r)!;
        const waitNs = starts[model.resFirstSpan.data[r]] - model.resInitNs.data[r];
        steps.push({ res: r, file: loc.file, line: loc.line, column: loc.column, waitNs });
      }
      const last = steps[steps.length - 1].res;
      if (loopsBack(model, steps, thread)) {
        return; // awaits of a loop body: each round depends on the last (a protocol, a pace)
      }
      const chain: AwaitChain = {
        thread,
        steps,
        startNs: model.resInitNs.data[steps[0].res],
        endNs: starts[model.resFirstSpan.data[last]],
        waitedNs: steps.reduce((n, s) => n + s.waitNs, 0),
        couldBeNs: Math.max(...steps.map((s) => s.waitNs)),
        occurrences: 1,
      };
      const key = `${thread}|${steps.map((s) => `${s.file}:${s.line}`).join('|')}`;
      const same = merged.get(key);
      if (!same) {
        merged.set(key, chain);
      } else {
        // The same lines again: figures add up, the first run's span and steps stay.
        same.waitedNs += chain.waitedNs;
        same.couldBeNs += chain.couldBeNs;
        same.occurrences++;
      }
    });
  }
  return [...merged.values()].sort((a, b) => b.waitedNs - b.couldBeNs - (a.waitedNs - a.couldBeNs));
}

/**
 * True when the awaits are a loop's body, run round after round (each round depends on the
 * last: a protocol or a pace, not independent waits): the first await was made while the
 * function resumed from an await of the same lines, or the last one's resumption makes a
 * promise at those lines again.
 */
function loopsBack(model: TraceModel, chain: AwaitStep[], thread: number): boolean {
  const first = chain[0];
  const last = chain[chain.length - 1];
  const inLoop = (res: number): boolean => {
    if (model.typeOf(res) !== 'PROMISE') {
      return false;
    }
    const loc = model.locationOf(res);
    return !!loc && loc.file === first.file && loc.line >= first.line && loc.line <= last.line;
  };
  // Resumed from a previous round: a span of one of those awaits running when the first was made.
  const initNs = model.resInitNs.data[first.res];
  for (const lane of model.threads[thread].spansAtDepth) {
    const k = lastStartingBy(model, lane.data, lane.length, initNs);
    if (k >= 0) {
      const span = lane.data[k];
      if (model.spanEndNs.data[span] >= initNs && inLoop(model.spanRes.data[span])) {
        return true;
      }
    }
  }
  // A next round: a promise of those lines made while the last await's resumption ran.
  const span = model.resFirstSpan.data[last.res];
  const fromNs = model.spanStartNs.data[span];
  const toNs = model.spanEndNs.data[span];
  const ops = model.threads[thread].ops;
  for (let j = firstOpAtOrAfter(model, ops.data, ops.length, fromNs); j < ops.length; j++) {
    const res = ops.data[j];
    if (model.resInitNs.data[res] > toNs) {
      break;
    }
    if (res !== last.res && inLoop(res)) {
      return true;
    }
  }
  return false;
}

/** The last of `spans[0..n)` (in start order) that started by `timeNs`, or -1. */
function lastStartingBy(model: TraceModel, spans: Int32Array, n: number, timeNs: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.spanStartNs.data[spans[mid]] <= timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo - 1;
}

/** The first of a thread's operations (in creation order) created at or after `timeNs`. */
function firstOpAtOrAfter(model: TraceModel, ops: Int32Array, n: number, timeNs: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.resInitNs.data[ops[mid]] < timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The first index whose value is at least x (values sorted ascending). */
function firstAtOrAfter(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
