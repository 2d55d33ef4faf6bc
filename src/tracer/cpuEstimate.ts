/**
 * The tracer's own estimate of a thread's CPU time, for where no sampler reads /proc (macOS,
 * Windows, --no-sampler): a ThreadCpu record every flush interval and at the end.
 */
import { ThreadCpuFlag } from '../shared/traceFormat';
import { onMainThread } from './threads';
import type { FrameWriter } from './writer';

/**
 * Writes a ThreadCpu record per call: this thread's CPU time since the last call, from
 * `process.threadCpuUsage()` where Node has it (22+), else, on the main thread, the process's
 * (`process.cpuUsage()`, flagged); a worker of an older Node has no estimate.
 */
export function cpuEstimator(
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
  const flags = perThread ? 0 : ThreadCpuFlag.WholeProcess;
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
