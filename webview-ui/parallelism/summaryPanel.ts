/**
 * The verdict in numbers (DOM, text only): the one-line verdict, the figures behind it, and the
 * longest blocking callbacks, each a button that jumps to its creation site.
 */
import { summarize, type TraceSummary } from '../../src/model/summary';
import { starvationText } from '../../src/model/verdict';
import { OS_THREAD_KIND_LABELS, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import type { TraceModel } from '../../src/model/traceModel';
import type { SourcePosition } from '../../src/shared/protocol';
import { el } from '../dom';
import { basename } from '../format';

/** While a live model grows, summarize it at most this often. */
const REFRESH_MS = 1000;
/**
 * A summary of a large trace takes long (a second for a million callbacks on a slow machine):
 * while the trace grows, the next waits this many times as long as the last took, so that
 * summarizing never holds more than a fifth of the main thread and the timeline stays fluid.
 */
const REFRESH_COST_FACTOR = 4;

/** The verdict's head as shown in bold: everything before the first colon. */
function splitVerdict(text: string): [string, string] {
  const cut = text.indexOf(':');
  return cut < 0 ? [text, ''] : [text.slice(0, cut + 1), text.slice(cut + 1)];
}

function ms(x: number): string {
  return x >= 100 ? `${Math.round(x)} ms` : `${Number(x.toFixed(1))} ms`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** The summary section; `update(model)` schedules a refresh, `flush()` does it now. */
export class SummaryPanel {
  /** The section's element. */
  readonly root: HTMLElement;
  /** The last summary shown. */
  summary: TraceSummary | undefined;
  private readonly verdict: HTMLElement;
  private readonly figures: HTMLElement;
  private readonly blocking: HTMLElement;
  private model: TraceModel | undefined;
  private shown: TraceModel | undefined;
  private version = -1;
  private shownAt = 0;
  private lastCostMs = 0;
  private timer = 0;
  /** The section is on screen (where IntersectionObserver is missing: always). */
  private onScreen = typeof IntersectionObserver === 'undefined';

  constructor(private readonly onJump: (position: SourcePosition) => void) {
    this.verdict = el('p', { id: 'pl-verdict', className: 'pl-verdict' });
    this.verdict.setAttribute('aria-live', 'polite');
    this.figures = el('ul', { className: 'pl-figures' });
    this.blocking = el('ol', { id: 'pl-blocking', className: 'pl-blocking' });
    this.root = el(
      'section',
      { id: 'pl-summary', className: 'pl-summary' },
      this.verdict,
      this.figures,
      el('h3', { className: 'pl-subtitle', text: 'Longest blocking callbacks' }),
      this.blocking,
    );
    this.root.setAttribute('aria-label', 'Verdict and figures');
    if (!this.onScreen) {
      new IntersectionObserver((entries) => {
        this.onScreen = entries[entries.length - 1].isIntersecting;
        this.schedule();
      }).observe(this.root);
    }
  }

  /**
   * Refreshes for `model`, off the redraw that reported it (summarizing sorts every span): soon
   * for a new model, at most once a second while one grows, and only while the section is on
   * screen: a million callbacks take over half a second to summarize (5M: over two), which,
   * right after the first paint, held up the user's first zooms for a section below the fold.
   */
  update(model: TraceModel): void {
    if (model === this.model && model.version === this.version) {
      return;
    }
    const fresh = model !== this.model;
    this.model = model;
    // Once per new trace (a DOM write in every redraw would cost each frame a layout).
    if (fresh && model !== this.shown) {
      this.verdict.dataset.kind = 'pending';
      this.verdict.replaceChildren(document.createTextNode('Summarizing…'));
      this.figures.replaceChildren();
      this.blocking.replaceChildren();
    }
    this.schedule();
  }

  /** Shows the current model's summary now, if it is out of date. */
  flush(): void {
    if (this.stale()) {
      this.show(this.model!);
    }
  }

  private stale(): boolean {
    return !!this.model && (this.model.version !== this.version || this.model !== this.shown);
  }

  /** Schedules a refresh if one is due and the section is on screen. */
  private schedule(): void {
    if (!this.onScreen || this.timer || !this.stale()) {
      return;
    }
    const run = (): void => {
      this.timer = 0;
      if (this.onScreen) {
        this.flush();
      }
    };
    if (this.model !== this.shown) {
      // A new trace: after the next frame, so that the placeholder is painted first.
      this.timer = requestAnimationFrame(() => (this.timer = window.setTimeout(run, 0)));
      return;
    }
    const intervalMs = Math.max(REFRESH_MS, REFRESH_COST_FACTOR * this.lastCostMs);
    this.timer = window.setTimeout(run, Math.max(0, this.shownAt + intervalMs - Date.now()));
  }

  private show(model: TraceModel): void {
    this.shown = model;
    this.version = model.version;
    const t0 = performance.now();
    const s = summarize(model);
    this.summary = s;
    const [head, rest] = splitVerdict(s.verdict.text);
    this.verdict.dataset.kind = s.verdict.kind;
    this.verdict.replaceChildren(el('strong', { text: head }), document.createTextNode(rest));
    this.figures.replaceChildren(...figureLines(s).map((text) => el('li', { text })));
    this.blocking.replaceChildren(...this.blockingItems(s));
    this.lastCostMs = performance.now() - t0;
    this.shownAt = Date.now();
  }

  private blockingItems(s: TraceSummary): HTMLElement[] {
    if (!s.blocking.length) {
      return [el('li', { className: 'pl-muted', text: 'No callback ran 10 ms or more.' })];
    }
    return s.blocking.map((b) => {
      const where = b.file ? `${basename(b.file)}:${b.line}` : '(no creation site)';
      const cpu =
        b.cpuMs !== undefined && b.runQueueMs !== undefined
          ? ` (on a CPU ${ms(b.cpuMs)}, waited ${ms(b.runQueueMs)} for one)`
          : '';
      const text = `${ms(b.durationMs)}${cpu}  ${b.type}  ${where}  on ${b.thread}`;
      if (!b.file || b.line === undefined) {
        return el('li', {}, el('span', { className: 'pl-muted', text }));
      }
      const button = el('button', { className: 'pl-jump', text });
      button.type = 'button';
      button.title = `${b.file}:${b.line}:${b.column ?? 1}`;
      const position = { file: b.file, line: b.line, column: b.column ?? 1 };
      button.addEventListener('click', () => this.onJump(position));
      return el('li', {}, button);
    });
  }
}

/** The figures behind the verdict, one line each. */
export function figureLines(s: TraceSummary): string[] {
  const c = s.cores;
  const lines: string[] = [];
  const est = c.estimate ? ' (estimates: no OS thread samples)' : '';
  lines.push(
    `Cores${est}: ${c.meanBusy.toFixed(2)} of ${c.machine} busy on average over the run, ${c.meanBusyWhileBusy.toFixed(2)} while it computed (ran or waited for a core); peak ${c.peakBusy.toFixed(2)} (over any 10 ms); 1.5 or more busy for ${ms(c.parallelMs)} of ${ms(c.busyMs)} computing.`,
  );
  if (c.otherMeasured) {
    lines.push(
      `Other processes: ${c.otherBusyMean.toFixed(2)} of ${c.machine} cores busy on average over the run, ${c.otherBusyWhileBusy.toFixed(2)} while the program computed; peak ${c.otherBusyPeak.toFixed(2)}.`,
    );
  }
  if (c.starvation) {
    lines.push(`Starved of CPU: ${starvationText(c.starvation, c.machine)}.`);
  }
  lines.push(
    c.estimate
      ? 'Run-queue wait: not measured (no OS thread samples).'
      : `Run-queue wait: threads waited ${ms(c.runQueueWaitMs)} in total for a free core${c.runQueueWaitMs > c.busyMs ? ' (more threads wanted a core than there were cores)' : ''}.`,
  );
  for (const t of s.threads) {
    const cpu = t.cpuMs !== undefined ? `, CPU ${ms(t.cpuMs)}` : '';
    lines.push(
      `Event loop ${t.name} (pid ${t.pid}, thread ${t.threadId}): async operations in flight peak ${t.peakInFlight}, mean ${t.meanInFlight.toFixed(2)}; utilization ${pct(t.eventLoopUtilization)}${cpu}.`,
    );
  }
  if (s.osThreads.length) {
    const counts = OS_THREAD_KINDS.map(
      (kind) => [kind, s.osThreads.filter((t) => t.kind === kind).length] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${OS_THREAD_KIND_LABELS[kind].toLowerCase()}`);
    const inferred = s.osThreads.filter((t) => t.basis === 'activity').length;
    lines.push(
      `OS threads: ${s.osThreads.length} (${counts.join(', ')})${inferred ? `; ${inferred} classified by activity (shown in italics)` : ''}.`,
    );
  }
  const sm = s.sampler;
  lines.push(
    sm.available && !sm.estimate
      ? `Sampler: ${sm.samples} samples, every ${sm.intervalMs} ms; it cost ${sm.cpuPercentOfOneCore}% of one core.`
      : `Sampler: ${sm.available ? 'estimates' : 'unavailable'}${sm.reason ? ` (${sm.reason})` : ''}: thread and core figures are estimates from JS callbacks.`,
  );
  return lines;
}
