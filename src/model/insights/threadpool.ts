/**
 * Threadpool requests queued behind a busy pool. libuv hands requests to its pool threads in
 * the order they came (first in, first out); a request can start only once a pool thread is
 * free. The trace has each request's creation and its callback, whose start is taken as its
 * completion (an upper bound: the result may have waited for the loop too). Replaying the
 * requests of one process in creation order on `poolSize` threads gives each one's queue wait:
 * when it was created, `poolSize` earlier requests were all still in flight.
 */
import { isThreadpoolType } from '../threadKinds';
import { osThreadClasses } from '../timeIndex';
import type { TraceModel } from '../traceModel';

/** Queue waits of one request type in one process. */
export interface PoolTypeWait {
  type: string;
  requests: number;
  queued: number;
  totalQueueNs: number;
  maxQueueNs: number;
  /** The request that waited longest (resource index). */
  worst: number;
}

/** One process's threadpool, when requests queued for it. */
export interface PoolSaturation {
  pid: number;
  /** Threads the pool had: libuv threads seen by the sampler, else libuv's default of 4. */
  poolSize: number;
  /** How poolSize is known: 'sampled' (libuv threads in the trace) or 'default'. */
  poolSizeBasis: 'sampled' | 'default';
  requests: number;
  queued: number;
  totalQueueNs: number;
  maxQueueNs: number;
  /** From the first queued request's creation to the last one's start. */
  startNs: number;
  endNs: number;
  byType: PoolTypeWait[];
}

/** libuv's pool size when UV_THREADPOOL_SIZE is not set. */
const DEFAULT_POOL_SIZE = 4;
/** A wait below this is not queueing worth a word. */
const MIN_QUEUE_NS = 1e6;

/** Per process, the requests that waited for a pool thread (processes where none did: none). */
export function poolSaturation(model: TraceModel): PoolSaturation[] {
  const pooled = model.types.map(isThreadpoolType);
  const byPid = new Map<number, number[]>();
  for (let r = 0; r < model.resourceCount; r++) {
    if (!pooled[model.resType.data[r]]) {
      continue;
    }
    const pid = model.threads[model.resThread.data[r]].info.pid;
    let list = byPid.get(pid);
    if (!list) {
      byPid.set(pid, (list = []));
    }
    list.push(r);
  }
  const libuvThreads = new Map<number, number>();
  if (byPid.size) {
    const classes = osThreadClasses(model);
    model.os.threads.forEach((row, i) => {
      if (classes[i]?.kind === 'libuv') {
        libuvThreads.set(row.pid, (libuvThreads.get(row.pid) ?? 0) + 1);
      }
    });
  }
  const out: PoolSaturation[] = [];
  for (const [pid, list] of byPid) {
    const sampled = libuvThreads.get(pid) ?? 0;
    const poolSize = sampled || DEFAULT_POOL_SIZE;
    const result = replay(model, list, poolSize);
    if (result.queued) {
      out.push({ pid, poolSize, poolSizeBasis: sampled ? 'sampled' : 'default', ...result });
    }
  }
  return out;
}

/** Replays one process's requests on `poolSize` threads, first in, first out. */
function replay(
  model: TraceModel,
  list: number[],
  poolSize: number,
): Omit<PoolSaturation, 'pid' | 'poolSize' | 'poolSizeBasis'> {
  const inits = model.resInitNs.data;
  list.sort((a, b) => inits[a] - inits[b]);
  // When each pool thread is free again; a small pool, so a linear scan for the earliest.
  const freeAt = new Float64Array(poolSize);
  const byType = new Map<string, PoolTypeWait>();
  let queued = 0;
  let totalQueueNs = 0;
  let maxQueueNs = 0;
  let startNs = Infinity;
  let endNs = -Infinity;
  for (const r of list) {
    const doneNs = completionNs(model, r);
    if (doneNs !== doneNs) {
      continue; // never completed in the trace: nothing to replay it with
    }
    let slot = 0;
    for (let i = 1; i < poolSize; i++) {
      if (freeAt[i] < freeAt[slot]) {
        slot = i;
      }
    }
    const runNs = Math.max(inits[r], freeAt[slot]);
    freeAt[slot] = Math.max(runNs, doneNs);
    const type = model.typeOf(r);
    let entry = byType.get(type);
    if (!entry) {
      byType.set(
        type,
        (entry = { type, requests: 0, queued: 0, totalQueueNs: 0, maxQueueNs: 0, worst: r }),
      );
    }
    entry.requests++;
    const queueNs = runNs - inits[r];
    if (queueNs < MIN_QUEUE_NS) {
      continue;
    }
    queued++;
    totalQueueNs += queueNs;
    maxQueueNs = Math.max(maxQueueNs, queueNs);
    startNs = Math.min(startNs, inits[r]);
    endNs = Math.max(endNs, runNs);
    entry.queued++;
    entry.totalQueueNs += queueNs;
    if (queueNs > entry.maxQueueNs) {
      entry.maxQueueNs = queueNs;
      entry.worst = r;
    }
  }
  return {
    requests: list.length,
    queued,
    totalQueueNs,
    maxQueueNs,
    startNs,
    endNs,
    byType: [...byType.values()]
      .filter((t) => t.queued > 0)
      .sort((a, b) => b.totalQueueNs - a.totalQueueNs),
  };
}

/** When a request's work was done at the latest: its first callback, else its destroy. */
function completionNs(model: TraceModel, r: number): number {
  const first = model.firstRunNs(r);
  return first === first ? first : model.resDestroyNs.data[r];
}
