import { firstAbove } from './bisect';
import type { TraceModel } from './traceModel';
import type { OsThreadClass } from './threadKinds';
import { classifyOsThreads } from './threadKinds';

/**
 * Indexes that let per-frame queries over a visible window touch only what overlaps it: the
 * CPU samples (in end order, as the sampler writes them) and the OS threads' classification.
 * Built once per model and extended as it grows (a live trace), never rebuilt from scratch.
 * Each thread's top-level callbacks need none: the model keeps them in order as it decodes
 * (ThreadRow.spansAtDepth[0]).
 */
interface ModelIndex {
  /**
   * Per JS thread: busy[t][g] = run time of its first g * BUSY_STEP top-level callbacks, over
   * the ended ones (busyCount[t] of them summed): the run time in any window is two lookups
   * and at most 2 * BUSY_STEP spans read (topBusyBefore).
   */
  busy: Float64Array[];
  busyCount: number[];
  /** Longest CPU sample seen, ns (bounds how far back a sample can reach). */
  maxSampleNs: number;
  samples: number;
  /** True while sample ends never decreased (one sampler's ticks; not so for estimates that
   * arrive from several threads' streams). */
  samplesSorted: boolean;
  /** classifyOsThreads(model), for `classesVersion`. */
  classes?: OsThreadClass[];
  classesVersion: number;
}

const indexes = new WeakMap<TraceModel, ModelIndex>();

/** Top-level callbacks per entry of the cumulative run times (8 bytes per 32 callbacks). */
const BUSY_STEP = 32;

function indexOf(model: TraceModel): ModelIndex {
  let ix = indexes.get(model);
  if (!ix) {
    ix = {
      busy: [],
      busyCount: [],
      maxSampleNs: 0,
      samples: 0,
      samplesSorted: true,
      classesVersion: -1,
    };
    indexes.set(model, ix);
  }
  const os = model.os;
  for (; ix.samples < os.sampleCount; ix.samples++) {
    const end = os.sampleEndNs.data[ix.samples];
    const d = end - os.sampleStartNs.data[ix.samples];
    if (d > ix.maxSampleNs) {
      ix.maxSampleNs = d;
    }
    if (ix.samples > 0 && end < os.sampleEndNs.data[ix.samples - 1]) {
      ix.samplesSorted = false;
    }
  }
  return ix;
}

/**
 * Run time of thread `t`'s top-level callbacks before `timeNs` (an open one runs until its
 * thread ended, or the trace's end), in O(log n): busy time over [a, b) is
 * topBusyBefore(b) - topBusyBefore(a), whatever the number of callbacks in between.
 */
export function topBusyBefore(model: TraceModel, t: number, timeNs: number): number {
  const top = model.threads[t]?.spansAtDepth[0];
  if (!top) {
    return 0;
  }
  const ix = indexOf(model);
  const cum = busyPrefix(model, ix, t);
  const ends = model.spanEndNs.data;
  const k = firstNotEnded(ends, top.data, 0, top.length, timeNs);
  return busyThrough(model, cum, ix.busyCount[t], top.data, top.length, k, timeNs);
}

/**
 * The first of `spans[lo..hi)` not ended by `timeNs`, or hi. A thread's top-level callbacks
 * never overlap, so their ends are in order (an open one, NaN, is last).
 */
