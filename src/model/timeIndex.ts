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
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const spans = top.data;
  // The first callback not ended by timeNs (top-level callbacks of a thread never overlap, so
  // all before it ended before it started; an open one is last).
  let lo = 0;
  let hi = top.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[spans[mid]] <= timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  // Whole blocks from the sums (all of them ended), the rest span by span.
  const first = Math.min(lo - (lo % BUSY_STEP), ix.busyCount[t]);
  let busy = cum[first / BUSY_STEP];
  for (let i = first; i < lo; i++) {
    busy += ends[spans[i]] - starts[spans[i]];
  }
  if (lo < top.length) {
    const s = spans[lo];
    let end = ends[s];
    if (end !== end) {
      end = model.threads[t].endNs ?? model.endNs;
    }
    busy += Math.max(0, Math.min(timeNs, end) - starts[s]);
  }
  return busy;
}

/**
 * Adds to `out[b]` the share of bucket b (`bucketNs` wide, from `fromNs`) that thread `t` spent
 * in top-level callbacks: 0 idle, 1 busy throughout. Two lookups per bucket (topBusyBefore).
 */
export function addTopBusyShares(
  model: TraceModel,
  t: number,
  fromNs: number,
  bucketNs: number,
  out: Float64Array | Float32Array,
): void {
  let before = topBusyBefore(model, t, fromNs);
  for (let b = 0; b < out.length; b++) {
    const after = topBusyBefore(model, t, fromNs + (b + 1) * bucketNs);
    out[b] += (after - before) / bucketNs;
    before = after;
  }
}

/** Extends thread t's cumulative run times over its top-level callbacks that have ended. */
function busyPrefix(model: TraceModel, ix: ModelIndex, t: number): Float64Array {
  const top = model.threads[t].spansAtDepth[0];
  while (ix.busy.length <= t) {
    ix.busy.push(new Float64Array(64));
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
  let lo = 0;
  let hi = ix.samplesSorted ? n : 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] <= fromNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
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
