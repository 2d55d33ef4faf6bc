/** Cores busy in equal buckets over any span of time, without an array of every bucket. */
import { coresBusySeries, machineCores, otherCores } from './parallelism';
import { OS_THREAD_KINDS } from './threadKinds';
import type { TraceModel } from './traceModel';

/** What one run of equal buckets holds: the figures coresBusySeries gives each bucket. */
export type BucketVisit = (
  first: number,
  count: number,
  cores: number,
  waiting: number,
  other: number,
) => void;

/**
 * Visits the buckets of `bucketNs` from `fromNs` (up to the one that holds `toNs`) in which
 * our threads ran or waited for a core, or other processes ran, with the figures that
 * coresBusySeries gives them (`total`, `waiting`, `other`), in runs of equal value:
 * `visit(first, count, cores, waiting, other)`; buckets it skips had all three at 0. When the buckets (and the
 * samples' reach over them) are within `denseLimit`, from coresBusySeries (fastest: 40 ms for
 * 2M callbacks); else by a sweep over the samples (or top-level callbacks) merged in time
 * order: time O(n log threads) and memory O(threads), whatever the span of time (a 24-hour
 * trace has 8.6M buckets of 10 ms; a corrupt delta of 1e16 ns made a billion, 8 GB).
 */
export function forBusyBuckets(
  model: TraceModel,
  fromNs: number,
  toNs: number,
  bucketNs: number,
  visit: BucketVisit,
  denseLimit = 2 * (model.spanCount + model.os.sampleCount) + 65_536,
): void {
  const count = Math.max(1, Math.ceil((toNs - fromNs) / bucketNs));
  if (count <= denseLimit && sampleReach(model, bucketNs, denseLimit) <= denseLimit) {
    const series = coresBusySeries(model, fromNs, toNs, bucketNs);
    series.total.forEach((cores, b) => {
      const waiting = series.waiting[b];
      const other = series.other[b];
      if (cores > 0 || waiting > 0 || other > 0) {
        visit(b, 1, cores, waiting, other);
      }
    });
    return;
  }
  const machine = machineCores(model);
  const limitNs = fromNs + count * bucketNs;
  const lists = busyIntervalLists(model);
  // Min-heap of lists by the time of their next event (a start, then its end, in turn).
  const k = lists.length;
  const heapKey = new Float64Array(k);
  const heapList = new Int32Array(k);
  const cursor = new Int32Array(k); // 2 * interval + (0: its start is next, 1: its end)
  let size = 0;
  const keyOf = (l: number): number => {
    const list = lists[l];
    const c = cursor[l];
    return (c & 1 ? list.ends : list.starts)[c >>> 1];
  };
  const siftDown = (i: number): void => {
    const key = heapKey[i];
    const list = heapList[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heapKey[child + 1] < heapKey[child]) {
        child++;
      }
      if (!(heapKey[child] < key)) {
        break;
      }
      heapKey[i] = heapKey[child];
      heapList[i] = heapList[child];
      i = child;
    }
    heapKey[i] = key;
    heapList[i] = list;
  };
  for (let l = 0; l < k; l++) {
    if (lists[l].length > 0) {
      heapList[size] = l;
      heapKey[size++] = keyOf(l);
    }
  }
  for (let i = (size >>> 1) - 1; i >= 0; i--) {
    siftDown(i);
  }
  // The sweep: rate[f] cores of figure f (run, wait, machine) from `timeNs` on; acc[f]
  // core-ns so far in bucket `b`; open[f] intervals that add to it.
  let b = 0;
  let timeNs = fromNs;
  const rate = new Float64Array(FIGURES);
  const open = new Int32Array(FIGURES);
  const acc = new Float64Array(FIGURES);
  const emit = (first: number, count: number, run: number, wait: number, all: number): void => {
    const other = otherCores(all, run, machine);
    if (run > 0 || wait > 0 || other > 0) {
      visit(first, count, run, wait, other);
    }
  };
  const advance = (untilNs: number): void => {
    // Events out of order (a corrupt trace) count at the sweep's time: never backwards.
    const to = Math.min(limitNs, untilNs);
    while (timeNs < to) {
      const bucketEndNs = fromNs + (b + 1) * bucketNs;
      if (to < bucketEndNs) {
        for (let f = 0; f < FIGURES; f++) {
          acc[f] += rate[f] * (to - timeNs);
        }
        timeNs = to;
        return;
      }
      for (let f = 0; f < FIGURES; f++) {
        acc[f] += rate[f] * (bucketEndNs - timeNs);
      }
      emit(b, 1, acc[0] / bucketNs, acc[1] / bucketNs, acc[2] / bucketNs);
      b++;
      acc.fill(0);
      timeNs = bucketEndNs;
      const whole = Math.floor((to - timeNs) / bucketNs);
      if (whole > 0) {
        emit(b, whole, rate[0], rate[1], rate[2]);
        b += whole;
        timeNs = fromNs + b * bucketNs;
      }
    }
  };
  while (size > 0) {
    const l = heapList[0];
    const list = lists[l];
    const c = cursor[l];
    const eventNs = heapKey[0];
    // Times before fromNs only start the rate (the series clips them the same way).
    if (eventNs > timeNs) {
      advance(eventNs);
    }
    const i = c >>> 1;
    const f = list.figure;
    if (c & 1) {
      // The last interval out sets the rate to exactly 0 (no residue of float sums).
      rate[f] = --open[f] === 0 ? 0 : rate[f] - list.rates[i];
    } else {
      rate[f] += list.rates[i];
      open[f]++;
    }
    cursor[l] = c + 1;
    if (c + 1 < 2 * list.length) {
      heapKey[0] = keyOf(l);
    } else {
      size--;
      heapKey[0] = heapKey[size];
      heapList[0] = heapList[size];
    }
    siftDown(0);
  }
  advance(limitNs);
  if (b < count) {
    emit(b, 1, acc[0] / bucketNs, acc[1] / bucketNs, acc[2] / bucketNs);
  }
}

