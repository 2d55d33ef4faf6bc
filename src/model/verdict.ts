import { forBusyBuckets } from './busyBuckets';
import { machineCores, waitingOverlap, type WaitingOverlap } from './parallelism';
import { OS_THREAD_KINDS, type OsThreadKind } from './threadKinds';
import { osThreadClasses } from './timeIndex';
import type { TraceModel } from './traceModel';

/**
 * The one bucket of every cores figure: short enough to see two threads together. Means,
 * peaks and shares all come from these buckets (a peak over 50 ms beside a mean over 10 ms
 * buckets was below it: "0.79 on average (peak 0.43)").
 */
const BUCKET_NS = 10e6;
/** A bucket with at least this many cores busy counts as parallel... */
const PARALLEL_CORES = 1.5;
/**
 * ...and one in which the program wanted at least this many cores (ran or waited for one) as
 * one in which it computed: a starved program computes while it waits for a core.
 */
const BUSY_CORES = 0.5;
/** Parallel needs this much parallel time... */
const PARALLEL_MIN_NS = 50e6;
/** ...and this share of the busy time (startup's brief overlap of V8 threads is not it). */
const PARALLEL_MIN_SHARE = 0.1;
/** Concurrent needs two operations waiting together for at least this long. */
const CONCURRENT_MIN_NS = 1e6;
/** Starved: a thread waited this long for a core... */
const STARVED_MIN_NS = 50e6;
/** ...this share of the time it could run (ran or waited)... */
const STARVED_MIN_SHARE = 0.25;
/** ...while other processes kept at least this share of the cores busy as it computed. */
const STARVED_OTHER_SHARE = 0.25;

/** A thread of ours that waited for a core while other processes held them. */
export interface Starvation {
  /** The OS thread, as the OS threads list names it (e.g. 'main', 'libuv threadpool'). */
  thread: string;
  pid: number;
  tid: number;
  /** Its run-queue wait and its CPU time over the run, ms. */
  runQueueWaitMs: number;
  cpuMs: number;
  /** Its wait's share of the time it could run (run + wait), 0..1. */
  waitShare: number;
  /** Cores other processes kept busy on average while the program computed. */
  otherBusyWhileBusy: number;
}

/** The cores figures of a trace: every one from the same 10 ms buckets. */
export interface CoresFigures {
  /** Logical cores of the machine. */
  machine: number;
  /** Mean cores busy over the run (program start to end). */
  meanBusy: number;
  /** Most cores busy in any 10 ms bucket (never below a mean). */
  peakBusy: number;
  /**
   * Mean cores busy over the buckets in which the program computed: in which its threads
   * wanted half a core or more (ran or waited for one).
   */
  meanBusyWhileBusy: number;
  /** Time threads wanted a core and had none, summed over threads, ms. */
  runQueueWaitMs: number;
  /** Time with 1.5 cores or more busy, ms. */
  parallelMs: number;
  /** Time in which the program computed (see meanBusyWhileBusy), ms. */
  busyMs: number;
  /** True when derived from JS callbacks, not from OS samples. */
  estimate: boolean;
  /** Cores other processes kept busy on average over the run (0 when not measured). */
  otherBusyMean: number;
  /** Most cores other processes kept busy in any bucket. */
  otherBusyPeak: number;
  /** Mean cores other processes kept busy over the buckets in which the program computed. */
  otherBusyWhileBusy: number;
  /** True when the trace has the machine's busy time (/proc/stat): the other* figures hold. */
  otherMeasured: boolean;
  /** The thread most starved of CPU by other processes, when one was. */
  starvation?: Starvation;
  /**
   * CPU time of the OS threads of each kind over the run, ms (all 0 without OS samples): the
   * program's own (main, worker, libuv, native) beside the runtime's helpers (v8, other).
   */
  cpuMsByKind: Record<OsThreadKind, number>;
}

