/** Text formatting for the panel: durations, times, thread names, source locations. */
import type { ProgramStatus } from '../src/shared/protocol';
import type { TraceLocation } from '../src/model/decoder';
import { shortCommand } from '../src/model/processes';
import type { ThreadRow } from '../src/model/traceModel';

/** A duration in ns as short readable text, e.g. "850 ns", "12.3 µs", "4.56 ms", "2.1 s". */
export function formatDuration(durationNs: number): string {
  if (!Number.isFinite(durationNs)) {
    return '—';
  }
  const abs = Math.abs(durationNs);
  if (abs < 1e3) {
    return `${Math.round(durationNs)} ns`;
  }
  if (abs < 1e6) {
    return `${trim(durationNs / 1e3)} µs`;
  }
  if (abs < 1e9) {
    return `${trim(durationNs / 1e6)} ms`;
  }
  return `${trim(durationNs / 1e9)} s`;
}

/** Three significant digits at most, without trailing zeros. */
function trim(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/** The label of a thread's lane, e.g. "main · pbkdf2.js 2000 (pid 123)" or "worker 1". */
export function threadLabel(thread: ThreadRow): string {
  const { name, kind, pid, threadId } = thread.info;
  if (kind === 'main') {
    // A process by its command, so the lanes of several processes tell which is which.
    const command = thread.info.argv.length > 1 ? shortCommand(thread.info.argv) : '';
    return `${name || 'main'}${command ? ` · ${command}` : ''} (pid ${pid})`;
  }
  const fallback = `worker ${threadId}`;
  return !name || name === fallback ? fallback : `${name} (worker ${threadId})`;
}

/** The last path segment of a file path or URL. */
export function basename(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut >= 0 ? file.slice(cut + 1) : file;
}

/** "timers.js:5:3" for a location. */
export function shortLocation(loc: TraceLocation): string {
  return `${basename(loc.file)}:${loc.line}:${loc.column}`;
}

/** The status line's text for a program state. */
export function statusText(status: ProgramStatus | undefined): string {
  if (!status) {
    return 'Waiting for the trace…';
  }
  switch (status.state) {
    case 'starting':
      return 'Starting…';
    case 'running':
      return 'Running…';
    case 'exited':
      if (status.signal) {
        return `Exited (${status.signal})`;
      }
      return status.exitCode === undefined ? 'Exited' : `Exited with code ${status.exitCode}`;
    case 'stopped':
      return status.signal ? `Stopped (${status.signal})` : 'Stopped';
    case 'failed':
      return `Failed: ${status.message ?? 'unknown error'}`;
    case 'replay':
      return status.message ? `Saved trace: ${status.message}` : 'Saved trace';
  }
}
