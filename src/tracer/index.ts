/**
 * The tracer: loaded into every JS thread of the user's program with `--require` (through
 * NODE_OPTIONS), it records every async operation and callback of its thread into the session
 * folder. Only `node:` built-ins; nothing it does may appear in the trace.
 */
import * as asyncHooks from 'node:async_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as workerThreads from 'node:worker_threads';
import { Rec, streamFileName, type ThreadEnd, type ThreadInfo } from '../shared/traceFormat';
import { captureUserSite, type Site } from './callsite';
import { FrameWriter } from './writer';

/** What the preload file passes in. */
export interface TracerOptions {
  /** Session folder: one stream file per thread goes there. */
  dir: string;
  /** The session epoch: `process.hrtime.bigint()` of the launcher, as a decimal string. */
  epochNs: string;
}

/** A flush is due after this long without one (checked in the hooks and by a timer). */
const FLUSH_INTERVAL_MS = 100;
/** Promise call sites: capture the first hits of a key, then one in this many. */
const PROMISE_SAMPLE_EVERY = 16;
const PROMISE_FIRST_HITS = 4;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let started = false;

/** Starts tracing the calling thread. Idempotent: a second call does nothing. */
export function start(options: TracerOptions): void {
  if (started) {
    return;
  }
  started = true;
  const { isMainThread, threadId } = workerThreads;
  const pid = process.pid;
  fs.mkdirSync(options.dir, { recursive: true });
  const fd = fs.openSync(path.join(options.dir, streamFileName(pid, threadId)), 'a');
  const writer = new FrameWriter(fd, pid, threadId);

  // One clock for every thread: hrtime since the session epoch, read through the cheaper
  // performance.now() with a per-thread anchor.
  const epoch = BigInt(options.epochNs);
  const perfAnchorMs = performance.now();
  const offsetNs = Number(process.hrtime.bigint() - epoch) - perfAnchorMs * 1e6;
  const now = (): number => Math.round(performance.now() * 1e6 + offsetNs);

  const tracerFile = __filename;
  let guard = 0; // > 0 while the tracer itself runs code that may create async resources
  let ended = false;
  const ignored = new Set<number>(); // the tracer's own resources
  let lastFlushMs = perfAnchorMs;
  /** Location id per asyncId, to infer sites from the trigger chain. */
  const siteOf = new Map<number, number>();
  /** Promise site cache: key -> [hits, locId]. */
  const promiseSites = new Map<string, [number, number]>();
  const promiseTypeId = writer.stringId('PROMISE');

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
    cores:
      typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    argv: isMainThread ? process.argv.slice() : [],
    startNs: now(),
  };
  writer.json(Rec.Thread, info.startNs, info);
  writer.flush();

  const flushIfDue = (): void => {
    const t = performance.now();
    if (t - lastFlushMs >= FLUSH_INTERVAL_MS) {
      lastFlushMs = t;
      writer.flush();
    }
  };

  const siteLocId = (site: Site | undefined, inferred: boolean): number =>
    site ? writer.locationId(site.file, site.line, site.column, inferred) : 0;

  const hook = asyncHooks.createHook({
    init(asyncId, type, triggerAsyncId) {
      if (guard > 0 || ended) {
        ignored.add(asyncId);
        return;
      }
      const t = now();
      const typeId = type === 'PROMISE' ? promiseTypeId : writer.stringId(type);
      let locId: number;
      if (type === 'PROMISE') {
        // Promises are too many to capture every stack: capture the first few of each
        // (trigger site) key and a sample after that; the rest take the key's last capture.
        const key = String(siteOf.get(triggerAsyncId) ?? 0);
        const hit = promiseSites.get(key);
        if (
          hit === undefined ||
          hit[0] < PROMISE_FIRST_HITS ||
          hit[0] % PROMISE_SAMPLE_EVERY === 0
        ) {
          locId = siteLocId(captureUserSite(tracerFile), false);
          if (hit === undefined) {
            promiseSites.set(key, [1, locId]);
          } else {
            hit[0]++;
            hit[1] = locId || hit[1];
          }
        } else {
          hit[0]++;
          locId = hit[1];
        }
      } else {
        locId = siteLocId(captureUserSite(tracerFile), false);
      }
      if (locId === 0) {
        // Created by Node between callbacks: take the site of what triggered it.
        const inherited = siteOf.get(triggerAsyncId);
        if (inherited !== undefined) {
          locId = inherited;
        }
      }
      if (locId !== 0) {
        siteOf.set(asyncId, locId);
      }
      writer.init(t, asyncId, triggerAsyncId, asyncHooks.executionAsyncId(), typeId, locId);
      flushIfDue();
    },
    before(asyncId) {
      if (ignored.has(asyncId) || ended) {
        return;
      }
      writer.event(Rec.Before, now(), asyncId);
    },
    after(asyncId) {
      if (ignored.has(asyncId) || ended) {
        return;
      }
      writer.event(Rec.After, now(), asyncId);
      flushIfDue();
    },
    promiseResolve(asyncId) {
      if (ignored.has(asyncId) || ended) {
        return;
      }
      writer.event(Rec.PromiseResolve, now(), asyncId);
    },
    destroy(asyncId) {
      if (ignored.delete(asyncId) || ended) {
        return;
      }
      siteOf.delete(asyncId);
      writer.event(Rec.Destroy, now(), asyncId);
    },
  });

  /** Writes the End record and the last frame; nothing is recorded after it. */
  const finish = (end: ThreadEnd): void => {
    if (ended) {
      return;
    }
    writer.json(Rec.End, now(), end);
    ended = true;
    hook.disable();
    writer.flush();
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed by the program (it may close every fd it does not know).
    }
  };

  let uncaught = false;
  guard++;
  try {
    // The periodic flush shows a quiet program's last events live; unref'd, it never keeps
    // the program alive, and its resource is ignored.
    setInterval(flushIfDue, FLUSH_INTERVAL_MS).unref();
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
  hook.enable();
}

/** The OS thread id on Linux, -1 elsewhere. */
function osThreadId(): number {
  try {
    const link = fs.readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) ? tid : -1;
  } catch {
    return -1;
  }
}

function workerName(threadId: number): string {
  const named = (workerThreads as { threadName?: unknown }).threadName;
  return typeof named === 'string' && named && named !== 'WorkerThread'
    ? named
    : `worker ${threadId}`;
}
