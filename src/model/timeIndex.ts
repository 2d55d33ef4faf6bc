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

function indexOf(model: TraceModel): ModelIndex {
  let ix = indexes.get(model);
  if (!ix) {
    ix = {
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

/** Calls `visit(span)` for every top-level callback of every thread overlapping [from, to). */
export function forTopSpansIn(
  model: TraceModel,
  fromNs: number,
  toNs: number,
  visit: (span: number) => void,
): void {
  for (const thread of model.threads) {
    const top = thread.spansAtDepth[0];
    if (!top) {
      continue;
    }
    const spans = top.data;
    const n = top.length;
    // Top-level spans of a thread do not overlap: ends are in order too (an open one is last).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const end = model.spanEndNs.data[spans[mid]];
      if (!Number.isNaN(end) && end <= fromNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (let i = lo; i < n; i++) {
      const s = spans[i];
      if (model.spanStartNs.data[s] >= toNs) {
        break;
      }
      visit(s);
    }
  }
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
