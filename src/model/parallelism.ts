import { addTopBusyShares, forSamplesIn, osThreadClasses } from './timeIndex';
import { OS_THREAD_KINDS, type OsThreadKind } from './threadKinds';
import type { TraceModel } from './traceModel';

/** Cores busy over time, in equal buckets, stacked by thread kind. */
export interface CoresBusySeries {
  /** Start of bucket 0, ns since the epoch. */
  startNs: number;
  bucketNs: number;
  /** Cores busy in each bucket (mean over the bucket), all kinds together. */
  total: Float64Array;
  /** The same per kind: `byKind[k][i]` for kind OS_THREAD_KINDS[k]. Sums to `total`. */
  byKind: Float64Array[];
  /** True when derived from JS callbacks (no OS samples: another OS, an old trace). */
  estimate: boolean;
}

/** Adds `amount` spread evenly over [start, end) into buckets. */
function spread(
  out: Float64Array,
  startNs: number,
  bucketNs: number,
  start: number,
  end: number,
  amount: number,
): void {
  if (!(end > start) || amount <= 0) {
    return;
  }
  const rate = amount / (end - start);
  const first = Math.max(0, Math.floor((start - startNs) / bucketNs));
  const last = Math.min(out.length - 1, Math.floor((end - startNs) / bucketNs));
  for (let b = first; b <= last; b++) {
    const s = Math.max(start, startNs + b * bucketNs);
    const e = Math.min(end, startNs + (b + 1) * bucketNs);
    if (e > s) {
      out[b] += (rate * (e - s)) / bucketNs;
    }
  }
}

/**
 * Cores busy over [fromNs, toNs) in buckets of `bucketNs`: from the sampler's CPU samples
 * (each sample's run time spread evenly over its period), or, without any, from the JS
 * threads' top-level callbacks (an estimate: a running callback is counted as one core).
 */
export function coresBusySeries(
  model: TraceModel,
  fromNs: number,
  toNs: number,
  bucketNs: number,
): CoresBusySeries {
  const count = Math.max(1, Math.ceil((toNs - fromNs) / bucketNs));
  const total = new Float64Array(count);
  const byKind = OS_THREAD_KINDS.map(() => new Float64Array(count));
  const os = model.os;
  // Without samples, callbacks stand in; samples that the tracer estimated (no /proc) are
  // used as samples but still reported as an estimate.
  const fromCallbacks = os.sampleCount === 0;
  const estimate = fromCallbacks || !!os.info?.estimate;
  if (!fromCallbacks) {
    const kindIndex = osThreadClasses(model).map((c) => OS_THREAD_KINDS.indexOf(c.kind));
    forSamplesIn(model, fromNs, toNs, (s) => {
      const k = kindIndex[os.sampleThread.data[s]];
      const start = os.sampleStartNs.data[s];
      const end = os.sampleEndNs.data[s];
      spread(byKind[k], fromNs, bucketNs, start, end, os.sampleRunNs.data[s]);
    });
  } else {
    // Each thread's run time between bucket edges, from its cumulative run times: a few
    // lookups per bucket, however many callbacks the window holds.
    model.threads.forEach((thread, t) => {
      const series = byKind[OS_THREAD_KINDS.indexOf(thread.info.kind)];
      if (series && thread.spansAtDepth[0]) {
        addTopBusyShares(model, t, fromNs, bucketNs, series);
      }
    });
  }
  for (const series of byKind) {
    for (let i = 0; i < count; i++) {
      total[i] += series[i];
    }
  }
  return { startNs: fromNs, bucketNs, total, byKind, estimate };
}

/**
 * Visits the buckets of `bucketNs` from `fromNs` (up to the one that holds `toNs`) in which
 * cores were busy, with the total that coresBusySeries gives them, in runs of equal value:
 * `visit(first, count, cores)`; buckets it skips had none busy. When the buckets (and the
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
  visit: (first: number, count: number, cores: number) => void,
  denseLimit = 2 * (model.spanCount + model.os.sampleCount) + 65_536,
): void {
  const count = Math.max(1, Math.ceil((toNs - fromNs) / bucketNs));
  if (count <= denseLimit && sampleReach(model, bucketNs, denseLimit) <= denseLimit) {
    coresBusySeries(model, fromNs, toNs, bucketNs).total.forEach((cores, b) => {
      if (cores > 0) {
        visit(b, 1, cores);
      }
    });
    return;
  }
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
  // The sweep: `rateCores` busy from `timeNs` on; `accNs` core-ns so far in bucket `b`.
  let b = 0;
  let timeNs = fromNs;
  let rateCores = 0;
  let open = 0;
  let accNs = 0;
  const advance = (untilNs: number): void => {
    // Events out of order (a corrupt trace) count at the sweep's time: never backwards.
    const to = Math.min(limitNs, untilNs);
    while (timeNs < to) {
      const bucketEndNs = fromNs + (b + 1) * bucketNs;
      if (to < bucketEndNs) {
        accNs += rateCores * (to - timeNs);
        timeNs = to;
        return;
      }
      accNs += rateCores * (bucketEndNs - timeNs);
      if (accNs > 0) {
        visit(b, 1, accNs / bucketNs);
      }
      b++;
      accNs = 0;
      timeNs = bucketEndNs;
      const whole = Math.floor((to - timeNs) / bucketNs);
      if (whole > 0) {
        if (rateCores > 0) {
          visit(b, whole, rateCores);
        }
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
    const rate = list.rates[c >>> 1];
    if (c & 1) {
      rateCores = --open === 0 ? 0 : rateCores - rate;
    } else {
      rateCores += rate;
      open++;
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
  if (accNs > 0 && b < count) {
    visit(b, 1, accNs / bucketNs);
  }
}

/** Buckets that coresBusySeries's spread of every sample visits (stops counting past `limit`). */
function sampleReach(model: TraceModel, bucketNs: number, limit: number): number {
  const os = model.os;
  let reach = 0;
  for (let s = 0; s < os.sampleCount && reach <= limit; s++) {
    const spanNs = os.sampleEndNs.data[s] - os.sampleStartNs.data[s];
    reach += spanNs > 0 ? spanNs / bucketNs + 2 : 1;
  }
  return reach;
}