/** Thread kinds that are the runtime's helpers, not parallelism the program asked for. */
const HELPER_KINDS: ReadonlySet<OsThreadKind> = new Set<OsThreadKind>(['v8', 'other']);

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
  const estimate = model.os.sampleCount === 0 || !!model.os.info?.estimate;
  const otherMeasured = model.os.machineEndNs.length > 0;
  const waitNs = model.os.threads.reduce((n, t) => n + t.waitNs, 0);
  const cpuMsByKind = cpuByKind(model);
  if (!(to > from)) {
    return {
      machine,
      meanBusy: 0,
      peakBusy: 0,
      meanBusyWhileBusy: 0,
      runQueueWaitMs: round2(waitNs / 1e6),
      parallelMs: 0,
      busyMs: 0,
      estimate,
      otherBusyMean: 0,
      otherBusyPeak: 0,
      otherBusyWhileBusy: 0,
      otherMeasured,
      cpuMsByKind,
    };
  }
  // Runs of buckets, never an array of them all: a run of days has millions. Each bucket's
  // cores are capped at the machine's (samples read a little late can add up past it).
  let parallelNs = 0;
  let busyNs = 0;
  let busySum = 0;
  let otherWhileBusySum = 0;
  let busyBuckets = 0;
  let coresSum = 0;
  let otherSum = 0;
  let peak = 0;
  let otherPeak = 0;
  const buckets = Math.max(1, Math.ceil((to - from) / BUCKET_NS));
  forBusyBuckets(model, from, to, BUCKET_NS, (first, count, rawCores, waiting, other) => {
    const cores = Math.min(machine, rawCores);
    coresSum += cores * count;
    otherSum += other * count;
    peak = Math.max(peak, cores);
    otherPeak = Math.max(otherPeak, other);
    // The last bucket may be cut short by the end of the run.
    const width = count * BUCKET_NS - Math.max(0, from + (first + count) * BUCKET_NS - to);
    if (cores + waiting >= BUSY_CORES) {
      busyNs += width;
      busySum += cores * count;
      otherWhileBusySum += other * count;
      busyBuckets += count;
    }
    if (cores >= PARALLEL_CORES) {
      parallelNs += width;
    }
  });
  const otherBusyWhileBusy = busyBuckets ? otherWhileBusySum / busyBuckets : 0;
  return {
    machine,
    meanBusy: round2(coresSum / buckets),
    peakBusy: round2(peak),
    meanBusyWhileBusy: round2(busyBuckets ? busySum / busyBuckets : 0),
    runQueueWaitMs: round2(waitNs / 1e6),
    parallelMs: round2(parallelNs / 1e6),
    busyMs: round2(busyNs / 1e6),
    estimate,
    otherBusyMean: round2(otherSum / buckets),
    otherBusyPeak: round2(otherPeak),
    otherBusyWhileBusy: round2(otherBusyWhileBusy),
    otherMeasured,
    ...starvationOf(model, machine, otherMeasured ? otherBusyWhileBusy : 0),
    cpuMsByKind,
  };
}

/** CPU time per OS-thread kind, ms (OS samples only: 0 everywhere without them). */
function cpuByKind(model: TraceModel): Record<OsThreadKind, number> {
  const out = Object.fromEntries(OS_THREAD_KINDS.map((k) => [k, 0])) as Record<
    OsThreadKind,
    number
  >;
  if (model.os.threads.length === 0) {
    return out;
  }
  const classes = osThreadClasses(model);
  model.os.threads.forEach((row, i) => {
    out[classes[i].kind] += row.runNs / 1e6;
  });
  for (const k of OS_THREAD_KINDS) {
    out[k] = round2(out[k]);
  }
  return out;
}

/**
 * Parallel time and computing time of the program's own threads only (not V8's helpers nor
 * the inspector's), ms, from the same 10 ms buckets as coresFigures, kept sparse (only buckets
 * a sample reaches). Undefined without OS samples: then only JS threads count anyway.
 */
