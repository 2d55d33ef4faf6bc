/**
 * Who the traced thread is: the Thread record's description of it (process, thread, OS
 * thread, name, Node and machine), and whether the process is a package manager's wrapper
 * that is left out of the trace.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import Module from 'node:module';
import type { ThreadEnd, ThreadInfo } from '../shared/traceFormat';
import { isThreadpoolType } from '../shared/threadpoolTypes';
import { workerThreads } from './threads';

/** The Thread record of this thread, started now (on the tracer's clock `now`). */
export function describeThread(
  isMainThread: boolean,
  threadId: number,
  now: () => number,
): ThreadInfo {
  return {
    pid: process.pid,
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
    ...(isMainThread ? { ...startUpThreads(), ...uvThreadpoolSizeSet() } : {}),
  };
}

/**
 * What tells the main thread's OS threads apart on Node 18 and 20, which name none of them:
 * the threads already there when the tracer starts (V8's platform threads and the inspector's
 * signal thread start before any script), and the sizes of V8's and libuv's pools.
 */
function startUpThreads(): Pick<ThreadInfo, 'startTids' | 'threadpoolSize' | 'v8PoolSize'> {
  return {
    startTids: otherTids() ?? [],
    threadpoolSize: threadpoolSize(process.env.UV_THREADPOOL_SIZE),
    v8PoolSize: v8PoolSize([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]),
  };
}

/** The process's OS threads but its first, in tid order; undefined where not Linux. */
function otherTids(): number[] | undefined {
  try {
    return readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => Number.isSafeInteger(tid) && tid !== process.pid)
      .sort((a, b) => a - b);
  } catch {
    return undefined; // not Linux: no thread lanes either
  }
}

/** This thread's first threadpool request: its time and the threads before it. */
let firstRequest: Pick<ThreadEnd, 'requestNs' | 'requestTids'> | undefined;

/**
 * Called with each new resource type this thread sees: at the first threadpool type, lists
 * the process's threads (once; ~30 µs) before libuv's pool may be born, to tell it apart.
 */
export function noteResourceType(type: string, now: () => number): void {
  if (firstRequest === undefined && isThreadpoolType(type)) {
    const tids = otherTids();
    firstRequest = tids ? { requestNs: now(), requestTids: tids } : {};
  }
}

/** What the End record adds to tell threads apart: the first request, the addons loaded. */
export function endEvidence(isMainThread: boolean): Partial<ThreadEnd> {
  const out: Partial<ThreadEnd> = { ...firstRequest };
  if (isMainThread) {
    const cache = (Module as unknown as { _cache?: Record<string, unknown> })._cache ?? {};
    out.nativeAddons = Object.keys(cache)
      .filter((file) => file.endsWith('.node'))
      .map((file) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1))
      .slice(0, 32);
  }
  return out;
}

/** libuv's pool size for a UV_THREADPOOL_SIZE value, as libuv reads it (4; 1 to 1024). */
export function threadpoolSize(value: string | undefined): number {
  // libuv: atoi of the value when set (0, and so any non-number, is 1), at most 1024.
  return value === undefined ? 4 : Math.min(1024, Math.max(1, parseInt(value, 10) || 0));
}

/** V8's platform workers for Node's options: the last `--v8-pool-size`, else 4. */
export function v8PoolSize(args: string[]): number {
  let size = 4;
  args.forEach((arg, i) => {
    const m = /^--v8[-_]pool[-_]size(?:=(\d+))?$/.exec(arg);
    if (m) {
      const n = Number(m[1] ?? args[i + 1]);
      if (Number.isSafeInteger(n) && n >= 0) {
        size = n;
      }
    }
  });
  return size;
}

/** UV_THREADPOOL_SIZE as libuv reads it (a number; 0 is 1; at most 1024), when it is set. */
function uvThreadpoolSizeSet(): { uvThreadpoolSize?: number } {
  const value = process.env.UV_THREADPOOL_SIZE;
  if (value === undefined) {
    return {};
  }
  const n = Number.parseInt(value, 10);
  return { uvThreadpoolSize: Math.min(1024, Math.max(1, Number.isFinite(n) ? n : 0)) };
}

/** True for the script of a package manager that runs the user's program as a child. */
export function isPackageManager(script: string | undefined): boolean {
  return (
    !!script &&
    /[\\/](npm-cli|npx-cli|npm-prefix|yarn|yarn\.js|pnpm\.c?js|pnpx\.c?js|corepack)(\.js)?$|[\\/]bin[\\/](npm|npx|yarn|pnpm|pnpx|corepack)$/.test(
      script,
    )
  );
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
