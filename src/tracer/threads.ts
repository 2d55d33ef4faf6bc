/**
 * Which JS thread this is, without loading `node:worker_threads` on a main thread: that module
 * costs a program ~7 ms at start (measured on Node 20), which a program without workers would
 * pay for nothing. In a worker it is already loaded, so it costs nothing there.
 */

/** `node:worker_threads`, loaded on first use (require caches it). */
export function workerThreads(): typeof import('node:worker_threads') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

/**
 * True on a process's main thread. Node (18 to 24, checked by the tracer tests on each)
 * replaces `process.chdir` in worker threads by a function flagged `disabled`; the tracer runs
 * before any user code, so nothing has wrapped it yet.
 */
export function onMainThread(): boolean {
  return !(process.chdir as { disabled?: boolean }).disabled;
}
