/**
 * The tracer: loaded into every JS thread of the user's program with `--require` (through
 * NODE_OPTIONS), it records every async operation and callback of its thread into the session
 * folder. Only `node:` built-ins; nothing it does may appear in the trace.
 *
 * This file holds the hooks and the state they read and write on every event, kept together
 * in start()'s closure as it was tuned (see git log -- src/tracer): the hot path did not move.
 * What runs once per thread, once per sample or once per frame lives in its own file: the clock (clock.ts), call-site sampling (siteSampler.ts), the size cap (sizeCap.ts),
 * the thread's end and signals (lifecycle.ts), the Thread record (threadInfo.ts), CPU estimates
 * (cpuEstimate.ts), promise hooks (promiseHooks.ts), the worker rescue (workerRescue.ts) and the
 * flight recorder's segments (ring.ts).
 */
// Named imports: a namespace import's members are getters in the bundle (a megamorphic lookup
// per call, in the hooks).
import { createHook, executionAsyncId, type HookCallbacks } from 'node:async_hooks';
// Named imports of node: modules, everywhere in the tracer: a namespace import costs the bundle
// a copy of the module's every property at load (~1 ms for node:fs, at every program's start).
import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rec, streamFileName, type ThreadEnd } from '../shared/traceFormat';
import { sessionClock } from './clock';
import { cpuEstimator } from './cpuEstimate';
import { watchThreadEnd } from './lifecycle';
import { isLiveFlushThread, allocateLiveFrame, startLiveFlush } from './liveFlush';
import { installMarks } from './marks';
import { asyncHooksLeavesPromisesOut, installPromiseHooks } from './promiseHooks';
import { isUnnamedType, unnamedResourceType } from './nativeType';
import { callSiteSampler, type SiteKey } from './siteSampler';
import { startStackSampling, type StackSampling } from './profiler';
import { capSessionSize } from './sizeCap';
import { SiteTable } from './siteTable';
import { describeThread, endEvidence, isPackageManager, noteResourceType } from './threadInfo';
import { onMainThread, workerThreads } from './threads';
import { RingSegments } from './ring';
import { WorkerRescue } from './workerRescue';
import { allocateSharedFrame, FrameWriter } from './writer';

/** What the preload file passes in. */
export interface TracerOptions {
  /** Session folder: one stream file per thread goes there. */
  dir: string;
  /** The session epoch: `process.hrtime.bigint()` of the launcher, as a decimal string. */
  epochNs: string;
  /** Creation sites skip frames in node_modules when user code called in (default true). */
  skipNodeModules?: boolean;
  /** Stop recording (and count what is dropped) once the session folder holds this many bytes. */
  maxBytes?: number;
  /** Record each thread's CPU time every ~100 ms (ThreadCpu): the estimate where no sampler
   * reads /proc. Default: on everywhere but Linux. */
  cpuEstimates?: boolean;
  /** Flight recorder: keep only about the last this many seconds of events on disk (ring.ts). */
  ringSeconds?: number;
  /** Start the live-flush thread (liveFlush.ts), so a blocked main thread's records still
   * reach the file: for a live view (the extension's panel). Default false. */
  liveFlush?: boolean;
  /** Sample each thread's JavaScript stacks every this many µs (profiler.ts); 0 or absent: off. */
  stacks?: number;
}

/** A flush is due after this long without one (checked in the hooks and by a timer). */
const FLUSH_INTERVAL_MS = 100;
const FLUSH_INTERVAL_NS = FLUSH_INTERVAL_MS * 1e6;
/** Types whose sites are only ever sampled (see siteSampler.ts). These are also the operations
 * whose callbacks run in a drain right after the callback before them (see `sameTurn`). */
const SAMPLED_ONLY_TYPES = ['PROMISE', 'TickObject', 'Microtask'];
/** Slots of the table of recent same-turn operations (a power of 2). */
const TURN_SLOTS = 1 << 12;
const TURN_MASK = TURN_SLOTS - 1;
/** Stream files and the session folder are the user's alone (issue #22). */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

let started = false;