function ownParallelism(
  model: TraceModel,
  machine: number,
): { parallelMs: number; busyMs: number } | undefined {
  const os = model.os;
  const from = model.startNs;
  const to = model.endNs;
  if (os.sampleCount === 0 || !(to > from)) {
    return undefined;
  }
  const classes = osThreadClasses(model);
  const own = classes.map((c) => !HELPER_KINDS.has(c.kind));
  const count = Math.max(1, Math.ceil((to - from) / BUCKET_NS));
  const run = new Map<number, number>();
  const wait = new Map<number, number>();
  const spread = (into: Map<number, number>, start: number, end: number, amountNs: number) => {
    const first = Math.max(0, Math.floor((start - from) / BUCKET_NS));
    const last = Math.min(count - 1, Math.floor((end - from) / BUCKET_NS));
    // A sample spans a sampler period; one over many buckets is corrupt: spread it no further.
    if (!(end > start) || amountNs <= 0 || last - first > MAX_SAMPLE_BUCKETS) {
      return;
    }
    const rate = amountNs / (end - start);
    for (let b = first; b <= last; b++) {
      const s = Math.max(start, from + b * BUCKET_NS);
      const e = Math.min(end, from + (b + 1) * BUCKET_NS);
      if (e > s) {
        into.set(b, (into.get(b) ?? 0) + (rate * (e - s)) / BUCKET_NS);
      }
    }
  };
  for (let s = 0; s < os.sampleCount; s++) {
    if (own[os.sampleThread.data[s]]) {
      const start = os.sampleStartNs.data[s];
      const end = os.sampleEndNs.data[s];
      spread(run, start, end, os.sampleRunNs.data[s]);
      spread(wait, start, end, os.sampleWaitNs.data[s]);
    }
  }
  let parallelNs = 0;
  let busyNs = 0;
  for (const b of new Set([...run.keys(), ...wait.keys()])) {
    const cores = Math.min(machine, run.get(b) ?? 0);
    const width = Math.min(BUCKET_NS, to - (from + b * BUCKET_NS));
    if (cores + (wait.get(b) ?? 0) >= BUSY_CORES) {
      busyNs += width;
    }
    if (cores >= PARALLEL_CORES) {
      parallelNs += width;
    }
  }
  return { parallelMs: parallelNs / 1e6, busyMs: busyNs / 1e6 };
}

/** Buckets one sample may spread over (a sampler period is a few ms; 10 s is corrupt). */
const MAX_SAMPLE_BUCKETS = 1000;

/** True when parallel time meets the verdict's bar: 50 ms and 10% of the computing time. */
function isParallel(parallelMs: number, busyMs: number): boolean {
  return parallelMs * 1e6 >= PARALLEL_MIN_NS && parallelMs >= PARALLEL_MIN_SHARE * busyMs;
}

/**
 * The verdict's words on the program's own parallelism and the runtime's helpers: what ran
 * beside what (JS threads, libuv's pool, native threads, child processes), and the CPU V8's
 * helper threads used, which is not parallelism the program asked for.
 */
function ownCodeText(model: TraceModel, cores: CoresFigures, ownParallel: boolean): string {
  const byKind = cores.cpuMsByKind;
  const jsThreads = model.threads.filter((t) => t.info.kind === 'main' || t.info.kind === 'worker');
  const pids = new Set([
    ...jsThreads.map((t) => t.info.pid),
    ...model.os.threads.map((t) => t.pid),
  ]);
  const workers = jsThreads.filter((t) => t.info.kind === 'worker').length;
  const parts = [
    jsThreads.length === 1
      ? 'one JavaScript thread'
      : `${jsThreads.length} JavaScript threads${workers ? ` (${workers} of them workers)` : ''}`,
  ];
  if (pids.size > 1) {
    parts.push(`${pids.size} processes`);
  }
  if (byKind.libuv >= OWN_MIN_MS) {
    parts.push(`libuv's threadpool ${cpuTime(byKind.libuv)} of CPU`);
  }
  if (byKind.native >= OWN_MIN_MS) {
    parts.push(`native addon threads ${cpuTime(byKind.native)} of CPU`);
  }
  const own = `${ownParallel ? 'parallel' : 'not parallel'} in your code: ${parts.join(', ')}`;
  const helperMs = byKind.v8 + byKind.other;
  const helpers =
    helperMs >= OWN_MIN_MS
      ? `; V8's helper threads (garbage collection, compilation) used ${cpuTime(helperMs)} of CPU beside it`
      : '';
  return `${own}${helpers}`;
}

/** CPU a kind must have used to be mentioned in the verdict, ms. */
const OWN_MIN_MS = 10;

/**
 * The thread of ours that waited longest for a core, when it waited at least 50 ms and a
 * quarter of the time it could run while other processes held a quarter of the cores or more
 * as the program computed. Our own threads crowding the cores (more workers than cores) is
 * not starvation: other processes must have held them.
 */