/** Figures the sweep adds up: our threads' run time, their wait, the machine's busy time. */
const FIGURES = 3;

/** Buckets that coresBusySeries's spread of every sample visits (stops counting past `limit`). */
function sampleReach(model: TraceModel, bucketNs: number, limit: number): number {
  const os = model.os;
  let reach = 0;
  for (let s = 0; s < os.sampleCount && reach <= limit; s++) {
    const spanNs = os.sampleEndNs.data[s] - os.sampleStartNs.data[s];
    reach += spanNs > 0 ? spanNs / bucketNs + 2 : 1;
  }
  for (let m = 0; m < os.machineEndNs.length && reach <= limit; m++) {
    reach += (os.machineEndNs.data[m] - os.machineStartNs.data[m]) / bucketNs + 2;
  }
  return reach;
}

/** Busy intervals of one thread in time order: [starts[i], ends[i]) at rates[i] cores. */
interface IntervalList {
  starts: Float64Array;
  ends: Float64Array;
  rates: Float64Array;
  length: number;
  /** What the rates are: 0 run, 1 run-queue wait, 2 the machine's busy cores. */
  figure: number;
}

/**
 * What coresBusySeries spreads, per thread: each OS thread's samples (run time and wait spread
 * evenly over its period; a thread's samples never overlap), or without samples each JS
 * thread's top-level callbacks at one core (an open one runs until its thread ended, or the
 * trace did); and the machine's samples, which never overlap either.
 */
function busyIntervalLists(model: TraceModel): IntervalList[] {
  const os = model.os;
  const lists: IntervalList[] = [];
  const make = (n: number, figure = 0): IntervalList => ({
    starts: new Float64Array(n),
    ends: new Float64Array(n),
    rates: new Float64Array(n),
    length: 0,
    figure,
  });
  const add = (list: IntervalList, start: number, end: number, rate: number): void => {
    if (end > start && rate > 0) {
      const i = list.length++;
      list.starts[i] = start;
      list.ends[i] = end;
      list.rates[i] = rate;
    }
  };
  const machine = make(os.machineEndNs.length, 2);
  for (let m = 0; m < os.machineEndNs.length; m++) {
    const start = os.machineStartNs.data[m];
    const end = os.machineEndNs.data[m];
    add(machine, start, end, os.machineBusyNs.data[m] / (end - start));
  }
  lists.push(machine);
  if (os.sampleCount > 0) {
    const perThread = new Int32Array(os.threads.length);
    for (let s = 0; s < os.sampleCount; s++) {
      perThread[os.sampleThread.data[s]]++;
    }
    const first = lists.length;
    perThread.forEach((n) => lists.push(make(n, 0), make(n, 1)));
    for (let s = 0; s < os.sampleCount; s++) {
      const start = os.sampleStartNs.data[s];
      const end = os.sampleEndNs.data[s];
      const t = first + 2 * os.sampleThread.data[s];
      add(lists[t], start, end, os.sampleRunNs.data[s] / (end - start));
      add(lists[t + 1], start, end, os.sampleWaitNs.data[s] / (end - start));
    }
    return lists;
  }
  model.threads.forEach((thread) => {
    const top = thread.spansAtDepth[0];
    if (!top || !OS_THREAD_KINDS.includes(thread.info.kind)) {
      return;
    }
    const list = make(top.length);
    const openEndNs = thread.endNs ?? model.endNs;
    for (let i = 0; i < top.length; i++) {
      const span = top.data[i];
      const end = model.spanEndNs.data[span];
      add(list, model.spanStartNs.data[span], end === end ? end : openEndNs, 1);
    }
    lists.push(list);
  });
  return lists;
}
