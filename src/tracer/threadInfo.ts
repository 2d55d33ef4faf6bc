/**
 * Who the traced thread is: the Thread record's description of it (process, thread, OS
 * thread, name, Node and machine), and whether the process is a package manager's wrapper
 * that is left out of the trace.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { ThreadInfo } from '../shared/traceFormat';
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
    ...(isMainThread ? startUpThreads() : {}),
  };
}

/**
 * What tells the main thread's OS threads apart on Node 18 and 20, which name none of them:
 * the threads already there when the tracer starts (V8's platform threads and the inspector's
 * signal thread start before any script), and the sizes of V8's and libuv's pools.
 */
function startUpThreads(): Pick<ThreadInfo, 'startTids' | 'threadpoolSize' | 'v8PoolSize'> {
  let startTids: number[] = [];
  try {
    startTids = readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => Number.isSafeInteger(tid) && tid !== process.pid)
      .sort((a, b) => a - b);
  } catch {
    // Not Linux: no thread lanes either.
  }
  return {
    startTids,
    threadpoolSize: threadpoolSize(process.env.UV_THREADPOOL_SIZE),
    v8PoolSize: v8PoolSize([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]),
  };
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
