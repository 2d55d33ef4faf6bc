// summarize() and the sweeps behind its in-flight figures: one pass per figure over columns of
// millions of rows; its size is those passes, kept beside the one interface they fill.
import {
  delayedBySpan,
  summaryFindings,
  type SummaryDelayed,
  type SummaryFinding,
} from './insights/summaryFields';
import { eventLoopUtilization, osThreadUsage, spanCpu, sweepIntervals } from './parallelism';
import { processesOf, type ProcessSummary } from './processes';
import { spanHotFunctions, stacksSummary, type HotFunction, type SummaryStacks } from './stacks';
import { SYNTHETIC_TYPES, type TraceModel } from './traceModel';
import {
  coresFigures,
  flightRecorderHeldNs,
  verdictOf,
  type CoresFigures,
  type Verdict,
} from './verdict';

/** One thread as `summary --json` lists it. */
export interface SummaryThread {
  pid: number;
  threadId: number;
  osTid: number;
  name: string;
  kind: 'main' | 'worker';
  /** Callbacks that ran on it. */
  callbacks: number;
  /** Max async operations in flight at once on this event loop. */
  peakInFlight: number;
  /** Time-weighted mean of async operations in flight over the thread's life. */
  meanInFlight: number;
  /** Share of its life its event loop spent running callbacks (0..1). */
  eventLoopUtilization: number;
  /** CPU time of its OS thread (sampler), ms; absent without samples. */
  cpuMs?: number;
  /** How it ended; absent when the trace was cut (SIGKILL, abort, lost process). */
  end?: { reason: string; exitCode?: number; signal?: string };
}

/** One long callback. */
export interface SummaryCallback {
  durationMs: number;
  type: string;
  thread: string;
  file?: string;
  line?: number;
  column?: number;
  /** Its hottest functions from the sampled stacks, by self time (absent without stacks). */
  hot?: HotFunction[];
}

/**
 * What `concurrency-visualizer summary --json` prints: a stable interface for scripts and CI.
 * Fields are only ever added, never renamed or removed.
 */
export interface TraceSummary {
  program: {
    command: string;
    exitCode: number | null;
    signal: string | null;
    nodeVersion: string;
    platform: string;
    cores: number;
  };
  threads: SummaryThread[];
  operationsByType: Record<string, number>;
  callbacks: number;
  peakInFlight: {
    overall: number;
    perThread: Array<{ pid: number; threadId: number; peak: number }>;
  };
  eventsRecorded: number;
  eventsDropped: number;
  /** Flight recordings: the window asked for and the span held, s (earlier events discarded). */
  flightRecorder?: { windowSeconds: number; heldSeconds: number };
  callsiteCoverage: number;
  callsiteInferred: number;
  longestCallbacks: SummaryCallback[];
  truncated: boolean;
  /** Cores busy over the run (OS samples; from callbacks, marked estimate, without them). */
  cores: CoresFigures;
  /** Every OS thread of the traced processes, with what it is and its CPU. */
  osThreads: SummaryOsThread[];
  /** Event-loop utilization of each JS thread. */
  eventLoopUtilization: Array<{ pid: number; threadId: number; name: string; utilization: number }>;
  /** The longest top-level callbacks of 10 ms or more, with their creation sites. */
  blocking: SummaryBlocking[];
  /** Concurrent, parallel, both or neither, with the figures that justify it. */
  verdict: Verdict;
  /** What the trace proves about the program (blocking, sequential awaits...), warnings first. */
  findings: SummaryFinding[];
  /** What the sampler could do and what it cost. */
  sampler: SummarySampler;
  /** Every process: pid, parent, short command line, how it ended. */
  processes: ProcessSummary[];
  /** Why the trace could not be read to its end, if it could not. */
  error?: string;
  /** Sampled JavaScript stacks: which threads, or why not (absent: recorded without them). */
  stacks?: SummaryStacks;
}

/** One OS thread as `summary --json` lists it. */
export interface SummaryOsThread {
  pid: number;
  tid: number;
  /** Its OS name (comm). */
  name: string;
  /** main, worker, libuv, v8, other or unknown. */
  kind: string;
  /** How the kind is known: trace, pid, name, activity or none. */
  basis: string;
  /** For people, e.g. 'libuv threadpool' or 'unknown ("node")'. */
  label: string;
  /** Node's threadId of its JS thread, if it is one. */
  threadId?: number;
  cpuMs: number;
  runQueueWaitMs: number;
}

