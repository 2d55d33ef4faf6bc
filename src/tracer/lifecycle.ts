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
  const end = (exitCode: number): void => {
    thread.finish({
      reason: uncaught ? 'uncaught' : thread.isMainThread ? 'exit' : 'worker-exit',
      exitCode,
    });
  };
  // The code a process exits with is read after every 'exit' listener ran: a listener may set
  // process.exitCode (jest does, for a failing run) or call process.exit(n), which exits at
  // once, skipping the listeners after it. Ours was added first, so it runs first; the End is
  // written after the emit of 'exit' returns instead, or in reallyExit, which process.exit(n)
  // calls with the final code. The listener alone ends the thread only where neither runs
  // (someone replaced process.emit without calling the one before it).
  let emittingExit = false;
  const proc = process as unknown as {
    reallyExit?: (code?: number) => void;
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  };
  const emit = proc.emit;
  proc.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'exit') {
      return emit.call(this, event, ...args);
    }
    emittingExit = true;
    try {
      return emit.call(this, event, ...args);
    } finally {
      emittingExit = false;
      end(finalExitCode(args[0]));
    }
  };
  const reallyExit = proc.reallyExit;
  if (typeof reallyExit === 'function') {
    proc.reallyExit = function (this: unknown, code?: number): void {
      end(finalExitCode(code));
      reallyExit.call(this, code);
    };
  }
  // The program sees the functions it would without us, down to their names.
  Object.defineProperty(proc.emit, 'name', { value: emit.name });
  if (typeof reallyExit === 'function') {
    Object.defineProperty(proc.reallyExit, 'name', { value: reallyExit.name });
  }
  process.on('exit', (code) => {
    if (!emittingExit) {
      end(code);
    }
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

/** The status the process exits with now: process.exitCode as Node reads it after the 'exit'
 * listeners (an int32; unset is `fallback`, the code the exit began with, else 0). */
function finalExitCode(fallback: unknown): number {
  const code = process.exitCode ?? fallback ?? 0;
  return Number(code) | 0;
}