function starvationOf(
  model: TraceModel,
  machine: number,
  otherBusyWhileBusy: number,
): { starvation?: Starvation } {
  if (otherBusyWhileBusy < STARVED_OTHER_SHARE * machine) {
    return {};
  }
  let best = -1;
  model.os.threads.forEach((row, i) => {
    if (best < 0 || row.waitNs > model.os.threads[best].waitNs) {
      best = i;
    }
  });
  const row = model.os.threads[best];
  if (!row || row.waitNs < STARVED_MIN_NS) {
    return {};
  }
  const waitShare = row.waitNs / (row.waitNs + row.runNs);
  if (waitShare < STARVED_MIN_SHARE) {
    return {};
  }
  return {
    starvation: {
      thread: osThreadClasses(model)[best]?.label ?? row.name,
      pid: row.pid,
      tid: row.tid,
      runQueueWaitMs: round2(row.waitNs / 1e6),
      cpuMs: round2(row.runNs / 1e6),
      waitShare: round2(waitShare),
      otherBusyWhileBusy: round2(otherBusyWhileBusy),
    },
  };
}

/** The starvation finding in words, for the verdict, the summary and the panel. */
export function starvationText(s: Starvation, machine: number): string {
  return `${s.thread} (tid ${s.tid}) waited ${ms(s.runQueueWaitMs)} for a CPU (${Math.round(100 * s.waitShare)}% of the time it could run; it ran ${ms(s.cpuMs)}) while other processes kept ${s.otherBusyWhileBusy.toFixed(1)} of ${machine} cores busy: timings in this trace are stretched`;
}

/**
 * The verdict. Concurrent: on some event loop, two or more pending operations (timers, I/O,
 * threadpool requests...; not promises, ticks or long-lived handles) waited at the same time
 * for at least 1 ms. Parallel: 1.5 cores or more were busy for at least 50 ms and at least 10%
 * of the busy time (10 ms buckets). Starved: see starvationOf. The text gives the figures behind both halves,
 * and says when events were dropped (the figures then cover only what was recorded).
 */
export function verdictOf(
  model: TraceModel,
  cores: CoresFigures,
  waiting: WaitingOverlap = waitingOverlap(model),
): Verdict {
  const concurrent = waiting.peak >= 2 && waiting.overlapNs >= CONCURRENT_MIN_NS;
  // Parallel in the program's own code: V8's helpers beside one JS thread are not (tsc keeps
  // 1.5 cores busy with garbage collection and compilation while its code runs on one).
  const own = ownParallelism(model, cores.machine);
  const parallel = own
    ? isParallel(own.parallelMs, own.busyMs)
    : isParallel(cores.parallelMs, cores.busyMs);
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
  const starved = cores.starvation
    ? ` Starved of CPU: ${starvationText(cores.starvation, cores.machine)}.`
    : '';
  let droppedEvents = 0;
  for (const thread of model.threads) {
    droppedEvents += thread.dropped;
  }
  const partial = droppedEvents
    ? ` Only part of the run was recorded: ${droppedEvents} events were not (the trace reached its size cap), so these figures cover the recorded part.`
    : '';
  const ring = model.ringWindowNs
    ? ` ${flightRecorderText(model)}: every figure covers that window.`
    : '';
  const ownText = model.os.sampleCount > 0 ? `; ${ownCodeText(model, cores, parallel)}` : '';
  return {
    kind,
    text: `${head}: ${concurrency}; ${parallelism}${ownText}.${starved}${partial}${ring}`,
  };
}

/** CPU time for people: ms below a second, else seconds ("2.4 s"). */
function cpuTime(xMs: number): string {
  return xMs >= 1000 ? `${(xMs / 1000).toFixed(1)} s` : ms(xMs);
}

function ms(x: number): string {
  return x >= 10 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** What a flight recording holds, for people: "Flight recorder: the last 12.0 s were kept ...". */
export function flightRecorderText(model: TraceModel): string {
  const heldS = flightRecorderHeldNs(model) / 1e9;
  return `Flight recorder: the last ${heldS.toFixed(1)} s were kept (a window of ${(model.ringWindowNs / 1e9).toFixed(1)} s); earlier events were discarded`;
}

/** The span a flight recording holds for every thread: from the latest stream's first kept event. */
export function flightRecorderHeldNs(model: TraceModel): number {
  const from = Number.isFinite(model.discardedBeforeNs) ? model.discardedBeforeNs : model.startNs;
  return Math.max(0, model.endNs - from);
}
