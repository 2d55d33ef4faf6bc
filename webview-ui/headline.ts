/**
 * The headline at the top of the panel: the verdict in one sentence, the top findings (each
 * selects its span or stretch of time and opens its line), the cores used against the
 * machine's, and a warning when the trace is partial. It also posts the `insights` message
 * to the host once the figures are final. Recomputed at most once a second while the trace
 * grows, and once at the end: never per frame. Text only (textContent), never HTML.
 */
import { computeInsights } from '../src/model/insights';
import type { TraceModel } from '../src/model/traceModel';
import { coresFigures } from '../src/model/verdict';
import type { Finding, Insights } from '../src/shared/insights';
import type { FromWebviewMessage, ProgramStatus, SourcePosition } from '../src/shared/protocol';
import { el } from './dom';

/** What the headline asks of the timeline when a finding is clicked. */
export interface HeadlineActions {
  /** Selects a callback span and brings it into view. */
  revealSpan(span: number): void;
  /** Selects a stretch of time and brings it into view. */
  revealRange(startNs: number, endNs: number): void;
  post(message: FromWebviewMessage): void;
}

/** At most this often while the program runs, ms. */
const LIVE_INTERVAL_MS = 1000;
/** Findings the headline lists. */
const TOP_FINDINGS = 3;

/** States in which the trace will not grow any more. */
function isFinal(status: ProgramStatus | undefined): boolean {
  const state = status?.state;
  return state === 'exited' || state === 'stopped' || state === 'failed' || state === 'replay';
}

/** The headline section; `update` after every change of the model or the status. */
export class Headline {
  /** The section element (placed right under the toolbar). */
  readonly root: HTMLElement;
  private readonly verdict = el('p', { id: 'headline-verdict', className: 'headline-verdict' });
  private readonly findings = el('ul', { id: 'headline-findings', className: 'headline-findings' });
  private readonly cores = el('p', { id: 'headline-cores', className: 'headline-cores' });
  private readonly warning = el('p', { id: 'headline-warning', className: 'headline-warning' });
  private model: TraceModel | undefined;
  private status: ProgramStatus | undefined;
  /** The model version and finality last shown, so an unchanged trace costs nothing. */
  private shownVersion = -1;
  private shownFinal = false;
  private shownModel: TraceModel | undefined;
  private lastRunMs = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last insights computed (tests and the host read them). */
  last: Insights | undefined;

  constructor(private readonly actions: HeadlineActions) {
    this.root = el(
      'section',
      { id: 'headline', className: 'headline' },
      this.verdict,
      this.findings,
      this.cores,
      this.warning,
    );
    this.root.setAttribute('aria-label', 'Headline');
    this.root.setAttribute('aria-live', 'polite');
    this.root.hidden = true;
  }

