/**
 * The tracer: loaded into every JS thread of the user's program with `--require` (through
 * NODE_OPTIONS), it records every async operation and callback of its thread into the session
 * folder. Only `node:` built-ins; nothing it does may appear in the trace.
 */
// Named imports: a namespace import's members are getters in the bundle (a megamorphic lookup
// per call, in the hooks).
import { createHook, executionAsyncId, type HookCallbacks } from 'node:async_hooks';
// Named imports of node: modules, everywhere in the tracer: a namespace import costs the bundle
// a copy of the module's every property at load (~1 ms for node:fs, at every program's start).
import { closeSync, mkdirSync, openSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Rec, streamFileName, type ThreadEnd, type ThreadInfo } from '../shared/traceFormat';
import { captureUserSite, sourceMapped } from './callsite';
import { installPromiseHooks, loadV8 } from './promiseHooks';
import { WorkerRescue } from './workerRescue';
import { SiteTable } from './siteTable';
import { onMainThread, workerThreads } from './threads';
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
}

/** A flush is due after this long without one (checked in the hooks and by a timer). */
const FLUSH_INTERVAL_MS = 100;
const FLUSH_INTERVAL_NS = FLUSH_INTERVAL_MS * 1e6;
/** With a size cap, the session folder is measured each time a thread wrote this much more. */
const CAP_CHECK_BYTES = 128 * 1024;
/** Call sites: capture the first hits of a key for real, then at each power of two, then one
 * in this many (a power of 2). */
const SITE_FIRST_HITS = 4;
const SITE_SAMPLE_EVERY = 1024;
/** Types whose sites are only ever sampled (see siteFor). These are also the operations whose
 * callbacks run in a drain right after the callback before them (see `sameTurn`). */
const SAMPLED_ONLY_TYPES = ['PROMISE', 'TickObject', 'Microtask'];
/** Slots of the table of recent same-turn operations (a power of 2). */
const TURN_SLOTS = 1 << 12;
const TURN_MASK = TURN_SLOTS - 1;

/** The first `h >= hits` such that the `h`-th creation of a call-site key (counted from 0)
 * captures a real stack: the first hits, then each power of two and each multiple of
 * SITE_SAMPLE_EVERY. */
