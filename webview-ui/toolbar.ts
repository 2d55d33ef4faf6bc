/** The toolbar (title, status, Stop / Run Again / Save, legend) and the error banner. */
import { OP_KIND_LABELS, OP_KINDS, opKindOf } from '../src/model/opKinds';
import type { TraceModel } from '../src/model/traceModel';
import type { FromWebviewMessage, ProgramStatus, SessionInfo } from '../src/shared/protocol';
import { el } from './dom';
import { statusText } from './format';

/** The panel's header: what runs, in which state, and what the colours mean. */
export class Toolbar {
  /** The header element. */
  readonly root: HTMLElement;
  /** The error banner (role=alert), hidden while there is no error. */
  readonly errorBanner: HTMLElement;
  /** One swatch per op kind, in OP_KINDS order: the canvases read their colours from these. */
  readonly swatches: HTMLElement[];
  private readonly title = el('span', {
    id: 'title',
    className: 'title',
    text: 'Concurrency Visualizer',
  });
  private readonly command = el('span', { id: 'command', className: 'command' });
  private readonly status = el('span', {
    id: 'status',
    className: 'status',
    text: statusText(undefined),
  });
  private readonly notice = el('span', { id: 'notice', className: 'notice' });
  private readonly stop = el('button', { id: 'stop', text: 'Stop' });
  private readonly runAgain = el('button', { id: 'run-again', text: 'Run Again' });
  private readonly save = el('button', { id: 'save', text: 'Save…' });
  private readonly legendItems: HTMLElement[];
  private readonly errorText = el('span', { id: 'error-text' });
  private session: SessionInfo | undefined;
  private state: ProgramStatus | undefined;

  constructor(post: (message: FromWebviewMessage) => void) {
    this.status.dataset.state = 'none';
    this.status.setAttribute('role', 'status');
    this.stop.title = 'Stop the program (SIGINT, then SIGTERM, then SIGKILL)';
    this.runAgain.title = 'Run the program again with the same settings';
    this.stop.addEventListener('click', () => post({ type: 'stop' }));
    this.runAgain.addEventListener('click', () => post({ type: 'runAgain' }));
    this.save.title = 'Save the trace as a .cvtrace file (Concurrency Visualizer: Save Trace As…)';
    this.save.addEventListener('click', () => post({ type: 'save' }));
    this.swatches = OP_KINDS.map((kind) => el('span', { className: `swatch kind-${kind}` }));
    this.legendItems = OP_KINDS.map((kind, i) =>
      el(
        'li',
        { className: 'legend-item absent' },
        this.swatches[i],
        document.createTextNode(OP_KIND_LABELS[kind]),
      ),
    );
    const legend = el('ul', { id: 'legend', className: 'legend' }, ...this.legendItems);
    legend.setAttribute('aria-label', 'Operation kinds');
    this.root = el(
      'header',
      { className: 'toolbar' },
      el('div', { className: 'heading' }, this.title, this.command),
      this.status,
      this.notice,
      el('div', { className: 'buttons' }, this.stop, this.runAgain, this.save),
      legend,
    );
    const dismiss = el('button', { className: 'dismiss', text: 'Dismiss' });
    dismiss.addEventListener('click', () => this.showError(undefined));
    this.errorBanner = el(
      'div',
      { id: 'error', className: 'error-banner' },
      this.errorText,
      dismiss,
    );
    this.errorBanner.setAttribute('role', 'alert');
    this.errorBanner.hidden = true;
    this.setStatus(undefined);
  }

  /** Shows the session's title and command line. */
  setSession(session: SessionInfo | undefined): void {
    this.title.textContent = session?.title ?? 'Concurrency Visualizer';
    this.command.textContent = session?.commandLine ?? '';
    this.command.title = session?.programPath ?? session?.commandLine ?? '';
    this.session = session;
    this.updateButtons();
  }

  /** Shows the program's state and enables the buttons that make sense in it. */
  setStatus(status: ProgramStatus | undefined): void {
    this.status.textContent = statusText(status);
    this.status.dataset.state = status?.state ?? 'none';
    this.state = status;
    this.updateButtons();
  }

  /**
   * Stop while the program runs; Run Again once it has ended, and in a restored panel (replay)
   * when the session knows its program (the host runs it again).
   */
  private updateButtons(): void {
    const state = this.state?.state;
    const live = state === 'starting' || state === 'running';
    this.stop.disabled = !live;
    this.runAgain.disabled = !state || live || (state === 'replay' && !this.session?.programPath);
    // A trace exists once the host has hydrated the panel, even while the program runs.
    this.save.disabled = !state;
  }

  /** Shows an error in the banner, or hides it (undefined). */
  showError(message: string | undefined): void {
    this.errorText.textContent = message ?? '';
    this.errorBanner.hidden = message === undefined;
  }

  /** Marks the kinds present in the trace and says when events were dropped. */
  updateFromModel(model: TraceModel): void {
    const present = new Set<number>();
    for (const type of model.types) {
      present.add(OP_KINDS.indexOf(opKindOf(type)));
    }
    this.legendItems.forEach((item, i) => item.classList.toggle('absent', !present.has(i)));
    const dropped = model.threads.reduce((sum, t) => sum + t.dropped, 0);
    this.notice.textContent = dropped
      ? `${dropped} events dropped by the tracer (size cap): the figures cover only the recorded part`
      : '';
  }
}
