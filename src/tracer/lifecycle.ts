/**
 * How a traced thread ends: at `exit` (noting an uncaught exception first), or, on a main
 * thread, at SIGINT, SIGTERM or SIGHUP, where the tracer writes its End and then steps aside
 * and re-raises the signal so that the program's exit status is what it would be untraced. A
 * program with a listener of its own for the signal keeps its meaning; the tracer only
 * flushes. (Terminated and killed workers cannot run this: see workerRescue.ts.)
 */
import type { ThreadEnd } from '../shared/traceFormat';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What the thread's tracer does when the thread ends or is signalled. */
export interface ThreadEnding {
  isMainThread: boolean;
  /** Writes the End record and the last frame; nothing is recorded after it. */
  finish(end: ThreadEnd): void;
  /** Writes the frame in progress. */
  flush(): void;
}

/** Listens for the thread's end (call it under the tracer's guard: listeners are resources). */
export function watchThreadEnd(thread: ThreadEnding): void {
  let uncaught = false;
  process.on('uncaughtExceptionMonitor', () => {
    uncaught = true;
  });
  process.on('exit', (code) => {
    thread.finish({
      reason: uncaught ? 'uncaught' : thread.isMainThread ? 'exit' : 'worker-exit',
      exitCode: code,
    });
  });
  if (!thread.isMainThread) {
    return;
  }
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // With a listener of its own the program decides what the signal means; we only
      // flush. Alone, we flush, step aside and re-raise so the exit status is unchanged.
      if (process.listenerCount(signal) > 1) {
        thread.flush();
        return;
      }
      thread.finish({ reason: 'signal', signal });
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