/** A callback that blocked its event loop. */
export interface SummaryBlocking {
  durationMs: number;
  type: string;
  thread: string;
  file?: string;
  line?: number;
  column?: number;
  /** Of its wall time, how much its OS thread was on a CPU, ms (absent without samples). */
  cpuMs?: number;
  /** ...and how much it waited for a core (run-queue wait), ms. */
  runQueueMs?: number;
  /** Its hottest functions from the sampled stacks, by self time (absent without stacks). */
  hot?: HotFunction[];
  /** The operations that became ready while it ran and had to wait (see src/model/insights). */
  delayed: SummaryDelayed;
}

/** The sampler's figures. */
export interface SummarySampler {
  /** True when OS threads were sampled. */
  available: boolean;
  /** True when thread and core figures are estimates. */
  estimate: boolean;
  reason?: string;
  intervalMs: number;
  samples: number;
  /** The sampler's own CPU over the run, in % of one core. */
  cpuPercentOfOneCore: number;
  /** The whole host process's CPU (CLI or extension host) over the run, in % of one core. */
  hostCpuPercentOfOneCore: number;
}

/** A top-level callback this long blocks its event loop noticeably. */
const BLOCKING_MS = 10;

/**
 * Computes the summary of a decoded trace. An operation is in flight from its creation until
 * it is destroyed, or for a promise until it is resolved (its destroy waits for the garbage
 * collector); one never ended is in flight until its thread's last event.
 */
