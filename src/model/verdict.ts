import { forBusyBuckets } from './busyBuckets';
import { machineCores, waitingOverlap, type WaitingOverlap } from './parallelism';
import type { TraceModel } from './traceModel';

/** Bucket for "cores busy at once": short enough to see two threads together. */
const PARALLEL_BUCKET_NS = 10e6;
/** Bucket of the peak cores busy (shorter buckets only measure scheduler jitter). */
const PEAK_BUCKET_NS = 50e6;
/** A bucket with at least this many cores busy counts as parallel... */
const PARALLEL_CORES = 1.5;
/** ...and one with at least this many as busy. */
const BUSY_CORES = 0.5;
/** Parallel needs this much parallel time... */
const PARALLEL_MIN_NS = 50e6;
/** ...and this share of the busy time (startup's brief overlap of V8 threads is not it). */
const PARALLEL_MIN_SHARE = 0.1;
/** Concurrent needs two operations waiting together for at least this long. */
const CONCURRENT_MIN_NS = 1e6;

/** The cores figures of a trace. */
export interface CoresFigures {
  /** Logical cores of the machine. */
  machine: number;
  /** Mean cores busy over the run (program start to end). */
  meanBusy: number;
  /** Most cores busy over any 50 ms. */
  peakBusy: number;
  /** Mean cores busy over the 10 ms buckets in which at least half a core was busy. */
  meanBusyWhileBusy: number;
  /** Time threads wanted a core and had none, summed over threads, ms. */
  runQueueWaitMs: number;
  /** Time with 1.5 cores or more busy, ms (10 ms buckets). */
  parallelMs: number;
  /** Time with half a core or more busy, ms. */
  busyMs: number;
  /** True when derived from JS callbacks, not from OS samples. */
  estimate: boolean;
}

/** The verdict a teacher can read out. */
export interface Verdict {
  kind: 'concurrent' | 'parallel' | 'both' | 'neither';
  text: string;
}

/** Cores figures over the whole run. */
export function coresFigures(model: TraceModel): CoresFigures {
  const machine = machineCores(model);
  const from = model.startNs;
  const to = model.endNs;
  if (!(to > from)) {
    return {
      machine,
      meanBusy: 0,
      peakBusy: 0,
      meanBusyWhileBusy: 0,
      runQueueWaitMs: 0,
      parallelMs: 0,
      busyMs: 0,
      estimate: model.os.sampleCount === 0 || !!model.os.info?.estimate,
    };
  }
  // Runs of busy buckets, never an array of them all: a run of days has millions.
  let parallelNs = 0;
  let busyNs = 0;
  let busySum = 0;
  let busyBuckets = 0;
  let coresSum = 0;
  const buckets = Math.max(1, Math.ceil((to - from) / PARALLEL_BUCKET_NS));
  forBusyBuckets(model, from, to, PARALLEL_BUCKET_NS, (first, count, cores) => {
    coresSum += cores * count;
    // The last bucket may be cut short by the end of the run.
    const width =
      count * PARALLEL_BUCKET_NS - Math.max(0, from + (first + count) * PARALLEL_BUCKET_NS - to);
    if (cores >= BUSY_CORES) {
      busyNs += width;
      busySum += cores * count;
      busyBuckets += count;
    }
    if (cores >= PARALLEL_CORES) {
      parallelNs += width;
    }
  });
  let peak = 0;
  forBusyBuckets(model, from, to, PEAK_BUCKET_NS, (_first, _count, cores) => {
    peak = Math.max(peak, cores);
  });
  const runNs = model.os.threads.reduce((n, t) => n + t.runNs, 0);
  const waitNs = model.os.threads.reduce((n, t) => n + t.waitNs, 0);
  const fromCallbacks = model.os.sampleCount === 0;
  const estimate = fromCallbacks || !!model.os.info?.estimate;
  return {
    machine,
    meanBusy: round2(fromCallbacks ? coresSum / buckets : runNs / (to - from)),
    peakBusy: round2(Math.min(machine, peak)),
    meanBusyWhileBusy: round2(busyBuckets ? busySum / busyBuckets : 0),
    runQueueWaitMs: round2(waitNs / 1e6),
    parallelMs: round2(parallelNs / 1e6),
    busyMs: round2(busyNs / 1e6),
    estimate,
  };
}

/**
 * The verdict. Concurrent: on some event loop, two or more pending operations (timers, I/O,
 * threadpool requests...; not promises, ticks or long-lived handles) waited at the same time
 * for at least 1 ms. Parallel: 1.5 cores or more were busy for at least 50 ms and at least 10%
 * of the busy time (10 ms buckets). The text gives the figures behind both halves.
 */
export function verdictOf(
  model: TraceModel,
  cores: CoresFigures,
  waiting: WaitingOverlap = waitingOverlap(model),
): Verdict {
  const concurrent = waiting.peak >= 2 && waiting.overlapNs >= CONCURRENT_MIN_NS;
  const parallel =
    cores.parallelMs * 1e6 >= PARALLEL_MIN_NS &&
    cores.parallelMs >= PARALLEL_MIN_SHARE * cores.busyMs;
  const kind = concurrent ? (parallel ? 'both' : 'concurrent') : parallel ? 'parallel' : 'neither';
  const where =
    waiting.thread >= 0
      ? ` on ${model.threads[waiting.thread].info.name} (pid ${model.threads[waiting.thread].info.pid})`
      : '';
  const concurrency = concurrent
    ? `up to ${waiting.peak} operations waited at once${where}, two or more for ${ms(waiting.overlapNs / 1e6)}`
    : waiting.peak < 2
      ? 'no two operations waited at the same time on any event loop'
      : `operations waited together for only ${ms(waiting.overlapNs / 1e6)}`;
  const est = !cores.estimate
    ? ''
    : model.os.sampleCount === 0
      ? ' (estimated from callbacks: no OS thread samples)'
      : " (estimated from the tracer's CPU readings: no OS thread sampling)";
  const share = cores.busyMs > 0 ? Math.round((100 * cores.parallelMs) / cores.busyMs) : 0;
  const parallelism = `${cores.meanBusyWhileBusy.toFixed(2)} of ${cores.machine} cores were busy on average while the program computed${est} (peak ${cores.peakBusy.toFixed(2)}), 1.5 or more for ${ms(cores.parallelMs)} (${share}% of its busy time)`;
  const head = {
    both: 'Concurrent and parallel',
    concurrent: 'Concurrent, not parallel',
    parallel: 'Parallel, not concurrent',
    neither: 'Neither concurrent nor parallel',
  }[kind];
  return { kind, text: `${head}: ${concurrency}; ${parallelism}.` };
}

function ms(x: number): string {
  return x >= 10 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