function nextSampleHit(hits: number): number {
  if (hits < SITE_FIRST_HITS) {
    return hits;
  }
  let pow2 = SITE_FIRST_HITS;
  while (pow2 < hits) {
    pow2 *= 2;
  }
  return Math.min(pow2, Math.ceil(hits / SITE_SAMPLE_EVERY) * SITE_SAMPLE_EVERY);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let started = false;

/** Starts tracing the calling thread. Idempotent: a second call does nothing. */
export function start(options: TracerOptions): void {
  if (started) {
    return;
  }
  started = true;
  const isMainThread = onMainThread();
  const threadId = isMainThread ? 0 : workerThreads().threadId;
  if (isMainThread && isPackageManager(process.argv[1])) {
    // `npm run x`, `npx`, yarn, pnpm: the wrapper is not the user's program. Its children
    // inherit NODE_OPTIONS and are traced; the wrapper itself stays out of the trace.
    return;
  }
  const pid = process.pid;
  mkdirSync(options.dir, { recursive: true });
  const fd = openSync(join(options.dir, streamFileName(pid, threadId)), 'a');
  // A worker's frame is shared, so that another thread can save it if the worker is killed.
  const sharedFrame = isMainThread ? undefined : allocateSharedFrame();
  const writer = new FrameWriter(fd, pid, threadId, sharedFrame);

  // One clock for every thread: hrtime since the session epoch. `process.hrtime()` is the
  // cheapest read of it: `performance.now()` (Node 20+) checks its receiver with a
  // hasOwnProperty lookup on every call (a tenth of the tracer's cost between two polls of the
  // event loop), and hrtime.bigint() allocates. Its [s, ns] pair never escapes, so the
  // optimizer removes the array; the two subtractions keep the sum exact (integer ns).
  const epoch = BigInt(options.epochNs);
  const epochS = Number(epoch / 1_000_000_000n);
  const epochSubNs = Number(epoch % 1_000_000_000n);
  const hrtime = process.hrtime;
  const now = (): number => {
    const hr = hrtime();
    return (hr[0] - epochS) * 1e9 + (hr[1] - epochSubNs);
  };

  const tracerFile = __filename;
  let guard = 0; // > 0 while the tracer itself runs code that may create async resources
  let ended = false;
  const ignored = new Set<number>(); // the tracer's own resources
  /** The largest id in `ignored`: larger ids (nearly all) skip the set lookup. */
  let maxIgnored = -Infinity;
  const skipNodeModules = options.skipNodeModules !== false;
  /** Location id per live asyncId, to infer sites from the trigger chain. */
  const siteOf = new SiteTable();
  /** Site cache per (type, site of the trigger) key. */
  const siteCache: Array<Map<number, SiteKey> | undefined> = [];
  /** Source-mapped location id per generated position. */
  const mappedLoc = new Map<string, number>();
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
  const capture = (): number => {
    const site = captureUserSite(tracerFile, skipNodeModules);
    if (!site) {
      return 0;
    }
    const key = `${site.line}:${site.column}:${site.file}`;
    let id = mappedLoc.get(key);
    if (id === undefined) {
      const s = sourceMapped(site);
      id = writer.locationId(s.file, s.line, s.column, false);
      mappedLoc.set(key, id);
    }
    return id;
  };

  const info: ThreadInfo = {
    pid,
    threadId,
    osTid: osThreadId(),
    kind: isMainThread ? 'main' : 'worker',
    name: isMainThread ? 'main' : workerName(threadId),
    parentPid: process.ppid,
    parentThreadId: -1,
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    argv: isMainThread ? process.argv.slice() : [],
    startNs: now(),
  };
  writer.json(Rec.Thread, info.startNs, info);
  writer.flush();

  const maxBytes = options.maxBytes && options.maxBytes > 0 ? options.maxBytes : Infinity;
  /** Events not recorded because the session reached its size cap. */
  let dropped = 0;
  /** True once nothing more is recorded: the thread ended, or the session is full. */
  let stopped = false;
  if (maxBytes !== Infinity) {
    /** The session's size is checked again once this thread has written this many bytes. */
    let nextSizeCheck = CAP_CHECK_BYTES;
    writer.onFrameWritten = () => {
      if (writer.bytesWritten >= nextSizeCheck) {
        nextSizeCheck = writer.bytesWritten + CAP_CHECK_BYTES;
        if (sessionBytes(options.dir) >= maxBytes) {
          // Full: every thread of every process sees the same folder and stops too.
          stopped = true;
        }
      }
    };
  }
  /** A flush is due at this time: the hooks compare their clock read with it. */
  let flushDueNs = FLUSH_INTERVAL_NS;
  const flushNow = (timeNs: number): void => {
    flushDueNs = timeNs + FLUSH_INTERVAL_NS;
    writer.flush();
  };
  const flushIfDue = (timeNs: number): void => {
    if (timeNs >= flushDueNs) {
      flushNow(timeNs);
    }
  };

  /**
   * The creation site of a new operation of `typeId` whose trigger was created at
   * `triggerLoc`. A stack costs microseconds, so it is captured for the first hits of each
   * (type, trigger site) key and a sample after; the rest take the key's site, flagged
   * inferred. A key whose sampled sites disagree is captured every time from then on, except
   * for promises and ticks: too many to capture each (Node's streams make dozens per request),
   * their sites stay a sample.
   */
  // The last key looked up: operations come in runs of one key (a chain of immediates, the
  // reads of a file), which then skip the two map lookups.
  let memoType = -1;
  let memoTrigger = -1;
  let memoEntry: SiteKey = { hits: 0, base: 0, inferred: 0, nextSample: 0, varies: false };
  const siteFor = (typeId: number, triggerLoc: number): number => {
    let entry: SiteKey | undefined;
    if (typeId === memoType && triggerLoc === memoTrigger) {
      entry = memoEntry;
    } else {
      let byTrigger = siteCache[typeId];
      if (byTrigger === undefined) {
        byTrigger = siteCache[typeId] = new Map();
      }
      entry = byTrigger.get(triggerLoc);
      if (entry !== undefined) {
        memoType = typeId;
        memoTrigger = triggerLoc;
        memoEntry = entry;
      }
    }
    if (entry !== undefined && entry.varies) {
      // Sites under this trigger differ: tell them apart by the site of the code running now
      // (a server's and a client's callbacks make the same internal timers from other lines).
      const execLoc = siteOf.get(executionAsyncId());
      const byExec = (entry.byExec ??= new Map());
      let refined = byExec.get(execLoc);
      if (refined === undefined) {
        refined = { hits: 0, base: -1, inferred: 0, nextSample: 0, varies: false };
        byExec.set(execLoc, refined);
      }
      entry = refined;
    }
    if (entry !== undefined && entry.hits < entry.nextSample) {
      entry.hits++;
      return entry.inferred;
    }
    let locId = capture();
    if (locId === 0 && triggerLoc !== 0) {
      // Created by Node between callbacks (no user frame): the trigger's site.
      locId = writer.inferredLocationId(triggerLoc);
    }
    const base = writer.baseLocationId(locId);
    const inferred = writer.inferredLocationId(base);
    if (entry === undefined) {
      // (Not the memo's key: its map was made above.)
      siteCache[typeId]!.set(triggerLoc, {
        hits: 1,
        base,
        inferred,
        nextSample: nextSampleHit(1),
        varies: false,
      });
    } else {
      if (entry.hits > 0 && base !== entry.base) {
        entry.varies = !sampledOnly.has(typeId);
      }
      entry.hits++;
      entry.base = base;
      entry.inferred = inferred;
      // A varying key never takes the fast path again.
      entry.nextSample = entry.varies ? 0 : nextSampleHit(entry.hits);
    }
    return locId;
  };

  // Node 24+ can leave promises out of async_hooks (`trackPromises: false`); promise hooks
  // then record them without the cost of tracking each promise's garbage collection.
  const promisesApart = async_hooksLeavesPromisesOut();

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
      const typeId = type === lastType ? lastTypeId : typeIdOf(type);
      const triggerLoc = siteOf.get(triggerAsyncId);
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
      if (typeId === tickTypeId || typeId === promiseTypeId || typeId === microtaskTypeId) {
        sameTurn[asyncId & TURN_MASK] = asyncId;
      }
      writer.init(t, asyncId, triggerAsyncId, executionAsyncId(), typeId, locId);
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
    if (dropped > 0) {
      writer.event(Rec.Dropped, t, dropped);
    }
    writer.json(Rec.End, t, end);
    ended = true;
    stopped = true;
    hook.disable();
    stopPromiseHooks?.();
    writer.flush(true);
    rescue?.ending(isMainThread);
    try {
      closeSync(fd);
    } catch {
      // Already closed by the program (it may close every fd it does not know).
    }
  };

  let uncaught = false;
  let rescue: WorkerRescue | undefined;
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
    if (sharedFrame) {
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
    const scriptLoc = script ? writer.locationId(resolve(script), 1, 1, false) : 0;
    const scriptType = writer.stringId(isMainThread ? '(main script)' : '(worker script)');
    if (scriptLoc) {
      siteOf.set(rootId, scriptLoc);
    }
    writer.init(info.startNs, rootId, 0, rootId, scriptType, scriptLoc);
    writer.event(Rec.Before, info.startNs, rootId);
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
      flushIfDue(t);
    }, FLUSH_INTERVAL_MS).unref();
    process.on('uncaughtExceptionMonitor', () => {
      uncaught = true;
    });
    process.on('exit', (code) => {
      finish({
        reason: uncaught ? 'uncaught' : isMainThread ? 'exit' : 'worker-exit',
        exitCode: code,
      });
    });
    if (isMainThread) {
      for (const signal of SIGNALS) {
        const onSignal = (): void => {
          // With a listener of its own the program decides what the signal means; we only
          // flush. Alone, we flush, step aside and re-raise so the exit status is unchanged.
          if (process.listenerCount(signal) > 1) {
            writer.flush();
            return;
          }
          finish({ reason: 'signal', signal });
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
        };
        process.on(signal, onSignal);
      }
    }
  } finally {
    guard--;
  }
}