export function summarize(model: TraceModel, decodeError?: string, topN = 10): TraceSummary {
  const pids = new Set(model.threads.map((t) => t.info.pid));
  const root =
    model.threads.find((t) => t.info.kind === 'main' && !pids.has(t.info.parentPid)) ??
    model.threads[0];
  const operationsByType: Record<string, number> = {};
  let nonPromise = 0;
  let located = 0;
  let inferred = 0;
  const lastNs = model.threads.map((t) => t.endNs ?? -Infinity);
  for (let s = 0; s < model.spanCount; s++) {
    const t = model.spanThread.data[s];
    const end = model.spanEndNs.data[s];
    lastNs[t] = Math.max(lastNs[t], Number.isNaN(end) ? model.spanStartNs.data[s] : end);
  }
  // In-flight intervals, per thread: starts and ends in typed arrays, sorted natively.
  const starts = model.threads.map(() => f64Builder());
  const ends = model.threads.map(() => f64Builder());
  // Per interned type, not per operation (a million of them): what kind of type it is.
  const synthetic = model.types.map((type) => SYNTHETIC_TYPES.has(type));
  const promise = model.types.map((type) => type === 'PROMISE');
  const countOfType = new Array<number>(model.types.length).fill(0);
  for (let r = 0; r < model.resourceCount; r++) {
    const typeIndex = model.resType.data[r];
    if (synthetic[typeIndex]) {
      continue;
    }
    countOfType[typeIndex]++;
    const isPromise = promise[typeIndex];
    if (!isPromise) {
      nonPromise++;
      const loc = model.locationOf(r);
      if (loc) {
        located++;
        if (loc.inferred) {
          inferred++;
        }
      }
    }
    const thread = model.resThread.data[r];
    const start = model.resInitNs.data[r];
    const destroy = model.resDestroyNs.data[r];
    const resolve = model.resolveNsOf(r);
    let end = isPromise && !Number.isNaN(resolve) ? resolve : destroy;
    if (Number.isNaN(end)) {
      end = Math.max(start, lastNs[thread]);
    }
    starts[thread].push(start);
    ends[thread].push(end);
  }
  model.types.forEach((type, i) => {
    if (countOfType[i] > 0) {
      operationsByType[type] = (operationsByType[type] ?? 0) + countOfType[i];
    }
  });
  const sortedStarts = starts.map((b) => b.sorted());
  const sortedEnds = ends.map((b) => b.sorted());
  const perThread = model.threads.map((t, i) =>
    sweepInFlight(sortedStarts[i], sortedEnds[i], t.info.startNs, lastNs[i]),
  );
  const perThreadPeak = perThread.map((p) => p.peak);
  const perThreadMean = perThread.map((p) => round3(p.mean));
  const overall = peakInFlight(sortedStarts, sortedEnds, model.resourceCount);

  const threadName = (i: number): string => {
    const t = model.threads[i];
    return `${t.info.name} (pid ${t.info.pid}, thread ${t.info.threadId})`;
  };
  /** A span as the summary lists it: duration, type, thread and creation site. */
  const callbackOf = (s: number): SummaryCallback => {
    const res = model.spanRes.data[s];
    const loc = model.locationOf(res);
    return {
      durationMs: round3((model.spanEndNs.data[s] - model.spanStartNs.data[s]) / 1e6),
      type: model.typeOf(res),
      thread: threadName(model.spanThread.data[s]),
      ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
      ...withHot(spanHotFunctions(model, s)),
    };
  };
  const longestCallbacks = longestSpans(model, topN).map(callbackOf);

  const usage = osThreadUsage(model);
  const elu = eventLoopUtilization(model);
  const cpuOfJs = new Map(usage.filter((u) => u.jsThread >= 0).map((u) => [u.jsThread, u.cpuNs]));
  const delayed = delayedBySpan(model, BLOCKING_MS * 1e6);
  const blocking: SummaryBlocking[] = longestSpans(model, topN, {
    minNs: BLOCKING_MS * 1e6,
    topLevelOnly: true,
  }).map((s) => {
    const cpu = model.os.sampleCount > 0 ? spanCpu(model, s) : undefined;
    return {
      ...callbackOf(s),
      ...(cpu ? { cpuMs: round3(cpu.runNs / 1e6), runQueueMs: round3(cpu.waitNs / 1e6) } : {}),
      delayed: delayed(s),
    };
  });
  const cores = coresFigures(model);
  const si = model.os.info;
  const sampledNs = si?.wallNs ?? 0;
  const sampler: SummarySampler = {
    available: si?.available ?? false,
    estimate: si ? si.estimate : true,
    ...(si?.reason
      ? { reason: si.reason }
      : !si
        ? { reason: 'the trace has no sampler stream' }
        : {}),
    intervalMs: si ? si.intervalNs / 1e6 : 0,
    samples: si?.samples ?? 0,
    cpuPercentOfOneCore: sampledNs > 0 ? round3((100 * si!.busyNs) / sampledNs) : 0,
    hostCpuPercentOfOneCore: sampledNs > 0 ? round3((100 * si!.hostCpuNs) / sampledNs) : 0,
  };

  const rootEnd = root?.end;
  return {
    program: {
      command: root ? root.info.argv.join(' ') : '',
      exitCode: rootEnd?.exitCode ?? null,
      signal: rootEnd?.signal ?? null,
      nodeVersion: root?.info.nodeVersion ?? '',
      platform: root?.info.platform ?? '',
      cores: root?.info.cores ?? 0,
    },
    threads: model.threads.map((t, i) => ({
      pid: t.info.pid,
      threadId: t.info.threadId,
      osTid: t.info.osTid,
      name: t.info.name,
      kind: t.info.kind,
      callbacks: t.spanCount,
      peakInFlight: perThreadPeak[i],
      meanInFlight: perThreadMean[i],
      eventLoopUtilization: round3(elu[i]),
      ...(cpuOfJs.has(i) ? { cpuMs: round3(cpuOfJs.get(i)! / 1e6) } : {}),
      ...(t.end ? { end: t.end } : {}),
    })),
    operationsByType,
    callbacks: model.spanCount,
    peakInFlight: {
      overall,
      perThread: model.threads.map((t, i) => ({
        pid: t.info.pid,
        threadId: t.info.threadId,
        peak: perThreadPeak[i],
      })),
    },
    eventsRecorded: model.eventCount,
    eventsDropped: model.threads.reduce((n, t) => n + t.dropped, 0),
    ...(model.ringWindowNs
      ? {
          flightRecorder: {
            windowSeconds: round3(model.ringWindowNs / 1e9),
            heldSeconds: round3(flightRecorderHeldNs(model) / 1e9),
          },
        }
      : {}),
    callsiteCoverage: nonPromise ? round3(located / nonPromise) : 1,
    callsiteInferred: nonPromise ? round3(inferred / nonPromise) : 0,
    longestCallbacks,
    truncated: decodeError !== undefined || model.threads.some((t) => !t.end),
    cores,
    osThreads: usage.map((u) => ({
      pid: u.pid,
      tid: u.tid,
      name: u.name,
      kind: u.kind,
      basis: u.basis,
      label: u.label,
      ...(u.jsThread >= 0 ? { threadId: model.threads[u.jsThread].info.threadId } : {}),
      cpuMs: round3(u.cpuNs / 1e6),
      runQueueWaitMs: round3(u.waitNs / 1e6),
    })),
    eventLoopUtilization: model.threads.map((t, i) => ({
      pid: t.info.pid,
      threadId: t.info.threadId,
      name: t.info.name,
      utilization: round3(elu[i]),
    })),
    blocking,
    verdict: verdictOf(model, cores),
    findings: summaryFindings(model, cores),
    sampler,
    processes: processesOf(model),
    ...(decodeError !== undefined ? { error: decodeError } : {}),
    ...withStacks(stacksSummary(model)),
  };
}

/** A growable Float64Array. */
function f64Builder(): { push(x: number): void; sorted(): Float64Array } {
  let data = new Float64Array(64);
  let n = 0;
  return {
    push(x: number) {
      if (n === data.length) {
        const grown = new Float64Array(n * 2);
        grown.set(data);
        data = grown;
      }
      data[n++] = x;
    },
    sorted() {
      return data.subarray(0, n).sort();
    },
  };
}

