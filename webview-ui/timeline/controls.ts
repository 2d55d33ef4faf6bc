/** The timeline's control bar: search and filters, match stepping, arrows, fit, live follow. */
import { OP_KIND_LABELS, OP_KINDS } from '../../src/model/opKinds';
import type { TraceModel } from '../../src/model/traceModel';
import { el, setIfChanged } from '../dom';
import { threadLabel } from '../format';
import { NO_FILTER, type FilterSpec } from './spanFilter';

/** What the controls ask of the timeline. */
export interface ControlsActions {
  setFilter(spec: FilterSpec): void;
  step(dir: 1 | -1): void;
  setFlows(on: boolean): void;
  fit(): void;
  followLive(): void;
}

/** The bar above the overview (#timeline-controls). */
export class Controls {
  /** The bar element. */
  readonly root: HTMLElement;
  /** The search box (key / focuses it). */
  readonly search = el('input', { id: 'search' });
  private readonly kind = el('select', { id: 'filter-kind' });
  private readonly thread = el('select', { id: 'filter-thread' });
  private readonly minDuration = el('input', { id: 'filter-min' });
  private readonly count = el('span', { id: 'search-count', className: 'search-count' });
  private readonly flows = el('input', { id: 'show-flows' });
  /** Shown while a live trace is not followed. */
  readonly followLive = el('button', { id: 'follow-live', text: 'Follow live ⏵' });
  private threadCount = -1;
  private timer = 0;

  constructor(actions: ControlsActions) {
    this.search.type = 'search';
    this.search.placeholder = 'Search type or file:line';
    this.search.setAttribute('aria-label', 'Search operations by type or file');
    this.kind.setAttribute('aria-label', 'Filter by kind');
    this.kind.append(
      option('-1', 'All kinds'),
      ...OP_KINDS.map((k, i) => option(String(i), OP_KIND_LABELS[k])),
    );
    this.thread.setAttribute('aria-label', 'Filter by thread');
    this.minDuration.type = 'number';
    this.minDuration.min = '0';
    this.minDuration.step = 'any';
    this.minDuration.placeholder = 'min µs';
    this.minDuration.title = 'Shortest callback duration, in microseconds';
    this.minDuration.setAttribute('aria-label', 'Minimum callback duration in microseconds');
    this.count.setAttribute('aria-live', 'polite');
    const prev = el('button', { id: 'search-prev', text: '‹ Prev' });
    const next = el('button', { id: 'search-next', text: 'Next ›' });
    prev.title = 'Previous match (Shift+N)';
    next.title = 'Next match (N, or Enter in the search box)';
    prev.addEventListener('click', () => actions.step(-1));
    next.addEventListener('click', () => actions.step(1));
    this.flows.type = 'checkbox';
    this.flows.checked = true;
    this.flows.addEventListener('change', () => actions.setFlows(this.flows.checked));
    const flowsLabel = el(
      'label',
      { className: 'toggle' },
      this.flows,
      document.createTextNode(' Causality arrows'),
    );
    const fit = el('button', { id: 'fit', text: 'Fit' });
    fit.title = 'Show the whole run (0, or double-click)';
    fit.addEventListener('click', () => actions.fit());
    this.followLive.title = 'Return to the live edge of the running program';
    this.followLive.hidden = true;
    this.followLive.addEventListener('click', () => actions.followLive());
    const changed = (): void => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => actions.setFilter(this.spec()), 120);
    };
    this.search.addEventListener('input', changed);
    this.minDuration.addEventListener('input', changed);
    this.kind.addEventListener('change', () => actions.setFilter(this.spec()));
    this.thread.addEventListener('change', () => actions.setFilter(this.spec()));
    this.search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        clearTimeout(this.timer);
        actions.setFilter(this.spec());
        actions.step(ev.shiftKey ? -1 : 1);
        ev.preventDefault();
      } else if (ev.key === 'Escape') {
        this.search.blur();
      }
    });
    this.root = el(
      'div',
      { id: 'timeline-controls', className: 'timeline-controls' },
      this.search,
      this.kind,
      this.thread,
      this.minDuration,
      prev,
      next,
      this.count,
      flowsLabel,
      fit,
      this.followLive,
    );
    this.root.setAttribute('role', 'toolbar');
    this.root.setAttribute('aria-label', 'Timeline');
    this.updateThreads(undefined);
  }

  /** The filter the inputs describe. */
  spec(): FilterSpec {
    const minUs = parseFloat(this.minDuration.value);
    return {
      ...NO_FILTER,
      text: this.search.value.trim(),
      kind: Number(this.kind.value),
      thread: Number(this.thread.value),
      minDurationNs: Number.isFinite(minUs) && minUs > 0 ? minUs * 1e3 : 0,
    };
  }

  /** Lists the model's threads in the thread filter (when their number changed). */
  updateThreads(model: TraceModel | undefined): void {
    const threads = model?.threads ?? [];
    if (threads.length === this.threadCount) {
      return;
    }
    this.threadCount = threads.length;
    const value = this.thread.value;
    this.thread.replaceChildren(
      option('-1', 'All threads'),
      ...threads.map((t, i) => option(String(i), threadLabel(t))),
    );
    this.thread.value = Number(value) < threads.length ? value : '-1';
  }

  /** Shows "3 / 120 matches", or nothing without a filter. */
  setCount(active: boolean, rank: number, total: number): void {
    const text = !active
      ? ''
      : total === 0
        ? 'no matches'
        : `${rank ? `${rank} / ` : ''}${total} match${total === 1 ? '' : 'es'}`;
    // Called on every redraw: the same text is not written again (a write costs a layout).
    setIfChanged(this.count, 'textContent', text);
  }
}

function option(value: string, text: string): HTMLOptionElement {
  const o = el('option', { text });
  o.value = value;
  return o;
}
