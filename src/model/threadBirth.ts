/**
 * Thread identity from birth, where Node names no thread (18, 20; 22 names only some): the
 * threads a process had when its tracer started were born before the script (V8's delayed-task
 * scheduler, then its platform workers, then the inspector's signal thread, in tid order), and
 * libuv starts its whole pool as one burst of UV_THREADPOOL_SIZE threads at its first request
 * (the tracer lists the threads just before it; without that list, the burst's timing tells).
 * Any other thread born after the script started, neither a JS thread nor in that burst, was
 * started by a native addon (libvips...) when the process loaded one, else by Node itself.
 */
import type { ThreadEnd } from '../shared/traceFormat';
import type { OsThreadRow } from './osThreads';
import type { OsThreadKind } from './threadKinds';
import type { TraceModel } from './traceModel';

/** A thread's kind from its birth. */
export interface BirthClass {
  kind: OsThreadKind;
  label: string;
}

/** Threads first seen at most this far apart were born together (and at least 25 ms). */
const BURST_TICKS = 3;
const BURST_MIN_NS = 25e6;

/**
 * Kinds from birth for the OS threads (indexes into `model.os.threads`) of every process whose
 * main thread's tracer listed its start-up threads. `skip(i)` is true for threads known better
 * (JS threads, first threads, threads Node names). Threads of other processes are left out.
 */
export function classifyByBirth(
  model: TraceModel,
  skip: (osThread: number) => boolean,
  firstThreadpoolNs: Map<number, number>,
): Map<number, BirthClass> {
  const out = new Map<number, BirthClass>();
  const os = model.os;
  const intervalNs = os.info?.intervalNs || 7e6;
  const burstNs = Math.max(BURST_MIN_NS, BURST_TICKS * intervalNs);
  for (const thread of model.threads) {
    const info = thread.info;
    if (info.kind !== 'main' || !info.startTids) {
      continue;
    }
    const rows = os.threads.filter((row) => row.pid === info.pid);
    // The pool is named on Node 22+: there the names tell, not the burst.
    const poolNamed = rows.some((row) => row.name === 'libuv-worker');
    const startTids = info.startTids;
    const startIndex = new Map(startTids.map((tid, i) => [tid, i]));
    const v8Pool = info.v8PoolSize ?? 4;
    // Born after the script started, in birth (tid) order.
    const later: OsThreadRow[] = [];
    for (const row of rows) {
      if (skip(row.index)) {
        continue;
      }
      const at = startIndex.get(row.tid);
      if (at !== undefined) {
        out.set(row.index, startUpClass(at, startTids.length, v8Pool));
      } else if (row.tid !== row.pid) {
        later.push(row);
      }
    }
    later.sort((a, b) => a.tid - b.tid);
    const ends = model.threads.filter((t) => t.info.pid === info.pid && t.end).map((t) => t.end!);
    const size = info.threadpoolSize ?? 4;
    const pool = poolNamed
      ? []
      : (poolAfterRequest(later, size, ends, firstThreadpoolNs.get(info.pid)) ??
        poolBurst(later, size, burstNs, firstThreadpoolNs.get(info.pid)));
    for (const row of pool) {
      out.set(row.index, {
        kind: 'libuv',
        label: `libuv threadpool (one of ${pool.length} born together)`,
      });
    }
    const inPool = new Set(pool);
    // Which native addons the process loaded (its main thread's End says; absent if cut off).
    const addons = thread.end?.nativeAddons;
    for (const row of later) {
      if (!inPool.has(row)) {
        out.set(row.index, laterClass(row.name, addons));
      }
    }
  }
  return out;
}

/**
 * A thread born after the script, neither a JS thread nor libuv's: an addon's when the process
 * loaded one; else Node's own (no addon could have started it); unknown until the process's
 * End record says which addons were loaded (live, or cut off by SIGKILL).
 */
function laterClass(name: string, addons: string[] | undefined): BirthClass {
  if (addons === undefined) {
    return {
      kind: 'unknown',
      label: `unknown ("${name}"): born after the script; whether by a native addon is told when the process ends, and the trace has no end for it`,
    };
  }
  if (addons.length === 0) {
    return {
      kind: 'other',
      label: `Node.js thread ("${name}") started after the script (no native addon was loaded)`,
    };
  }
  return {
    kind: 'native',
    label: `native addon thread ("${name}"; the process loaded ${addons.slice(0, 3).join(', ')}${addons.length > 3 ? '…' : ''})`,
  };
}

/**
 * libuv's pool from the tracer's list of the process's threads just before its first
 * threadpool request (the earliest any of its JS threads made): the first `size` threads born
 * after that list. Undefined without such a list, or when it is not of the first request.
 */
function poolAfterRequest(
  later: OsThreadRow[],
  size: number,
  ends: ThreadEnd[],
  firstRequestNs: number | undefined,
): OsThreadRow[] | undefined {
  let first: ThreadEnd | undefined;
  for (const end of ends) {
    if (end.requestTids && end.requestNs !== undefined) {
      if (!first || end.requestNs < first.requestNs!) {
        first = end;
      }
    }
  }
  // A request the tracer saw earlier than this list (in a thread cut off before its End)
  // may have started the pool already: then the list proves nothing.
  if (!first || (firstRequestNs !== undefined && firstRequestNs < first.requestNs! - 1e6)) {
    return undefined;
  }
  const before = new Set(first.requestTids);
  const born = later.filter((row) => !before.has(row.tid));
  return born.length >= size ? born.slice(0, size) : undefined;
}

/** The start-up thread at position `at` of `count` (tid order), with V8's pool of `v8Pool`. */
function startUpClass(at: number, count: number, v8Pool: number): BirthClass {
  // Node's platform starts its delayed-task scheduler, then its workers; the inspector's
  // signal thread comes after them (absent in builds without the inspector).
  if (at === count - 1 && count === v8Pool + 2) {
    return { kind: 'other', label: 'inspector signal thread' };
  }
  if (at === 0 && count >= 2) {
    return { kind: 'v8', label: 'V8 helper: delayed-task scheduler' };
  }
  return {
    kind: 'v8',
    label: 'V8 helper: platform worker (garbage collection, compilation)',
  };
}

/**
 * libuv's pool among threads born after the script (tid order): `size` threads in a row, first
 * seen within `burstNs` of each other; the first such run born at or after the process's first
 * threadpool request when it has one, else the first run. None when no run fits.
 */
function poolBurst(
  later: OsThreadRow[],
  size: number,
  burstNs: number,
  firstRequestNs: number | undefined,
): OsThreadRow[] {
  const runAt = (i: number): boolean => {
    if (i + size > later.length) {
      return false;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = i; k < i + size; k++) {
      lo = Math.min(lo, later[k].firstNs);
      hi = Math.max(hi, later[k].firstNs);
    }
    return hi - lo <= burstNs;
  };
  if (firstRequestNs !== undefined) {
    for (let i = 0; i < later.length; i++) {
      if (later[i].firstNs >= firstRequestNs - burstNs && runAt(i)) {
        return later.slice(i, i + size);
      }
    }
  }
  for (let i = 0; i < later.length; i++) {
    if (runAt(i)) {
      return later.slice(i, i + size);
    }
  }
  return [];
}
