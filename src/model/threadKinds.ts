import { isThreadpoolType } from '../shared/threadpoolTypes';
import { classifyByBirth } from './threadBirth';
import type { TraceModel } from './traceModel';

/** What an OS thread is, in legend order. */
export const OS_THREAD_KINDS = [
  'main',
  'worker',
  'libuv',
  'native',
  'v8',
  'other',
  'unknown',
] as const;

/** What an OS thread is. */
export type OsThreadKind = (typeof OS_THREAD_KINDS)[number];

/** How a kind was decided: never a guess presented as fact. */
export type KindBasis =
  /** Its JS thread's Thread record gave this OS thread id. */
  | 'trace'
  /** It is its process's first thread (tid = pid). */
  | 'pid'
  /** Its name says so (Node 22+ names libuv and V8 threads). */
  | 'name'
  /**
   * When it was born (Node 18/20 name nothing, 22 little): before the script (V8's platform,
   * the inspector), in libuv's burst of UV_THREADPOOL_SIZE, or later by native code.
   */
  | 'birth'
  /** It ran (almost) only while threadpool requests were in flight (traces without births). */
  | 'activity'
  /** Nothing tells: the kind is 'unknown'. */
  | 'none';

/** The classification of one OS thread. */
export interface OsThreadClass {
  kind: OsThreadKind;
  basis: KindBasis;
  /** For people: 'main', the worker's name, 'libuv threadpool', 'unknown ("node")'... */
  label: string;
  /** Index of its JS thread in `model.threads`, or -1. */
  jsThread: number;
}

/** Legend text of each kind. */
export const OS_THREAD_KIND_LABELS: Record<OsThreadKind, string> = {
  main: 'Main thread',
  worker: 'Worker thread',
  libuv: 'libuv threadpool',
  native: 'Native addon thread',
  v8: 'V8 helper',
  other: 'Other Node.js thread',
  unknown: 'Unknown',
};

/** Share of a thread's CPU that must fall while threadpool requests wait, to call it libuv. */
const ACTIVITY_SHARE = 0.9;
/** And the least CPU that evidence needs, ns. */
const ACTIVITY_MIN_NS = 1e6;

export { isThreadpoolType };

/** The kind a thread name alone tells (Node 22 and 24 name their threads), if any. */
export function kindOfName(name: string): { kind: OsThreadKind; label: string } | undefined {
  if (name === 'libuv-worker') {
    return { kind: 'libuv', label: 'libuv threadpool' };
  }
  if (name.startsWith('V8') || name.startsWith('v8:') || name === 'DelayedTaskSche') {
    return { kind: 'v8', label: `V8 helper (${name})` };
  }
  if (name === 'SignalInspector') {
    return { kind: 'other', label: 'inspector signal thread' };
  }
  if (name === 'WorkerThread') {
    return { kind: 'worker', label: 'worker thread (not traced)' };
  }
  return undefined;
}

/**
 * Threadpool busy windows of one process: [start, end) pairs, merged and sorted, from the
 * creation of each threadpool request to its first callback (or its end).
 */
export function threadpoolWindows(model: TraceModel, pid: number): Float64Array {
  return threadpoolWindowsByPid(model).get(pid) ?? new Float64Array(0);
}

/**
 * The end of threadpool request `r`'s wait for the pool (it starts at its creation): its first
 * callback, else its destroy, else the trace's end.
 */
function requestEndNs(model: TraceModel, r: number): number {
  let end = model.firstRunNs(r);
  if (Number.isNaN(end)) {
    end = model.resDestroyNs.data[r];
  }
  if (Number.isNaN(end)) {
    end = model.endNs;
  }
  return end;
}

/** threadpoolWindows of every process, in one pass over the operations. */
function threadpoolWindowsByPid(model: TraceModel): Map<number, Float64Array> {
  const threadpoolType = model.types.map(isThreadpoolType);
  const rawOf = new Map<number, Array<[number, number]>>();
  for (let r = 0; r < model.resourceCount; r++) {
    if (!threadpoolType[model.resType.data[r]]) {
      continue;
    }
    const start = model.resInitNs.data[r];
    const end = requestEndNs(model, r);
    if (!Number.isNaN(start) && end > start) {
      const pid = model.threads[model.resThread.data[r]].info.pid;
      let raw = rawOf.get(pid);
      if (!raw) {
        raw = [];
        rawOf.set(pid, raw);
      }
      raw.push([start, end]);
    }
  }
  const out = new Map<number, Float64Array>();
  for (const [pid, raw] of rawOf) {
    raw.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [s, e] of raw) {
      const n = merged.length;
      if (n && s <= merged[n - 1]) {
        merged[n - 1] = Math.max(merged[n - 1], e);
      } else {
        merged.push(s, e);
      }
    }
    out.set(pid, Float64Array.from(merged));
  }
  return out;
}

/**
 * The start of each process's first threadpool window (what `threadpoolWindowsByPid(model)
 * .get(pid)[0]` is), in one pass that allocates nothing per operation.
 */
export function firstThreadpoolRequestNs(model: TraceModel): Map<number, number> {
  const threadpoolType = model.types.map(isThreadpoolType);
  const pidOfThread = model.threads.map((t) => t.info.pid);
  const out = new Map<number, number>();
  const types = model.resType.data;
  for (let r = 0; r < model.resourceCount; r++) {
    if (!threadpoolType[types[r]]) {
      continue;
    }
    // The window of threadpoolWindowsByPid.
    const start = model.resInitNs.data[r];
    const end = requestEndNs(model, r);
    if (!Number.isNaN(start) && end > start) {
      const pid = pidOfThread[model.resThread.data[r]];
      const first = out.get(pid);
      if (first === undefined || start < first) {
        out.set(pid, start);
      }
    }
  }
  return out;
}