/**
 * Writes a ThreadCpu record per call: this thread's CPU time since the last call, from
 * `process.threadCpuUsage()` where Node has it (22+), else, on the main thread, the process's
 * (`process.cpuUsage()`, flagged); a worker of an older Node has no estimate.
 */
function cpuEstimator(
  writer: FrameWriter,
  now: () => number,
): ((timeNs: number) => void) | undefined {
  const perThread = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  const read = perThread
    ? () => perThread.call(process)
    : onMainThread()
      ? () => process.cpuUsage()
      : undefined;
  if (!read) {
    return undefined;
  }
  const flags = perThread ? 0 : 1;
  let last = read();
  let lastNs = now();
  return (timeNs: number) => {
    const usage = read();
    const cpuNs = (usage.user - last.user + usage.system - last.system) * 1000;
    const periodNs = timeNs - lastNs;
    if (periodNs <= 0) {
      return;
    }
    writer.threadCpu(timeNs, Math.max(0, Math.round(cpuNs)), Math.round(periodNs), flags);
    last = usage;
    lastNs = timeNs;
  };
}

/**
 * True where async_hooks honours `trackPromises: false` (Node 24+): probed, not guessed. The
 * probe asks whether `createHook` reads the option at all (versions without it never look at
 * it), without enabling anything: enabling a probe hook cost every thread ~0.5 ms at start.
 */
