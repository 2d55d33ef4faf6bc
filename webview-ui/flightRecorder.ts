/**
 * The flight recorder's line in the panel (issue #20): while a flight recording runs, that it
 * records (window, time run, size on disk against the cap) and "Show the last N s now"; once
 * the panel holds a window (the run ended, a snapshot, a saved ring trace), what it holds and
 * from when earlier events were discarded. Text only: nothing from the trace becomes HTML.
 */
import type { TraceModel } from '../src/model/traceModel';
import type {
  FlightRecorderMessage,
  FromWebviewMessage,
  ProgramStatus,
} from '../src/shared/protocol';
import { el } from './dom';
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
  return `Flight recorder: this trace holds the last ${heldS.toFixed(1)} s (a window of ${seconds(model.ringWindowNs / 1e9)}); ${discarded}`;
}

/** "recording the last 2 s · running for 1 min 12 s · 23.4 MB on disk of a 1024 MB cap". */
export function recordingText(state: FlightRecorderMessage): string {
  return `Flight recorder: recording the last ${seconds(state.windowSeconds)} · running for ${elapsed(state.runningMs)} · ${megabytes(state.folderBytes)} on disk of a ${megabytes(state.capBytes)} cap`;
}

/** The panel's flight-recorder line (hidden for every other trace). */
export class FlightRecorderBar {
  /** The line's element, placed under the toolbar. */
  readonly root: HTMLElement;
  private readonly recording = el('span', { id: 'ring-recording' });
  private readonly showNow = el('button', { id: 'ring-show-now' });
  private readonly banner = el('span', { id: 'ring-banner' });
  private state: FlightRecorderMessage | undefined;

  constructor(post: (message: FromWebviewMessage) => void) {
    this.showNow.title =
      'Read the window on disk now into this panel; the program and the recording go on';
    this.showNow.addEventListener('click', () => post({ type: 'showWindow' }));
    const recordingLine = el('div', { className: 'ring-line' }, this.recording, this.showNow);
    this.root = el('div', { id: 'flight-recorder', className: 'ring-bar' }, recordingLine);
    this.root.append(el('div', { className: 'ring-line' }, this.banner));
    this.root.setAttribute('role', 'status');
    this.root.hidden = true;
  }

  /** The host's latest word on the recording. */
  setState(state: FlightRecorderMessage): void {
    this.state = state;
  }

  /** Redraws the line from the trace in the panel and the program's state. */
  update(model: TraceModel, status: ProgramStatus | undefined): void {
    const state = this.state;
    const recording =
      !!state?.recording && (status?.state === 'running' || status?.state === 'starting');
    setText(this.recording, recording && state ? recordingText(state) : '');
    setText(this.showNow, state ? `Show the last ${seconds(state.windowSeconds)} now` : '');
    this.recording.parentElement!.hidden = !recording;
    const banner = flightRecorderBanner(model);
    setText(this.banner, banner ?? '');
    this.banner.parentElement!.hidden = banner === undefined;
    this.root.hidden = !recording && banner === undefined;
  }
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** "4 s", "0.5 s", "1.25 s". */
function seconds(s: number): string {
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
