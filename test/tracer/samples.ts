// Test helpers over the OS-thread samples of a decoded trace, shared by the parallelism and
// lesson tests.
import type { TraceModel } from '../../src/model/traceModel';

/** Runs `attempt` up to `tries` times: other tests share these 2 cores, so a figure may dip. */
export function withRetries<T>(tries: number, attempt: () => T): T {
  for (let i = 1; ; i++) {
    try {
      return attempt();
    } catch (err) {
      if (i >= tries) {
        throw err;
      }
    }
  }
}

/** First and last moment an OS thread ran or waited for at least half of a sample period. */
export function busyWindow(model: TraceModel, osThread: number): [number, number] {
  const os = model.os;
  let from = Infinity;
  let to = -Infinity;
  for (let s = 0; s < os.sampleCount; s++) {
    if (os.sampleThread.data[s] !== osThread) {
      continue;
    }
    const start = os.sampleStartNs.data[s];
    const end = os.sampleEndNs.data[s];
    if (os.sampleRunNs.data[s] + os.sampleWaitNs.data[s] >= 0.5 * (end - start)) {
      from = Math.min(from, start);
      to = Math.max(to, end);
    }
  }
  return [from, to];
}

/** Run-queue wait of all threads over a window, as cores' worth (samples prorated). */
export function meanWaiting(model: TraceModel, fromNs: number, toNs: number): number {
  const os = model.os;
  let waitNs = 0;
  for (let s = 0; s < os.sampleCount; s++) {
    const start = os.sampleStartNs.data[s];
    const end = os.sampleEndNs.data[s];
    const overlap = Math.min(end, toNs) - Math.max(start, fromNs);
    if (overlap > 0 && end > start) {
      waitNs += (os.sampleWaitNs.data[s] * overlap) / (end - start);
    }
  }
  return waitNs / (toNs - fromNs);
}