function async_hooksLeavesPromisesOut(): boolean {
  let asked = false;
  createHook({
    init() {},
    get trackPromises() {
      asked = true;
      return false;
    },
  } as HookCallbacks);
  // Only then is node:v8 needed (loading it costs the others ~1.5 ms at start).
  return asked && typeof (loadV8() as { promiseHooks?: unknown }).promiseHooks === 'object';
}

/** True for the script of a package manager that runs the user's program as a child. */
function isPackageManager(script: string | undefined): boolean {
  return (
    !!script &&
    /[\\/](npm-cli|npx-cli|npm-prefix|yarn|yarn\.js|pnpm\.c?js|pnpx\.c?js|corepack)(\.js)?$|[\\/]bin[\\/](npm|npx|yarn|pnpm|pnpx|corepack)$/.test(
      script,
    )
  );
}

/** Bytes in a session folder's stream files. */
function sessionBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.cvt')) {
        total += statSync(join(dir, name)).size;
      }
    }
  } catch {
    // The folder is gone: the recorder is not listening any more.
  }
  return total;
}

/** What the call-site cache knows of one (type, trigger site) key. */
interface SiteKey {
  /** Operations made under this key so far. */
  hits: number;
  /** The key's site (not flagged inferred), 0 for none. */
  base: number;
  /** `base` flagged inferred: what an operation gets between two samples. */
  inferred: number;
  /** While `hits` is below this, operations take `inferred`; at it, a stack is captured.
   * 0 for a varying key: it never takes the shortcut. */
  nextSample: number;
  /** Sampled captures disagreed: refine by the running code's site (or, there, capture always). */
  varies: boolean;
  /** For a varying (type, trigger site) key: entries per site of the code running. */
  byExec?: Map<number, SiteKey>;
}

/** The OS thread id on Linux, -1 elsewhere. */
function osThreadId(): number {
  try {
    const link = readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) ? tid : -1;
  } catch {
    return -1;
  }
}

function workerName(threadId: number): string {
  const wt = workerThreads() as ReturnType<typeof workerThreads> & {
    threadName?: unknown;
    isInternalThread?: unknown;
  };
  // Node 22+ says so; before, the loader-hooks thread is the worker without a parentPort.
  if (wt.isInternalThread === true || (wt.isInternalThread === undefined && !wt.parentPort)) {
    return 'module loader hooks';
  }
  // Node 22+ tells a worker its `name` option; older versions call every worker by its id.
  const named = wt.threadName;
  return typeof named === 'string' && named && named !== 'WorkerThread'
    ? named
    : `worker ${threadId}`;
}