/**
 * Peak number of intervals alive at once over all threads, from each thread's sorted starts
 * and ends. A few threads are swept together, picking the earliest head (no new arrays); many
 * are sorted together and swept once, O(n log n): picking among 120k heads per step took
 * O(threads x n), 20 s and more. An end at the same instant as a start counts first.
 */
function peakInFlight(starts: Float64Array[], ends: Float64Array[], total: number): number {
  if (starts.length <= FEW_THREADS) {
    return peakOfHeads(starts, ends);
  }
  const allStarts = new Float64Array(total);
  const allEnds = new Float64Array(total);
  let n = 0;
  for (let t = 0; t < starts.length; t++) {
    allStarts.set(starts[t], n);
    allEnds.set(ends[t], n);
    n += starts[t].length;
  }
  return n
    ? sweepIntervals(allStarts.subarray(0, n).sort(), allEnds.subarray(0, n).sort()).peak
    : 0;
}

/** Threads whose heads peakInFlight scans at each step (faster than a sort for a few). */
const FEW_THREADS = 16;

/** peakInFlight for a few threads: the earliest of their heads at each step. */
function peakOfHeads(starts: Float64Array[], ends: Float64Array[]): number {
  const k = starts.length;
  if (k === 0) {
    return 0;
  }
  const nextStart = new Int32Array(k);
  const nextEnd = new Int32Array(k);
  // The next start and end of each thread, side by side (Infinity once a list is done).
  const startHead = new Float64Array(k);
  const endHead = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    startHead[t] = starts[t].length ? starts[t][0] : Infinity;
    endHead[t] = ends[t].length ? ends[t][0] : Infinity;
  }
  let live = 0;
  let peak = 0;
  for (;;) {
    let startOf = 0;
    let endOf = 0;
    for (let t = 1; t < k; t++) {
      if (startHead[t] < startHead[startOf]) {
        startOf = t;
      }
      if (endHead[t] < endHead[endOf]) {
        endOf = t;
      }
    }
    const start = startHead[startOf];
    const end = endHead[endOf];
    if (end !== Infinity && end <= start) {
      const next = ++nextEnd[endOf];
      endHead[endOf] = next < ends[endOf].length ? ends[endOf][next] : Infinity;
      live--;
    } else if (start !== Infinity) {
      const next = ++nextStart[startOf];
      startHead[startOf] = next < starts[startOf].length ? starts[startOf][next] : Infinity;
      if (++live > peak) {
        peak = live;
      }
    } else {
      return peak;
    }
  }
}

/**
 * Peak and time-averaged number of intervals alive, from their sorted starts and ends. An end
 * at the same instant as a start counts first: back-to-back operations do not overlap. The
 * mean is over [min(startNs, first start), max(lastNs, last end)].
 */
function sweepInFlight(
  starts: Float64Array,
  ends: Float64Array,
  startNs: number,
  lastNs: number,
): { peak: number; mean: number } {
  if (starts.length === 0) {
    return { peak: 0, mean: 0 };
  }
  const from = Number.isNaN(startNs) ? starts[0] : Math.min(startNs, starts[0]);
  const to = Math.max(lastNs, ends[ends.length - 1]);
  const { peak, aliveNs } = sweepIntervals(starts, ends, from);
  return { peak, mean: to > from ? aliveNs / (to - from) : 0 };
}

/**
 * The `topN` longest finished spans (at least `minNs`, top-level only if asked), longest
 * first and in trace order among equals, without sorting them all.
 */
function longestSpans(
  model: TraceModel,
  topN: number,
  only: { minNs?: number; topLevelOnly?: boolean } = {},
): number[] {
  const top: number[] = [];
  const minNs = only.minNs ?? -Infinity;
  const duration = (s: number): number => model.spanEndNs.data[s] - model.spanStartNs.data[s];
  for (let s = 0; s < model.spanCount; s++) {
    const d = duration(s);
    if (
      Number.isNaN(d) ||
      d < minNs ||
      (only.topLevelOnly && model.spanDepth.data[s] !== 0) ||
      (top.length === topN && d <= duration(top[topN - 1]))
    ) {
      continue;
    }
    let k = top.length < topN ? top.length : topN - 1;
    while (k > 0 && duration(top[k - 1]) < d) {
      top[k] = top[k - 1];
      k--;
    }
    top[k] = s;
  }
  return top;
}

/** `{ stacks }` for a trace recorded with stack sampling, else nothing. */
function withStacks(stacks: SummaryStacks | undefined): { stacks?: SummaryStacks } {
  return stacks ? { stacks } : {};
}

/** `{ hot }` when there are hot functions, else nothing (the field stays absent). */
function withHot(hot: HotFunction[] | undefined): { hot?: HotFunction[] } {
  return hot ? { hot } : {};
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