function firstNotEnded(
  ends: Float64Array,
  spans: Int32Array,
  lo: number,
  hi: number,
  timeNs: number,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[spans[mid]] <= timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Run time before `timeNs` of top-level callbacks `spans[0..count)` of one thread, where the
 * first `k` ended by then: whole blocks from the sums `cum` (over the first `summed`), the rest
 * span by span, plus the part of callback k run by then.
 */
function busyThrough(
  model: TraceModel,
  cum: Float64Array,
  summed: number,
  spans: Int32Array,
  count: number,
  k: number,
  timeNs: number,
): number {
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const first = Math.min(k - (k % BUSY_STEP), summed);
  let busy = cum[first / BUSY_STEP];
  for (let i = first; i < k; i++) {
    busy += ends[spans[i]] - starts[spans[i]];
  }
  return k < count ? busy + runBy(model, spans[k], timeNs) : busy;
}

/** Run time of top-level callback `span` by `timeNs` (open: running until its thread ended). */
function runBy(model: TraceModel, span: number, timeNs: number): number {
  let end = model.spanEndNs.data[span];
  if (end !== end) {
    end = model.threads[model.spanThread.data[span]].endNs ?? model.endNs;
  }
  return Math.max(0, Math.min(timeNs, end) - model.spanStartNs.data[span]);
}

/**
 * Adds to `out[b]` the share of bucket b (`bucketNs` wide, from `fromNs`) that thread `t` spent
 * in top-level callbacks: 0 idle, 1 busy throughout. One bisection for the first bucket; then
 * each bucket's end is found by galloping on from the last (a few callbacks away when zoomed
 * in), and its run time is the last one's plus the callbacks in between, or, when many lie in
 * between (zoomed out), two lookups in the cumulative sums.
 */
export function addTopBusyShares(
  model: TraceModel,
  t: number,
  fromNs: number,
  bucketNs: number,
  out: Float64Array | Float32Array,
): void {
  const top = model.threads[t]?.spansAtDepth[0];
  if (!top || out.length === 0) {
    return;
  }
  const ix = indexOf(model);
  const cum = busyPrefix(model, ix, t);
  const summed = ix.busyCount[t];
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const spans = top.data;
  const n = top.length;
  let k = firstNotEnded(ends, spans, 0, n, fromNs);
  let before = busyThrough(model, cum, summed, spans, n, k, fromNs);
  let beforeNs = fromNs;
  for (let b = 0; b < out.length; b++) {
    const endNs = fromNs + (b + 1) * bucketNs;
    // Gallop: all before `lo` ended by endNs; the answer is in [lo, lo + step).
    let lo = k;
    let step = 1;
    while (lo + step <= n && ends[spans[lo + step - 1]] <= endNs) {
      lo += step;
      step *= 2;
    }
    const next = firstNotEnded(ends, spans, lo, Math.min(n, lo + step - 1), endNs);
    let after: number;
    if (next - k <= 2 * BUSY_STEP) {
      after = before;
      if (k < n) {
        after -= runBy(model, spans[k], beforeNs);
      }
      for (let i = k; i < next; i++) {
        after += ends[spans[i]] - starts[spans[i]];
      }
      if (next < n) {
        after += runBy(model, spans[next], endNs);
      }
    } else {
      after = busyThrough(model, cum, summed, spans, n, next, endNs);
    }
    out[b] += (after - before) / bucketNs;
    before = after;
    beforeNs = endNs;
    k = next;
  }
}

/** Extends thread t's cumulative run times over its top-level callbacks that have ended. */
function busyPrefix(model: TraceModel, ix: ModelIndex, t: number): Float64Array {
  const top = model.threads[t].spansAtDepth[0];
  while (ix.busy.length <= t) {
    ix.busy.push(new Float64Array(1)); // grown below to what the thread needs
    ix.busyCount.push(0);
  }
  let cum = ix.busy[t];
  let done = ix.busyCount[t];
  const need = Math.floor(top.length / BUSY_STEP) + 1;
  if (cum.length < need) {
    const grown = new Float64Array(Math.max(need, 2 * cum.length));
    grown.set(cum);
    cum = ix.busy[t] = grown;
  }
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  blocks: for (; done + BUSY_STEP <= top.length; done += BUSY_STEP) {
    let sum = 0;
    for (let i = done; i < done + BUSY_STEP; i++) {
      const s = top.data[i];
      const end = ends[s];
      if (end !== end) {
        break blocks;
      }
      sum += end - starts[s];
    }
    cum[done / BUSY_STEP + 1] = cum[done / BUSY_STEP] + sum;
  }
  ix.busyCount[t] = done;
  return cum;
}

/** Calls `visit(sample)` for every CPU sample overlapping [from, to). */
export function forSamplesIn(
  model: TraceModel,
  fromNs: number,
  toNs: number,
  visit: (sample: number) => void,
): void {
  const ix = indexOf(model);
  const os = model.os;
  const ends = os.sampleEndNs.data;
  const n = os.sampleCount;
  // Sample ends never decrease (ticks are written in order): the first end past `from`.
  const lo = ix.samplesSorted ? firstAbove(ends, 0, n, fromNs) : 0;
  const stopNs = ix.samplesSorted ? toNs + ix.maxSampleNs : Infinity;
  for (let s = lo; s < n && ends[s] < stopNs + 1; s++) {
    if (os.sampleStartNs.data[s] < toNs && ends[s] > fromNs) {
      visit(s);
    }
  }
}

/** classifyOsThreads(model), computed again only when the model changed. */
export function osThreadClasses(model: TraceModel): OsThreadClass[] {
  const ix = indexOf(model);
  if (!ix.classes || ix.classesVersion !== model.version) {
    ix.classes = classifyOsThreads(model);
    ix.classesVersion = model.version;
  }
  return ix.classes;
}
