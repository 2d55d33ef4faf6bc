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
import { flightRecorderBanner, recordingText, windowText } from './flightRecorderText';

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

  /** The host's latest word on the recording (undefined: none, e.g. a new run without one). */
  setState(state: FlightRecorderMessage | undefined): void {
    this.state = state;
  }

  /** Redraws the line from the trace in the panel and the program's state. */
  update(model: TraceModel, status: ProgramStatus | undefined): void {
    const state = this.state;
    const recording =
      !!state?.recording && (status?.state === 'running' || status?.state === 'starting');
    setText(this.recording, recording && state ? recordingText(state) : '');
    setText(this.showNow, state ? `Show the last ${windowText(state.windowSeconds)} now` : '');
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