/** Starts tracing the calling thread. Idempotent: a second call does nothing. */
export function start(options: TracerOptions): void {
  if (started) {
    return;
  }
  started = true;
  const isMainThread = onMainThread();
  if (!isMainThread && isLiveFlushThread()) {
    return; // the tracer's own helper thread (liveFlush.ts)
  }
  const threadId = isMainThread ? 0 : workerThreads().threadId;
  if (isMainThread && isPackageManager(process.argv[1])) {
    // `npm run x`, `npx`, yarn, pnpm: the wrapper is not the user's program. Its children
    // inherit NODE_OPTIONS and are traced; the wrapper itself stays out of the trace.
    return;
  }
  const pid = process.pid;
  mkdirSync(options.dir, { recursive: true, mode: DIR_MODE });
  const now = sessionClock(options.epochNs);
  const ring =
    options.ringSeconds && options.ringSeconds > 0
      ? new RingSegments(options.dir, pid, threadId, options.ringSeconds * 1e9)
      : undefined;
  const fd = ring
    ? ring.open(now())
    : openSync(join(options.dir, streamFileName(pid, threadId)), 'a', FILE_MODE);
  // A worker's frame is shared, so that another thread can save it if the worker is killed.
  // With live flush, the main thread's is shared with its helper thread (liveFlush.ts).
  const liveFlush = isMainThread && options.liveFlush === true;
  const sharedFrame = isMainThread
    ? liveFlush
      ? allocateLiveFrame()
      : undefined
    : allocateSharedFrame();
  const writer = new FrameWriter(fd, pid, threadId, sharedFrame);
  if (ring) {
    // By the clock, not by the records' times: a burst of records at one time (the destroys
    // of a million promises after a loop, each at the time of the last record) takes seconds.
    writer.onFrameFull = () => ring.rotateIfDue(writer, now());
  }

  let guard = 0; // > 0 while the tracer itself runs code that may create async resources
  let ended = false;
  const ignored = new Set<number>(); // the tracer's own resources
  /** The largest id in `ignored`: larger ids (nearly all) skip the set lookup. */
  let maxIgnored = -Infinity;
  /** Location id per live asyncId, to infer sites from the trigger chain. */
  const siteOf = new SiteTable();
  const typeIds = new Map<string, number>();
  // Types come in runs (a stream makes ticks, ticks make ticks): the last one is checked first.
  let lastType = '';
  let lastTypeId = 0;
  /** The string id of 'WORKER', once one was made (-1 before). */
  let workerTypeId = -1;
  const typeIdOf = (type: string): number => {
    let typeId = typeIds.get(type);
    if (typeId === undefined) {
      typeId = writer.stringId(type);
      typeIds.set(type, typeId);
      if (type === 'WORKER') {
        workerTypeId = typeId;
      }
      noteResourceType(type, now);
    } else if (typeId === fsReqPromiseTypeId) {
      noteResourceType(type, now); // interned up front, so never new here
    }
    lastType = type;
    lastTypeId = typeId;
    return typeId;
  };
  const promiseTypeId = writer.stringId('PROMISE');
  typeIds.set('PROMISE', promiseTypeId);
  const sampledOnly = new Set<number>();
  for (const type of SAMPLED_ONLY_TYPES) {
    const id = type === 'PROMISE' ? promiseTypeId : writer.stringId(type);
    typeIds.set(type, id);
    sampledOnly.add(id);
  }
  // A FileHandle of fs.promises is made by Node in the open's completion, with no async
  // context at all (trigger 0, no JS frame): it takes, inferred, the site of the latest
  // fs.promises request (its open, or one made at the same line in a run of them).
  const fsReqPromiseTypeId = writer.stringId('FSREQPROMISE');
  typeIds.set('FSREQPROMISE', fsReqPromiseTypeId);
  const fileHandleTypeId = writer.stringId('FILEHANDLE');
  typeIds.set('FILEHANDLE', fileHandleTypeId);
  /** The site of the latest FSREQPROMISE (0 before one). */
  let lastFsReqLoc = 0;
  const tickTypeId = typeIds.get('TickObject')!;
  const microtaskTypeId = typeIds.get('Microtask')!;
  /**
   * Ticks, queueMicrotask's microtasks and (through async_hooks) promise reactions run in a
   * drain that starts right after a callback's After: Node runs the queues when the outermost
   * callback returns, between two immediates or two timers, and after the main script (whose
   * After our own first tick writes, with a clock read). Their Before, when nothing was recorded
   * since an After, takes that After's time instead of reading the clock: the same time within
   * the few steps of the drain loop (well under a µs), one clock read saved out of three. An
   * operation created since then wrote its Init, and anything that runs with hooks writes its
   * own records, so a gap with work in it always reads the clock. Direct-mapped by asyncId: a
   * slot overwritten before its operation ran only costs that Before a clock read.
   */
  const sameTurn = new Float64Array(TURN_SLOTS);
  const sampler = callSiteSampler({
    writer,
    siteOf,
    tracerFile: __filename,
    skipNodeModules: options.skipNodeModules !== false,
    sampledOnly,
  });
  const findSiteKey = sampler.find;
  const siteOfKey = sampler.site;
  // The last (type, trigger site) key looked up: operations come in runs of one key (a chain of
  // immediates, the reads of a file), which then skip the cache's map lookups. Kept here, with
  // the init hook that reads it inline, not in siteSampler.ts: there, behind a siteFor small
  // enough for V8 to inline, the hook's code shrank and V8 inlined it into Node's callers
  // differently; the promises workload then took 1.05x and 1.07x the time of the tracer before
  // the split (paired bench:overhead, Node 20, 7 runs each), 1.00x with the memo here.
  let memoType = -1;
  let memoTrigger = -1;
  let memoEntry: SiteKey = { hits: 0, base: 0, inferred: 0, nextSample: 0, varies: false };
  /** The creation site of a new operation of `typeId` whose trigger was created at `triggerLoc`. */
  const siteFor = (typeId: number, triggerLoc: number): number => {
    let entry: SiteKey | undefined;
    if (typeId === memoType && triggerLoc === memoTrigger) {
      entry = memoEntry;
    } else {
      entry = findSiteKey(typeId, triggerLoc);
      if (entry !== undefined) {
        memoType = typeId;
        memoTrigger = triggerLoc;
        memoEntry = entry;
      }
    }
    return siteOfKey(entry, typeId, triggerLoc);
  };

  const info = describeThread(isMainThread, threadId, now);
  writer.json(Rec.Thread, info.startNs, info);
  writer.flush();

  /** Events not recorded because the session reached its size cap. */
  let dropped = 0;
  /** True once nothing more is recorded: the thread ended, or the session is full. */
  let stopped = false;
  if (options.maxBytes && options.maxBytes > 0) {
    capSessionSize(writer, options.dir, options.maxBytes, () => {
      stopped = true;
    });
  }
  /** A flush is due at this time: the hooks compare their clock read with it. */
  let flushDueNs = FLUSH_INTERVAL_NS;
  const flushNow = (timeNs: number): void => {
    flushDueNs = timeNs + FLUSH_INTERVAL_NS;
    writer.flush();
    ring?.rotateIfDue(writer, timeNs);
  };
  const flushIfDue = (timeNs: number): void => {
    if (timeNs >= flushDueNs) {
      flushNow(timeNs);
    }
  };

  // Node 24+ can leave promises out of async_hooks (`trackPromises: false`); promise hooks
  // then record them without the cost of tracking each promise's garbage collection.
  const promisesApart = asyncHooksLeavesPromisesOut();

  const hookCallbacks: HookCallbacks & { trackPromises?: boolean } = {
    trackPromises: !promisesApart,
    init(asyncId, type, triggerAsyncId, resource) {
      if (guard > 0) {
        ignored.add(asyncId);
        if (asyncId > maxIgnored) {
          maxIgnored = asyncId;
        }
        return;
      }
      if (stopped) {
        dropped++;
        return;
      }
      const t = now();
      const typeId =
        type === lastType
          ? lastTypeId
          : isUnnamedType(type)
            ? typeIdOf(unnamedResourceType(resource))
            : typeIdOf(type);
      const triggerLoc =
        triggerAsyncId !== 0
          ? siteOf.get(triggerAsyncId)
          : typeId === fileHandleTypeId
            ? lastFsReqLoc
            : 0;
      // The memo's key, between two samples (most operations): siteFor's fast path, inlined.
      let locId: number;
      const memo = memoEntry;
      if (typeId === memoType && triggerLoc === memoTrigger && memo.hits < memo.nextSample) {
        memo.hits++;
        locId = memo.inferred;
      } else {
        locId = siteFor(typeId, triggerLoc);
      }
      if (locId !== 0) {
        siteOf.set(asyncId, locId);
      }
      if (typeId === fsReqPromiseTypeId) {
        lastFsReqLoc = locId;
      }
      if (typeId === tickTypeId || typeId === promiseTypeId || typeId === microtaskTypeId) {
        sameTurn[asyncId & TURN_MASK] = asyncId;
      }
      writer.init(t, asyncId, triggerAsyncId, executionAsyncId(), typeId, locId);
      if (type === 'Timeout') {
        // When it falls due: what tells a timer held up by a long callback from one on time.
        const delayMs = (resource as { _idleTimeout?: unknown })._idleTimeout;
        if (typeof delayMs === 'number' && delayMs >= 0 && delayMs < 2 ** 31) {
          writer.timerDelay(t, asyncId, Math.round(delayMs * 1000));
        }
      }
      if (typeId === workerTypeId) {
        (rescue ??= newRescue()).workerCreated(asyncId, resource);
      }
      if (t >= flushDueNs) {
        flushNow(t);
      }
    },
    before(asyncId) {
      if (stopped) {
        dropped++;
        return;
      }
      if (asyncId <= maxIgnored && ignored.has(asyncId)) {
        return;
      }
      if (
        writer.lastKind === Rec.After &&
        sameTurn[asyncId & TURN_MASK] === asyncId &&
        rescue?.hasPending !== true
      ) {
        writer.atLastTime(Rec.Before, asyncId);
        return;
      }
      const t = now();
      if (rescue?.hasPending) {
        for (const [workerAsyncId, workerThreadId] of rescue.resolvePending()) {
          writer.spawn(t, workerAsyncId, workerThreadId);
        }
      }
      writer.event(Rec.Before, t, asyncId);
    },
    after(asyncId) {
      if (stopped) {
        dropped++;
        return;
      }
      if (asyncId <= maxIgnored && ignored.has(asyncId)) {
        return;
      }
      const t = now();
      writer.event(Rec.After, t, asyncId);
      if (t >= flushDueNs) {
        flushNow(t);
      }
    },
    promiseResolve(asyncId) {
      if (stopped) {
        dropped++;
        return;
      }
      if (asyncId <= maxIgnored && ignored.has(asyncId)) {
        return;
      }
      writer.event(Rec.PromiseResolve, now(), asyncId);
    },
    destroy(asyncId) {
      if (stopped) {
        dropped++;
        return;
      }
      if (asyncId <= maxIgnored && ignored.delete(asyncId)) {
        return;
      }
      siteOf.delete(asyncId);
      // Node emits destroys in batches right after the callbacks that caused them: the time
      // of the thread's previous record (dt 0) is as good as a clock read, and saves one.
      writer.destroy(asyncId);
      rescue?.destroyed(asyncId);
    },
  };
  if (promisesApart) {
    // Only promises resolve; Node refuses the callback when they are left out.
    delete hookCallbacks.promiseResolve;
  }
  const hook = createHook(hookCallbacks);
  const stopPromiseHooks = promisesApart
    ? installPromiseHooks({
        writer,
        now,
        siteFor,
        promiseTypeId,
        siteOfExecution: () => siteOf.get(executionAsyncId()),
        isRecording: () => guard === 0 && !stopped,
        onDropped: () => {
          if (!ended) {
            dropped++;
          }
        },
        flushIfDue,
      })
    : undefined;

  // The program's performance.mark / measure and console.time / timeEnd (marks.ts).
  installMarks({
    writer,
    now,
    isRecording: () => !stopped,
    onDropped: () => {
      if (!ended) {
        dropped++;
      }
    },
    flushIfDue,
  });

  const cpuEstimate =
    (options.cpuEstimates ?? process.platform !== 'linux') ? cpuEstimator(writer, now) : undefined;

  /** Writes the End record and the last frame; nothing is recorded after it. */
  const finish = (end: ThreadEnd): void => {
    if (ended) {
      return;
    }
    const t = now();
    if (rescue?.hasPending) {
      for (const [workerAsyncId, workerThreadId] of rescue.resolvePending()) {
        writer.spawn(t, workerAsyncId, workerThreadId);
      }
    }
    cpuEstimate?.(t);
    if (stacks) {
      guard++;
      stacks.stop(t);
      guard--;
    }
    if (dropped > 0) {
      writer.event(Rec.Dropped, t, dropped);
    }
    writer.json(Rec.End, t, { ...end, ...endEvidence(isMainThread) });
    ended = true;
    stopped = true;
    hook.disable();
    stopPromiseHooks?.();
    writer.flush(true);
    rescue?.ending(isMainThread);
    try {
      if (ring) {
        ring.close();
      } else {
        closeSync(fd);
      }
    } catch {
      // Already closed by the program (it may close every fd it does not know).
    }
  };

  let rescue: WorkerRescue | undefined;
  let stacks: StackSampling | undefined;
  /** The rescue, made under the guard (its channel is the tracer's own resource). */
  const newRescue = (): WorkerRescue => {
    guard++;
    try {
      return new WorkerRescue(options.dir, now);
    } finally {
      guard--;
    }
  };
  // Enabled first, so that the resources created under the guard below are seen and ignored.
  hook.enable();
  guard++;
  try {
    if (isMainThread) {
      if (liveFlush && sharedFrame) {
        startLiveFlush(sharedFrame, fd, pid, threadId);
      }
    } else if (sharedFrame) {
      // A worker announces its shared frame at once; the main thread listens from its first
      // worker on (every worker descends from one it started), so that a program without
      // workers never pays for the channel.
      rescue = new WorkerRescue(options.dir, now);
      rescue.announce(sharedFrame);
    }
    // The thread's own script (the main module, or a worker's file) runs before any callback:
    // it gets a span of its own, from now until the first tick after it returns (for an ES
    // module, its evaluation shows as the promise jobs that run it).
    const rootId = executionAsyncId();
    const script = isMainThread ? process.argv[1] : undefined;
    const scriptLoc = script ? writer.locationId(mainScriptFile(script), 1, 1, false) : 0;
    const scriptType = writer.stringId(isMainThread ? '(main script)' : '(worker script)');
    if (scriptLoc) {
      siteOf.set(rootId, scriptLoc);
    }
    writer.init(info.startNs, rootId, 0, rootId, scriptType, scriptLoc);
    writer.event(Rec.Before, info.startNs, rootId);
    if (options.stacks && options.stacks > 0 && options.ringSeconds) {
      // A flight recorder's segments re-define strings and locations, not stack frames: the
      // later segments' samples would name frames the reader never saw. Off, and said so.
      writer.json(Rec.StackInfo, now(), {
        on: false,
        intervalUs: options.stacks,
        reason: 'not sampled in a flight recording (--ring)',
      });
    } else if (options.stacks && options.stacks > 0) {
      stacks = startStackSampling(writer, now, options.epochNs, options.stacks);
    }
    process.nextTick(() => {
      if (!stopped) {
        writer.event(Rec.After, now(), rootId);
      }
    });
    // The periodic flush shows a quiet program's last events live; unref'd, it never keeps
    // the program alive, and its resource is ignored.
    setInterval(() => {
      const t = now();
      cpuEstimate?.(t);
      if (stacks && !stopped) {
        guard++;
        stacks.poll(t);
        guard--;
      }
      flushIfDue(t);
    }, FLUSH_INTERVAL_MS).unref();
    watchThreadEnd({ isMainThread, finish, flush: () => writer.flush() });
  } finally {
    guard--;
  }
}

/**
 * The file of the main script as Node's module system loads it: `node_modules/.bin/tsc` is a
 * symlink to ../typescript/bin/tsc, and the code (its call sites too) is the real file's. Under
 * --preserve-symlinks-main Node keeps the link's path, and so do we.
 */
function mainScriptFile(script: string): string {
  const file = resolve(script);
  if (
    process.execArgv.includes('--preserve-symlinks-main') ||
    (process.env.NODE_OPTIONS ?? '').includes('--preserve-symlinks-main')
  ) {
    return file;
  }
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