/** Length of the overlap of [start, end) with merged windows. */
export function overlapWithWindows(windows: Float64Array, start: number, end: number): number {
  if (!(end > start)) {
    return 0;
  }
  const cum = cumulative(windows);
  return windowTimeBefore(windows, cum, end) - windowTimeBefore(windows, cum, start);
}

/** cum[i]: total length of the first i merged windows. */
function cumulative(windows: Float64Array): Float64Array {
  const cum = new Float64Array(windows.length / 2 + 1);
  for (let i = 0; i < windows.length; i += 2) {
    cum[i / 2 + 1] = cum[i / 2] + windows[i + 1] - windows[i];
  }
  return cum;
}

/** Time inside merged windows before `timeNs`, in O(log n) with their cumulative lengths. */
function windowTimeBefore(windows: Float64Array, cum: Float64Array, timeNs: number): number {
  // The number of windows that start before timeNs.
  let lo = 0;
  let hi = windows.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windows[2 * mid] < timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo === 0) {
    return 0;
  }
  const i = lo - 1;
  return cum[i] + Math.min(timeNs, windows[2 * i + 1]) - windows[2 * i];
}

/**
 * Classifies every OS thread of `model.os`: by the JS threads' own OS thread ids, by tid =
 * pid, by name, by what it did (ran only while threadpool requests waited), else 'unknown'.
 */
export function classifyOsThreads(model: TraceModel): OsThreadClass[] {
  const jsByTid = new Map<string, number>();
  model.threads.forEach((t, i) => {
    // -1: unknown; other negative ids are the model's stand-ins for estimated lanes.
    if (t.info.osTid !== -1) {
      jsByTid.set(`${t.info.pid}:${t.info.osTid}`, i);
    }
  });
  const os = model.os;
  const cumOf = new Map<Float64Array, Float64Array>();
  const none = new Float64Array(0);
  // Each thread's CPU inside its process's threadpool windows, spread evenly over a sample.
  const inside = new Float64Array(os.threads.length);
  // ...against its CPU in the same samples (as stored: clipped to their spans).
  const sampled = new Float64Array(os.threads.length);
  const knownBetter = (i: number): boolean => {
    const row = os.threads[i];
    return jsByTid.has(`${row.pid}:${row.tid}`) || row.tid === row.pid || !!kindOfName(row.name);
  };
  if (os.threads.length === 0) {
    // Nothing to classify: the windows below are a pass over every operation (10M: 0.4 s of
    // the first paint).
    return [];
  }
  // Only a main thread that listed its start-up threads classifies by birth.
  const byBirthNeedsRequests = model.threads.some(
    (t) => t.info.kind === 'main' && t.info.startTids,
  );
  const byBirth = classifyByBirth(
    model,
    knownBetter,
    byBirthNeedsRequests ? firstThreadpoolRequestNs(model) : new Map(),
  );
  const needsActivity = os.threads.map((_, i) => !knownBetter(i) && !byBirth.has(i));
  const traced = new Set(model.threads.map((t) => t.info.pid));
  // The windows only for threads that only their activity can tell (named threads, Node 22+,
  // and threads of known birth need none).
  const windowsOf =
    os.sampleCount > 0 && needsActivity.some(Boolean)
      ? threadpoolWindowsByPid(model)
      : new Map<number, Float64Array>();
  for (let s = 0; s < os.sampleCount; s++) {
    const t = os.sampleThread.data[s];
    if (!needsActivity[t]) {
      continue;
    }
    const windows = windowsOf.get(os.threads[t].pid) ?? none;
    let cum = cumOf.get(windows);
    if (!cum) {
      cum = cumulative(windows);
      cumOf.set(windows, cum);
    }
    const start = os.sampleStartNs.data[s];
    const end = os.sampleEndNs.data[s];
    const span = end - start;
    sampled[t] += os.sampleRunNs.data[s];
    if (span > 0) {
      const overlap = windowTimeBefore(windows, cum, end) - windowTimeBefore(windows, cum, start);
      inside[t] += (os.sampleRunNs.data[s] * overlap) / span;
    }
  }
  return os.threads.map((row, i): OsThreadClass => {
    const js = jsByTid.get(`${row.pid}:${row.tid}`);
    if (js !== undefined) {
      const info = model.threads[js].info;
      return { kind: info.kind, basis: 'trace', label: info.name, jsThread: js };
    }
    if (row.tid === row.pid) {
      return { kind: 'main', basis: 'pid', label: `main thread of ${row.name}`, jsThread: -1 };
    }
    const named = kindOfName(row.name);
    if (named) {
      return { ...named, basis: 'name', jsThread: -1 };
    }
    const born = byBirth.get(i);
    if (born) {
      return { ...born, basis: 'birth', jsThread: -1 };
    }
    if (inside[i] >= ACTIVITY_MIN_NS && inside[i] >= ACTIVITY_SHARE * sampled[i]) {
      return {
        kind: 'libuv',
        basis: 'activity',
        label: 'libuv threadpool (ran while threadpool requests waited)',
        jsThread: -1,
      };
    }
    // Why nothing tells, for the hover.
    const why = !traced.has(row.pid)
      ? 'in a process the tracer did not run in (not Node.js, or not traced)'
      : 'Node.js did not name it and the trace has no start-up thread list (an older trace, or not Linux)';
    return {
      kind: 'unknown',
      basis: 'none',
      label: `unknown ("${row.name}"): ${why}`,
      jsThread: -1,
    };
  });
}
