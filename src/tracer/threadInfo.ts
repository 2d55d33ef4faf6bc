/**
 * Who the traced thread is: the Thread record's description of it (process, thread, OS
 * thread, name, Node and machine), and whether the process is a package manager's wrapper
 * that is left out of the trace.
 */
import { readlinkSync } from 'node:fs';
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
    ...(isMainThread ? threadpoolSize() : {}),
  };
}

/** UV_THREADPOOL_SIZE as libuv reads it (a number; 0 is 1; at most 1024), when it is set. */
function threadpoolSize(): { uvThreadpoolSize?: number } {
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
