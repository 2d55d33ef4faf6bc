/** The details panel: the selected span (ids, times, code, trigger chain) or a range's numbers. */
import { OP_KIND_LABELS, OP_KINDS } from '../src/model/opKinds';
import type { RangeStats } from '../src/model/rangeStats';
import type { TraceModel } from '../src/model/traceModel';
import type { SourcePosition, SourceTextMessage } from '../src/shared/protocol';
import { el } from './dom';
import { formatDuration, shortLocation, threadLabel } from './format';
import { hotList } from './hotList';
import { positionOf, spanCpuText } from './tooltip';

/** Most hops of a trigger chain listed (chains of promises can be very long). */
const MAX_HOPS = 40;
/** Most created operations listed. */
const MAX_CHILDREN = 12;
/** How much of the viewport's height a newly shown panel gets on screen (at most). */
const REVEAL_FRACTION = 0.45;

/** What the panel's buttons do. */
export interface DetailsActions {
  jump(position: SourcePosition): void;
  /** Select an operation (its first callback, if it ran). */
  selectRes(res: number): void;
  zoomToSelection(): void;
  close(): void;
  /** Ask the host for lines around a position; the answer comes through `sourceText`. */
  requestSource(id: number, file: string, line: number): void;
}

/** The panel under the views (a drawer on wide panels); hidden while nothing is selected. */
export class DetailsPanel {
  /** The panel element (#details). */
  readonly root = el('section', { id: 'details', className: 'details' });
  private requestId = 0;
  private pending = new Map<number, { pre: HTMLElement; line: number }>();
  private readonly cache = new Map<string, SourceTextMessage>();

  constructor(private readonly actions: DetailsActions) {
    this.root.hidden = true;
    this.root.setAttribute('aria-label', 'Details');
    this.root.tabIndex = -1;
  }

