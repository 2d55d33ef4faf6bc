/**
 * The event loop's queues at one instant, derived from a trace: for each JS thread, what was
 * waiting to run and in which queue (process.nextTick, microtasks, timers, immediates, I/O,
 * libuv's threadpool). The trace records when each operation was created, when its callbacks
 * ran and when promises resolved, so "waiting at t" means: queued before t (created, or for a
 * promise reaction, its parent promise resolved) and its callback started after t. Entries are
 * in the order they really ran (the trace proves that order); what the trace cannot prove is
 * marked `inferred` (a promise reaction whose parent's resolution was not recorded, which
 * threadpool requests had a pool thread). Timers' delays are not in the trace: a timer is
 * listed as waiting from its creation, with the time it ran.
 */
import { isThreadpoolType } from './threadKinds';
import type { TraceModel } from './traceModel';

/** The queues shown, in the order an event loop turn drains them (threadpool last: off-thread). */
export const QUEUE_NAMES = [
  'nextTick',
  'microtasks',
  'timers',
  'immediates',
  'io',
  'poolWaiting',
  'poolRunning',
] as const;

/** One queue's name. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Headings for people. */
export const QUEUE_LABELS: Record<QueueName, string> = {
  nextTick: 'process.nextTick',
  microtasks: 'microtasks (promise reactions)',
  timers: 'timers (setTimeout / setInterval)',
  immediates: 'immediates (setImmediate)',
  io: 'I/O: waiting to be called back',
  poolWaiting: 'threadpool: waiting for a pool thread',
  poolRunning: 'threadpool: on a pool thread',
};

/** One operation waiting in a queue. */
export interface QueueEntry {
  /** The operation (resource index). */
  res: number;
  /** Its type, e.g. 'TickObject'. */
  type: string;
  /** When it was queued, ns. */
  sinceNs: number;
  /** When its callback started, ns (NaN: it never ran in the trace). */
  runsAtNs: number;
  /** Queued-at time or queue placement is inferred, not recorded. */
  inferred: boolean;
}

/** What one JS thread had waiting at an instant. */
export interface ThreadQueues {
  /** Index in `model.threads`. */
  thread: number;
  /** The callback spans running at the instant, outermost first. */
  running: number[];
  queues: Record<QueueName, QueueEntry[]>;
  /** Older operations were not scanned (see MAX_SCAN): a long-waiting one may be missing. */
  truncated: boolean;
}

/** Operations scanned back per thread from the instant (keeps a cursor move cheap). */
const MAX_SCAN = 20_000;
/** libuv's default threadpool size (UV_THREADPOOL_SIZE is not in the trace). */
export const DEFAULT_POOL_SIZE = 4;

/** Which queue an operation's callback waits in, by its type (undefined: none shown). */
export function queueOfType(type: string): QueueName | undefined {
  switch (type) {
    case 'TickObject':
      return 'nextTick';
    case 'Microtask':
    case 'PROMISE':
      return 'microtasks';
    case 'Timeout':
      return 'timers';
    case 'Immediate':
      return 'immediates';
    case '(main script)':
    case 'MESSAGEPORT':
    case 'WORKER':
      return undefined;
  }
  return isThreadpoolType(type) ? 'poolWaiting' : 'io';
}

/** Empty queues. */
function emptyQueues(): Record<QueueName, QueueEntry[]> {
  const out = {} as Record<QueueName, QueueEntry[]>;
  for (const name of QUEUE_NAMES) {
    out[name] = [];
  }
  return out;
}