  /** The trace or the status changed: recompute now if final, else at most once a second. */
  update(model: TraceModel, status: ProgramStatus | undefined): void {
    this.model = model;
    this.status = status;
    const final = isFinal(status);
    if (
      model === this.shownModel &&
      model.version === this.shownVersion &&
      final === this.shownFinal
    ) {
      return;
    }
    const waitMs = this.lastRunMs + LIVE_INTERVAL_MS - performance.now();
    if ((final && final !== this.shownFinal) || model !== this.shownModel || waitMs <= 0) {
      this.run();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.run(), waitMs);
    }
  }

  private run(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const model = this.model;
    if (!model) {
      return;
    }
    this.lastRunMs = performance.now();
    const final = isFinal(this.status);
    this.shownModel = model;
    this.shownVersion = model.version;
    this.shownFinal = final;
    if (model.threads.length === 0) {
      this.root.hidden = true;
      return;
    }
    const cores = coresFigures(model);
    // Per-line figures only for the host, once final: the headline needs none.
    const insights = computeInsights(model, { cores, final, lines: final });
    this.last = insights;
    this.render(
      model,
      insights,
      cores.meanBusyWhileBusy,
      cores.peakBusy,
      cores.machine,
      cores.estimate,
    );
    if (final) {
      this.actions.post({ type: 'insights', insights });
    }
  }

  private render(
    model: TraceModel,
    insights: Insights,
    meanCores: number,
    peakCores: number,
    machine: number,
    estimate: boolean,
  ): void {
    this.root.hidden = false;
    const sentence = firstSentence(insights.verdict.text);
    this.verdict.textContent = insights.final ? sentence : `So far: ${sentence}`;
    this.verdict.title = insights.verdict.text;
    this.verdict.dataset.kind = insights.verdict.kind;
    const items = insights.findings.slice(0, TOP_FINDINGS).map((f) => this.item(model, f));
    this.findings.replaceChildren(...items);
    this.findings.hidden = items.length === 0;
    this.cores.textContent = `Cores: ${meanCores.toFixed(2)} of ${machine} busy on average while computing (peak ${peakCores.toFixed(2)})${estimate ? ', estimated' : ''}`;
    this.warning.textContent = partialWarning(model, this.status);
    this.warning.hidden = this.warning.textContent === '';
  }

  /** One finding as a button: selects its span (or time) and opens its line. */
  private item(model: TraceModel, finding: Finding): HTMLElement {
    const button = el('button', {
      className: 'headline-finding',
      text: `${finding.severity === 'warning' ? '⚠ ' : ''}${finding.text}`,
    });
    button.dataset.kind = finding.kind;
    button.dataset.severity = finding.severity;
    button.title = finding.file
      ? `${finding.text}\nClick: select it in the timeline and open ${finding.file}:${finding.line}`
      : `${finding.text}\nClick: select it in the timeline`;
    button.addEventListener('click', () => this.open(model, finding));
    return el('li', {}, button);
  }

  private open(model: TraceModel, finding: Finding): void {
    const span = finding.kind === 'blocking' ? spanOf(model, finding) : -1;
    if (span >= 0) {
      this.actions.revealSpan(span);
    } else if (finding.startNs !== undefined && finding.endNs !== undefined) {
      this.actions.revealRange(finding.startNs, finding.endNs);
    }
    if (finding.file && finding.line) {
      const position: SourcePosition = {
        file: finding.file,
        line: finding.line,
        column: finding.column ?? 1,
      };
      this.actions.post({ type: 'jump', position });
    }
  }
}

/** The verdict's first sentence (its figures' sentences follow; the title has them all). */
function firstSentence(text: string): string {
  const end = text.indexOf('. ');
  return end < 0 ? text : text.slice(0, end + 1);
}

/** The top-level span a blocking finding is about: its thread's callback starting at startNs. */
function spanOf(model: TraceModel, finding: Finding): number {
  const row = model.threads.find(
    (t) => t.info.pid === finding.pid && t.info.threadId === finding.threadId,
  );
  const lane = row?.spansAtDepth[0];
  if (!lane || finding.startNs === undefined) {
    return -1;
  }
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.spanStartNs.data[lane.data[mid]] < finding.startNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < lane.length && model.spanStartNs.data[lane.data[lo]] === finding.startNs
    ? lane.data[lo]
    : -1;
}

/** Why the figures may be partial: events dropped, or a thread that never wrote its end. */
function partialWarning(model: TraceModel, status: ProgramStatus | undefined): string {
  let dropped = 0;
  for (const t of model.threads) {
    dropped += t.dropped;
  }
  const parts: string[] = [];
  if (dropped > 0) {
    parts.push(
      `⚠ ${dropped} events were not recorded (the trace reached its size cap): the figures cover the recorded part.`,
    );
  }
  if (isFinal(status) && model.threads.some((t) => t.end === undefined)) {
    parts.push(
      '⚠ The trace was cut off: a thread or process ended without writing its end (killed, aborted or lost).',
    );
  }
  return parts.join(' ');
}