  /** Hides the panel. */
  clear(): void {
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  /** Shows one callback run of an operation (`span` -1: the operation alone). */
  showSpan(model: TraceModel, res: number, span: number, children: Int32Array): void {
    const kind = OP_KINDS[model.kindIndexOf(res)] ?? 'other';
    const type = model.typeOf(res);
    const thread = model.threads[model.resThread.data[res]];
    const rows: [string, string][] = [
      ['Kind', `${OP_KIND_LABELS[kind]} (${type})`],
      [
        'Thread',
        thread
          ? `${threadLabel(thread)} · pid ${thread.info.pid}, thread ${thread.info.threadId}`
          : '?',
      ],
      ['Async id', `${model.resAsyncId.data[res]} (trigger ${model.triggerIdOf(res)})`],
    ];
    if (span >= 0) {
      const startNs = model.spanStartNs.data[span];
      const endRaw = model.spanEndNs.data[span];
      const open = Number.isNaN(endRaw);
      const durNs = (open ? model.endNs : endRaw) - startNs;
      rows.push(
        [
          'Callback',
          `${at(startNs)} for ${formatDuration(durNs)}${open ? ' (still running)' : ''}`,
        ],
        [
          'Depth',
          model.spanDepth.data[span] ? `nested, depth ${model.spanDepth.data[span]}` : 'top level',
        ],
      );
      const cpu = spanCpuText(model, span);
      if (cpu) {
        rows.push(['Its thread', cpu]);
      }
    }
    const initNs = model.resInitNs.data[res];
    const firstRunNs = model.firstRunNs(res);
    const destroyNs = model.resDestroyNs.data[res];
    let ranNs = 0;
    let runs = 0;
    for (let s = model.resFirstSpan.data[res]; s >= 0; s = model.spanNextOfRes.data[s]) {
      const e = model.spanEndNs.data[s];
      ranNs += (Number.isNaN(e) ? model.endNs : e) - model.spanStartNs.data[s];
      runs++;
    }
    const before = Number.isFinite(model.discardedBeforeNs)
      ? 'before the window kept'
      : 'before tracing started';
    rows.push(['Created', Number.isNaN(initNs) ? before : at(initNs)]);
    const waited = Number.isNaN(initNs)
      ? 'unknown'
      : Number.isNaN(firstRunNs)
        ? `${formatDuration((Number.isNaN(destroyNs) ? model.endNs : destroyNs) - initNs)}, never ran`
        : formatDuration(firstRunNs - initNs);
    rows.push(
      ['Waiting', waited],
      ['Running', `${formatDuration(ranNs)} in ${runs} callback${runs === 1 ? '' : 's'}`],
      ['Destroyed', Number.isNaN(destroyNs) ? 'not yet' : at(destroyNs)],
    );
    const title = el('h3', { className: 'details-title', text: `${type}` });
    const parts: HTMLElement[] = [this.header(title, true), table(rows)];
    parts.push(this.site(model, res));
    parts.push(this.chain(model, res));
    if (span >= 0) {
      parts.push(...hotList(model, span, (position) => this.actions.jump(position)));
    }
    if (children.length) {
      const list = el('ul', { className: 'details-list' });
      for (let i = 0; i < Math.min(children.length, MAX_CHILDREN); i++) {
        list.append(el('li', {}, this.opButton(model, children[i])));
      }
      const more = children.length > MAX_CHILDREN ? ` (first ${MAX_CHILDREN})` : '';
      parts.push(
        el('h4', {
          text: `Created ${children.length} operation${children.length === 1 ? '' : 's'}${more}`,
        }),
        list,
      );
    }
    this.root.replaceChildren(...parts);
    this.show('span');
  }

  /** Shows the statistics of a selected range. */
  showRange(model: TraceModel, stats: RangeStats): void {
    const rows: [string, string][] = [
      ['Range', `${at(stats.startNs)} – ${at(stats.endNs)}`],
      ['Duration', formatDuration(stats.durationNs)],
      ['Operations', `${stats.opsStarted} started, ${stats.opsFinished} finished`],
      [
        'Cores busy',
        `${stats.coresBusy.toFixed(2)} on average${stats.coresSource === 'js threads' ? ' (JS callbacks only: no CPU samples)' : ''}`,
      ],
    ];
    // The program's own measures (performance.measure, console.time): count and time inside.
    for (const m of stats.measures.slice(0, 10)) {
      rows.push([
        `Measure ${m.name}`,
        `${m.count}× ${formatDuration(m.insideNs)} in range, longest ${formatDuration(m.longestNs)}`,
      ]);
    }
    if (stats.marks > 0) {
      rows.push(['Marks', String(stats.marks)]);
    }
    const body = el('tbody');
    for (const t of stats.threads) {
      const pct = stats.durationNs > 0 ? (100 * t.busyNs) / stats.durationNs : 0;
      body.append(
        el(
          'tr',
          {},
          el('td', { text: threadLabel(model.threads[t.lane]) }),
          el('td', { className: 'num', text: String(t.callbacks) }),
          el('td', { className: 'num', text: formatDuration(t.busyNs) }),
          el('td', { className: 'num', text: `${pct.toFixed(1)}%` }),
        ),
      );
    }
    const head = el(
      'thead',
      {},
      el('tr', {}, ...['Thread', 'Callbacks', 'Busy', 'Busy %'].map((h) => el('th', { text: h }))),
    );
    const perThread = el('table', { id: 'range-threads', className: 'details-grid' }, head, body);
    const title = el('h3', { className: 'details-title', text: 'Selected range' });
    this.root.replaceChildren(this.header(title, true), table(rows), perThread);
    this.show('range');
  }

  /** Fills a code excerpt the host sent. */
  sourceText(message: SourceTextMessage): void {
    const wanted = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (!wanted) {
      return;
    }
    this.cache.set(`${message.file}\n${wanted.line}`, message);
    fillCode(wanted.pre, message, wanted.line);
  }

  /**
   * Shows the panel. In the page's flow (narrow panels) it may start below the fold: the page
   * scrolls just enough to bring its top part on screen. A drawer (wide panels) is always visible.
   */
  private show(kind: 'span' | 'range'): void {
    const wasHidden = this.root.hidden;
    this.root.hidden = false;
    this.root.dataset.kind = kind;
    this.root.scrollTop = 0;
    if (!wasHidden || getComputedStyle(this.root).position === 'fixed') {
      return;
    }
    const rect = this.root.getBoundingClientRect();
    const visiblePx = window.innerHeight - rect.top;
    const wantPx = Math.min(rect.height, window.innerHeight * REVEAL_FRACTION);
    if (visiblePx < wantPx) {
      window.scrollBy(0, wantPx - visiblePx);
    }
  }

  private header(title: HTMLElement, zoom: boolean): HTMLElement {
    const close = el('button', { className: 'details-close', text: 'Close' });
    close.title = 'Clear the selection (Escape)';
    close.addEventListener('click', () => this.actions.close());
    const buttons = el('div', { className: 'details-buttons' });
    if (zoom) {
      const zoomButton = el('button', { id: 'details-zoom', text: 'Zoom to' });
      zoomButton.title = 'Zoom to the selection (F)';
      zoomButton.addEventListener('click', () => this.actions.zoomToSelection());
      buttons.append(zoomButton);
    }
    buttons.append(close);
    return el('div', { className: 'details-header' }, title, buttons);
  }

  private site(model: TraceModel, res: number): HTMLElement {
    const loc = model.locationOf(res);
    if (!loc) {
      return el('p', { className: 'details-muted', text: 'Creation site unknown.' });
    }
    const link = this.linkButton(
      `${shortLocation(loc)}${loc.inferred ? ' (inferred)' : ''}`,
      positionOf(model, res)!,
    );
    link.id = 'details-site';
    link.title = loc.file;
    const pre = el('pre', { id: 'details-code', className: 'details-code' });
    const cached = this.cache.get(`${loc.file}\n${loc.line}`);
    if (cached) {
      fillCode(pre, cached, loc.line);
    } else {
      const id = ++this.requestId;
      this.pending.set(id, { pre, line: loc.line });
      this.actions.requestSource(id, loc.file, loc.line);
    }
    return el('div', {}, el('h4', { text: 'Created at ' }, link), pre);
  }

  private chain(model: TraceModel, res: number): HTMLElement {
    const list = el('ol', { id: 'details-chain', className: 'details-list' });
    const seen = new Set<number>([res]);
    let hop = model.resTrigger.data[res];
    let thread = model.threads[model.resThread.data[res]];
    let count = 0;
    while (count < MAX_HOPS) {
      if (hop < 0 && thread && thread.createdBy >= 0 && !seen.has(thread.createdBy)) {
        // The first operations of a worker were triggered by its parent's WORKER operation.
        hop = thread.createdBy;
      }
      if (hop < 0 || seen.has(hop)) {
        break;
      }
      seen.add(hop);
      list.append(el('li', {}, this.opButton(model, hop)));
      thread = model.threads[model.resThread.data[hop]];
      hop = model.resTrigger.data[hop];
      count++;
    }
    const end = count >= MAX_HOPS ? '… (chain continues)' : 'program start';
    list.append(el('li', { className: 'details-muted', text: end }));
    return el('div', {}, el('h4', { text: 'Trigger chain' }), list);
  }

  private opButton(model: TraceModel, res: number): HTMLElement {
    const loc = model.locationOf(res);
    const label = `${model.typeOf(res)}${loc ? ` at ${shortLocation(loc)}` : ''}`;
    const button = el('button', { className: 'link', text: label });
    button.title = loc ? `Select it and open ${loc.file}:${loc.line}` : 'Select it';
    button.dataset.res = String(res);
    button.addEventListener('click', () => {
      const position = positionOf(model, res);
      if (position) {
        this.actions.jump(position);
      }
      this.actions.selectRes(res);
    });
    return button;
  }

  private linkButton(text: string, position: SourcePosition): HTMLButtonElement {
    const button = el('button', { className: 'link', text });
    button.addEventListener('click', () => this.actions.jump(position));
    return button;
  }
}

/** "12.5 ms" since launch. */
function at(timeNs: number): string {
  return formatDuration(timeNs);
}

function table(rows: [string, string][]): HTMLElement {
  const dl = el('dl', { className: 'details-table' });
  for (const [k, v] of rows) {
    dl.append(el('dt', { text: k }), el('dd', { text: v }));
  }
  return dl;
}

function fillCode(pre: HTMLElement, message: SourceTextMessage, line: number): void {
  if (!message.lines.length) {
    pre.replaceChildren(el('span', { className: 'details-muted', text: 'Source not available.' }));
    return;
  }
  pre.replaceChildren(
    ...message.lines.map((text, i) => {
      const n = message.firstLine + i;
      return el('div', {
        className: n === line ? 'code-line current' : 'code-line',
        text: `${String(n).padStart(5)}  ${text}`,
      });
    }),
  );
}