/** First index in the sorted-by-time `ops` whose creation time is after `timeNs`. */
function firstAfter(model: TraceModel, ops: Int32Array, length: number, timeNs: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.resInitNs.data[ops[mid]] <= timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * When a promise reaction was queued: when the promise it reacts to resolved (its trigger), or
 * its own creation if that was later. Unrecorded: its creation, inferred.
 */
function promiseQueuedNs(model: TraceModel, res: number): { ns: number; inferred: boolean } {
  const initNs = model.resInitNs.data[res];
  const parent = model.resTrigger.data[res];
  const resolvedNs = parent >= 0 ? model.resolveNsOf(parent) : NaN;
  if (Number.isNaN(resolvedNs)) {
    return { ns: initNs, inferred: true };
  }
  return { ns: Math.max(initNs, resolvedNs), inferred: false };
}

/**
 * When `res` was waiting to run at `timeNs`, the entry (else undefined): from its queuing to its
 * first callback; a timer again between two of its runs (setInterval re-arms after each).
 */
function waitingEntry(
  model: TraceModel,
  res: number,
  queue: QueueName,
  timeNs: number,
): QueueEntry | undefined {
  const type = model.typeOf(res);
  let since = { ns: model.resInitNs.data[res], inferred: false };
  if (type === 'PROMISE') {
    // A promise that never ran a reaction was never in the microtask queue.
    if (model.resFirstSpan.data[res] < 0) {
      return undefined;
    }
    since = promiseQueuedNs(model, res);
  }
  const destroyNs = model.resDestroyNs.data[res];
  for (let s = model.resFirstSpan.data[res]; ; s = model.spanNextOfRes.data[s]) {
    const runsAtNs = s >= 0 ? model.spanStartNs.data[s] : NaN;
    // Never ran again: waiting until destroyed (a cleared timer), else to the trace's end.
    const untilNs = s >= 0 ? runsAtNs : Number.isNaN(destroyNs) ? Infinity : destroyNs;
    if (since.ns <= timeNs && timeNs < untilNs) {
      return { res, type, sinceNs: since.ns, runsAtNs, inferred: since.inferred };
    }
    // A timer waits again only for a run the trace has (an interval's next one).
    if (s < 0 || queue !== 'timers' || timeNs < runsAtNs || model.spanNextOfRes.data[s] < 0) {
      return undefined;
    }
    since = { ns: model.spanEndNs.data[s], inferred: false };
  }
}

/** Sorts entries into the order they ran (never-run last, by queuing time). */
function byRunOrder(a: QueueEntry, b: QueueEntry): number {
  const ar = Number.isNaN(a.runsAtNs) ? Infinity : a.runsAtNs;
  const br = Number.isNaN(b.runsAtNs) ? Infinity : b.runsAtNs;
  return ar - br || a.sinceNs - b.sinceNs;
}

/** The spans of thread `thread` that contain `timeNs`, outermost first. */
export function runningAt(model: TraceModel, thread: number, timeNs: number): number[] {
  const row = model.threads[thread];
  const out: number[] = [];
  for (const lane of row.spansAtDepth) {
    // Spans at one depth never overlap and are in time order: the last one starting at or before t.
    let lo = 0;
    let hi = lane.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (model.spanStartNs.data[lane.data[mid]] <= timeNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    const s = lo > 0 ? lane.data[lo - 1] : -1;
    const endNs = s >= 0 ? model.spanEndNs.data[s] : NaN;
    if (s < 0 || !(Number.isNaN(endNs) || endNs > timeNs)) {
      break;
    }
    out.push(s);
  }
  return out;
}

/**
 * What every JS thread had waiting at `timeNs`. Threadpool requests are the process's (one pool
 * per process): the first `poolSize` waiting, in the order they were made, are counted as on a
 * pool thread (inferred: the trace records when a request was made and when its callback ran,
 * not when a pool thread took it).
 */
export function queuesAt(
  model: TraceModel,
  timeNs: number,
  poolSize = DEFAULT_POOL_SIZE,
): ThreadQueues[] {
  const out: ThreadQueues[] = [];
  // The queue of each interned type, looked up once (a cursor move scans thousands of ops).
  const queueOfTypeIndex = model.types.map(queueOfType);
  const typeData = model.resType.data;
  const firstSpan = model.resFirstSpan.data;
  const startNs = model.spanStartNs.data;
  const poolByPid = new Map<number, QueueEntry[]>();
  const ownerOf = new Map<QueueEntry, ThreadQueues>();
  for (const row of model.threads) {
    const queues = emptyQueues();
    const tq: ThreadQueues = {
      thread: row.index,
      running: runningAt(model, row.index, timeNs),
      queues,
      truncated: false,
    };
    const ops = row.ops.data;
    const end = firstAfter(model, ops, row.ops.length, timeNs);
    const stop = Math.max(0, end - MAX_SCAN);
    tq.truncated = stop > 0;
    for (let i = end - 1; i >= stop; i--) {
      const res = ops[i];
      const queue = queueOfTypeIndex[typeData[res]];
      // Most operations ran before t and are done: only a timer may wait again after a run.
      const first = firstSpan[res];
      if (!queue || (queue !== 'timers' && first >= 0 && startNs[first] <= timeNs)) {
        continue;
      }
      const entry = waitingEntry(model, res, queue, timeNs);
      // A handle never called back (a stdout pipe, a listening server) or a request that was
      // done synchronously (crypto.randomBytes without a callback) holds no callback.
      const offThread = queue === 'io' || queue === 'poolWaiting';
      if (!entry || (offThread && Number.isNaN(entry.runsAtNs))) {
        continue;
      }
      if (queue === 'poolWaiting') {
        const pid = row.info.pid;
        let pool = poolByPid.get(pid);
        if (!pool) {
          pool = [];
          poolByPid.set(pid, pool);
        }
        pool.push(entry);
        ownerOf.set(entry, tq);
      } else {
        queues[queue].push(entry);
      }
    }
    for (const name of QUEUE_NAMES) {
      queues[name].sort(byRunOrder);
    }
    out.push(tq);
  }
  for (const pool of poolByPid.values()) {
    // libuv hands requests to pool threads first come, first served.
    pool.sort((a, b) => a.sinceNs - b.sinceNs);
    pool.forEach((entry, i) => {
      const queues = ownerOf.get(entry)!.queues;
      (i < poolSize ? queues.poolRunning : queues.poolWaiting).push({ ...entry, inferred: true });
    });
  }
  return out;
}
