import { firstAbove } from './bisect';
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
  /** Cores our threads wanted and had none in each bucket (run-queue wait), all kinds. */
  waiting: Float64Array;
  /**
   * Cores other processes kept busy in each bucket: the machine's busy cores (/proc/stat) less
   * ours, within 0 and the cores ours left free. All zero without machine samples.
   */
  other: Float64Array;
  /** True when the trace has machine samples (`other` is measured, not absent). */
  hasOther: boolean;
  /** True when derived from JS callbacks (no OS samples: another OS, an old trace). */
  estimate: boolean;
}

/** Adds `amount` spread evenly over [start, end) into buckets. */
export function spread(
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
  const waiting = new Float64Array(count);
  const other = new Float64Array(count);
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
      spread(waiting, fromNs, bucketNs, start, end, os.sampleWaitNs.data[s]);
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
  const hasOther = forMachineSamplesIn(model, fromNs, toNs, (start, end, busyNs) =>
    spread(other, fromNs, bucketNs, start, end, busyNs),
  );
  const machine = machineCores(model);
  for (let i = 0; i < count; i++) {
    other[i] = otherCores(other[i], total[i], machine);
  }
  return { startNs: fromNs, bucketNs, total, byKind, waiting, other, hasOther, estimate };
}

/**
 * Cores other processes kept busy, from the machine's busy cores and ours over the same
 * bucket: never below 0 (the two are read a little apart) nor above the cores ours left free.
 */
export function otherCores(machineBusy: number, ours: number, machine: number): number {
  return Math.max(0, Math.min(machineBusy, machine) - Math.min(ours, machine));
}

/** Calls `visit` for each machine sample overlapping [fromNs, toNs); false when there are none. */
export function forMachineSamplesIn(
  model: TraceModel,
  fromNs: number,
  toNs: number,
  visit: (startNs: number, endNs: number, busyNs: number) => void,
): boolean {
  const os = model.os;
  const n = os.machineEndNs.length;
  const ends = os.machineEndNs.data;
  // Ends increase (the store drops any out of order): the first end past `fromNs`.
  for (let m = firstAbove(ends, 0, n, fromNs); m < n && os.machineStartNs.data[m] < toNs; m++) {
    visit(os.machineStartNs.data[m], ends[m], os.machineBusyNs.data[m]);
  }
  return n > 0;
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

/** How a callback's thread spent its wall time: on a CPU, waiting for one, ns. */
export interface SpanCpu {
  runNs: number;
  waitNs: number;
}

/**
 * Time the OS thread of span `s`'s JS thread was on a CPU and waited for one over the span,
 * from the samples that overlap it (each prorated by its overlap: a sample holds a period's
 * totals, not when in the period). Undefined when that thread has no sampled OS thread.
 */
export function spanCpu(model: TraceModel, s: number): SpanCpu | undefined {
  const t = model.spanThread.data[s];
  const startNs = model.spanStartNs.data[s];
  const endNs = model.spanEndNs.data[s];
  const classes = osThreadClasses(model);
  const rows = new Set<number>();
  classes.forEach((c, i) => c.jsThread === t && rows.add(i));
  if (rows.size === 0 || !(endNs > startNs)) {
    return undefined;
  }
  const os = model.os;
  let runNs = 0;
  let waitNs = 0;
  forSamplesIn(model, startNs, endNs, (k) => {
    if (!rows.has(os.sampleThread.data[k])) {
      return;
    }
    const from = os.sampleStartNs.data[k];
    const to = os.sampleEndNs.data[k];
    const share = to > from ? (Math.min(to, endNs) - Math.max(from, startNs)) / (to - from) : 0;
    runNs += os.sampleRunNs.data[k] * share;
    waitNs += os.sampleWaitNs.data[k] * share;
  });
  // Never more than the span: run and wait share its wall time.
  const wallNs = endNs - startNs;
  runNs = Math.min(runNs, wallNs);
  return { runNs, waitNs: Math.min(waitNs, wallNs - runNs) };
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