/** Busy intervals of one thread in time order: [starts[i], ends[i]) at rates[i] cores. */
interface IntervalList {
  starts: Float64Array;
  ends: Float64Array;
  rates: Float64Array;
  length: number;
}

/**
 * What coresBusySeries spreads, per thread: each OS thread's samples (run time spread evenly
 * over its period; a thread's samples never overlap), or without samples each JS thread's
 * top-level callbacks at one core (an open one runs until its thread ended, or the trace did).
 */
function busyIntervalLists(model: TraceModel): IntervalList[] {
  const os = model.os;
  const lists: IntervalList[] = [];
  const make = (n: number): IntervalList => ({
    starts: new Float64Array(n),
    ends: new Float64Array(n),
    rates: new Float64Array(n),
    length: 0,
  });
  const add = (list: IntervalList, start: number, end: number, rate: number): void => {
    if (end > start && rate > 0) {
      const i = list.length++;
      list.starts[i] = start;
      list.ends[i] = end;
      list.rates[i] = rate;
    }
  };
  if (os.sampleCount > 0) {
    const perThread = new Int32Array(os.threads.length);
    for (let s = 0; s < os.sampleCount; s++) {
      perThread[os.sampleThread.data[s]]++;
    }
    perThread.forEach((n) => lists.push(make(n)));
    for (let s = 0; s < os.sampleCount; s++) {
      const start = os.sampleStartNs.data[s];
      const end = os.sampleEndNs.data[s];
      add(lists[os.sampleThread.data[s]], start, end, os.sampleRunNs.data[s] / (end - start));
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

/** Cores of the machine: what the sampler or the tracer recorded, at least the cores seen. */
export function machineCores(model: TraceModel): number {
  const recorded = model.os.info?.cores || model.threads.find((t) => t.info.cores)?.info.cores;
  return Math.max(recorded || 0, model.os.maxCore + 1, 1);
}

/** Mean cores busy over [fromNs, toNs) (OS samples; 0 without any). */
export function meanCoresBusy(model: TraceModel, fromNs: number, toNs: number): number {
  const os = model.os;
  let runNs = 0;
  for (let s = 0; s < os.sampleCount; s++) {
    const start = os.sampleStartNs.data[s];
    const end = os.sampleEndNs.data[s];
    const overlap = Math.min(end, toNs) - Math.max(start, fromNs);
    if (overlap > 0) {
      runNs += (os.sampleRunNs.data[s] * overlap) / (end - start);
    }
  }
  return toNs > fromNs ? runNs / (toNs - fromNs) : 0;
}

/** CPU and run-queue wait of every OS thread, with its kind. */
export interface OsThreadUsage {
  pid: number;
  tid: number;
  name: string;
  kind: OsThreadKind;
  basis: string;
  label: string;
  jsThread: number;
  cpuNs: number;
  waitNs: number;
}

/** Per OS thread: kind, CPU and run-queue wait. */
export function osThreadUsage(model: TraceModel): OsThreadUsage[] {
  const classes = osThreadClasses(model);
  return model.os.threads.map((row, i) => ({
    pid: row.pid,
    tid: row.tid,
    name: row.name,
    kind: classes[i].kind,
    basis: classes[i].basis,
    label: classes[i].label,
    jsThread: classes[i].jsThread,
    cpuNs: row.runNs,
    waitNs: row.waitNs,
  }));
}

/**
 * Event-loop utilization of each JS thread: the share of its life spent in top-level callbacks
 * (the main script included), like `performance.eventLoopUtilization()`.
 */
export function eventLoopUtilization(model: TraceModel): number[] {
  const busy = new Float64Array(model.threads.length);
  const first = model.threads.map((t) =>
    Number.isNaN(t.info.startNs) ? Infinity : t.info.startNs,
  );
  const last = model.threads.map((t) => t.endNs ?? -Infinity);
  for (let s = 0; s < model.spanCount; s++) {
    const t = model.spanThread.data[s];
    const start = model.spanStartNs.data[s];
    const end = model.spanEndNs.data[s];
    first[t] = Math.min(first[t], start);
    last[t] = Math.max(last[t], Number.isNaN(end) ? start : end);
    if (model.spanDepth.data[s] === 0 && !Number.isNaN(end)) {
      busy[t] += end - start;
    }
  }
  return model.threads.map((_, t) => {
    const life = last[t] - first[t];
    return life > 0 ? Math.min(1, busy[t] / life) : 0;
  });
}

/** Resource types that are handles or bookkeeping, not one pending operation. */
function isPendingOperation(type: string): boolean {
  if (type.startsWith('(') || type === 'PROMISE' || type === 'TickObject' || type === 'Microtask') {
    return false;
  }
  return !/^(TTYWRAP|PIPEWRAP|TCPWRAP|TCPSERVERWRAP|PIPESERVERWRAP|UDPWRAP|SIGNALWRAP|PROCESSWRAP|MESSAGEPORT|WORKER|STATWATCHER|FSEVENTWRAP|TIMERWRAP|HTTPPARSER|HTTPINCOMINGMESSAGE|JSSTREAM|ELDHISTOGRAM|Timeout\(unref\))$/.test(
    type,
  );
}

/**
 * Sweeps intervals given as their sorted starts and sorted ends, in time order; an end at the
 * same instant as a start counts first (back-to-back intervals do not overlap). Returns the
 * most alive at once, the time-integral of the number alive from `fromNs` (the first start by
 * default) to the last end, and the time with two or more alive.
 */
export function sweepIntervals(
  starts: Float64Array,
  ends: Float64Array,
  fromNs = starts[0],
): { peak: number; aliveNs: number; overlapNs: number } {
  let i = 0;
  let j = 0;
  let live = 0;
  let peak = 0;
  let aliveNs = 0;
  let overlapNs = 0;
  let prev = fromNs;
  while (i < starts.length || j < ends.length) {
    const isEnd = j < ends.length && (i >= starts.length || ends[j] <= starts[i]);
    const time = isEnd ? ends[j++] : starts[i++];
    aliveNs += live * (time - prev);
    if (live >= 2) {
      overlapNs += time - prev;
    }
    prev = time;
    live += isEnd ? -1 : 1;
    if (live > peak) {
      peak = live;
    }
  }
  return { peak, aliveNs, overlapNs };
}

/** The most operations that waited at once on an event loop, and for how long 2+ did. */
export interface WaitingOverlap {
  /** Index of the JS thread, -1 when none. */
  thread: number;
  peak: number;
  /** Time with two or more operations waiting at once, ns. */
  overlapNs: number;
}

/**
 * Per event loop, the operations waiting at the same time: each pending operation (timers,
 * immediates, fs, crypto, dns, connects, writes, requests; not handles, promises or ticks)
 * waits from its creation to its first callback. Returns the thread with the longest overlap.
 */
export function waitingOverlap(model: TraceModel): WaitingOverlap {
  const pendingType = model.types.map(isPendingOperation);
  const types = model.resType.data;
  const threadOf = model.resThread.data;
  const inits = model.resInitNs.data;
  const destroys = model.resDestroyNs.data;
  // Each pending operation waits over [created, first run), or until destroyed if never run.
  const waitEnd = (r: number): number => {
    const firstRunNs = model.firstRunNs(r);
    return firstRunNs === firstRunNs ? firstRunNs : destroys[r];
  };
  const waits = (r: number): boolean => pendingType[types[r]] && waitEnd(r) > inits[r];
  // Typed arrays of starts and ends per thread, counted first (a million operations).
  const count = new Int32Array(model.threads.length);
  for (let r = 0; r < model.resourceCount; r++) {
    if (waits(r)) {
      count[threadOf[r]]++;
    }
  }
  const starts = Array.from(count, (n) => new Float64Array(n));
  const ends = Array.from(count, (n) => new Float64Array(n));
  count.fill(0);
  for (let r = 0; r < model.resourceCount; r++) {
    if (waits(r)) {
      const t = threadOf[r];
      starts[t][count[t]] = inits[r];
      ends[t][count[t]++] = waitEnd(r);
    }
  }
  let best: WaitingOverlap = { thread: -1, peak: 0, overlapNs: 0 };
  starts.forEach((from, thread) => {
    const to = ends[thread];
    const { peak, overlapNs } = sweepIntervals(from.sort(), to.sort());
    if (overlapNs > best.overlapNs || (overlapNs === best.overlapNs && peak > best.peak)) {
      best = { thread, peak, overlapNs };
    }
  });
  return best;
}
