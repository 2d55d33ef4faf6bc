/**
 * The flight recorder's sentences for the panel (webview-ui/flightRecorder.ts), apart from its
 * DOM so that the tracer's tests check them on real flight recordings.
 */
import type { TraceModel } from '../src/model/traceModel';
import type { FlightRecorderMessage } from '../src/shared/protocol';
import { formatDuration } from './format';

/** Where a trace's time axis starts: at a flight recording's window, else at its first event. */
export function axisStartNs(model: TraceModel): number {
  const discardedNs = model.discardedBeforeNs;
  return Number.isFinite(discardedNs) && discardedNs > model.startNs && discardedNs < model.endNs
    ? discardedNs
    : model.startNs;
}

/**
 * "Flight recorder: this trace holds the last 4.4 s (a window of 4 s); everything before 12.3 s
 * (since launch) was discarded", or undefined for a trace that is not a flight recording.
 */
export function flightRecorderBanner(model: TraceModel): string | undefined {
  if (!(model.ringWindowNs > 0)) {
    return undefined;
  }
  const fromNs = axisStartNs(model);
  const heldS = Math.max(0, model.endNs - fromNs) / 1e9;
  const discarded = Number.isFinite(model.discardedBeforeNs)
    ? `everything before ${formatDuration(model.discardedBeforeNs)} (since launch) was discarded`
    : 'nothing had been discarded yet';
  return `Flight recorder: this trace holds the last ${heldS.toFixed(1)} s (a window of ${windowText(model.ringWindowNs / 1e9)}); ${discarded}`;
}

/** "recording the last 2 s · running for 1 min 12 s · 23.4 MB on disk of a 1024 MB cap". */
export function recordingText(state: FlightRecorderMessage): string {
  return `Flight recorder: recording the last ${windowText(state.windowSeconds)} · running for ${elapsed(state.runningMs)} · ${megabytes(state.folderBytes)} on disk of a ${megabytes(state.capBytes)} cap`;
}

/** A window for people: "4 s", "0.5 s", "1.25 s". */
export function windowText(s: number): string {
  return `${Number(s.toFixed(2))} s`;
}

/** "12 s", "3 min 05 s", "2 h 01 min". */
function elapsed(ms: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  if (totalS < 60) {
    return `${totalS} s`;
  }
  const totalMin = Math.floor(totalS / 60);
  if (totalMin < 60) {
    return `${totalMin} min ${String(totalS % 60).padStart(2, '0')} s`;
  }
  return `${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
