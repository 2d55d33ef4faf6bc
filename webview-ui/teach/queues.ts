/**
 * The queues panel: for each JS thread, what runs at the cursor and what waits in which queue
 * (src/model/queues.ts derives it), rebuilt only when that changes. Text only, never HTML.
 */
import {
  QUEUE_LABELS,
  QUEUE_NAMES,
  queuesAt,
  type QueueEntry,
  type QueueName,
} from '../../src/model/queues';
import type { TraceModel } from '../../src/model/traceModel';
import { el } from '../dom';
import { basename, formatDuration, threadLabel } from '../format';

/** Queues shown even when empty (the event loop's own); the threadpool's only when used. */
const ALWAYS_SHOWN: QueueName[] = ['nextTick', 'microtasks', 'timers', 'immediates', 'io'];

/** The `#queues` panel. */
export class QueuesPanel {
  /** The panel's element. */
  readonly root = el('section', { id: 'queues', className: 'queues' });
  private key = '';

  constructor() {
    this.root.setAttribute('aria-label', 'Queues at the cursor');
    this.root.hidden = true;
  }

  /** Shows what waits at `timeNs` (DOM rebuilt only when the content changes). */
  update(model: TraceModel, timeNs: number): void {
    const threads = queuesAt(model, timeNs);
    const key = JSON.stringify(
      threads.map((t) => [t.running, QUEUE_NAMES.map((n) => t.queues[n].map((e) => e.res))]),
    );
    if (key === this.key) {
      return;
    }
    this.key = key;
    const blocks: HTMLElement[] = [];
    for (const tq of threads) {
      const waiting = QUEUE_NAMES.some((n) => tq.queues[n].length);
      // A thread with nothing running and nothing waiting says nothing (workers not started yet).
      if (!waiting && !tq.running.length && threads.length > 1) {
        continue;
      }
      const row = model.threads[tq.thread];
      // Each entry's turn among all this thread waits for: the order the trace shows they ran.
      const turns = new Map<QueueEntry, number>();
      QUEUE_NAMES.flatMap((n) => tq.queues[n])
        .filter((e) => !Number.isNaN(e.runsAtNs))
        .sort((a, b) => a.runsAtNs - b.runsAtNs)
        .forEach((e, i) => turns.set(e, i + 1));
      const top = tq.running[tq.running.length - 1];
      const running =
        top === undefined
          ? 'idle (the event loop waits)'
          : entryText(model, model.spanRes.data[top]);
      const columns = QUEUE_NAMES.filter(
        (n) => ALWAYS_SHOWN.includes(n) || tq.queues[n].length,
      ).map((name) => {
        const list = el('ol', { className: 'queue-items' });
        for (const entry of tq.queues[name]) {
          list.append(itemOf(model, entry, turns.get(entry)));
        }
        const column = el(
          'div',
          { className: 'queue' },
          el('div', { className: 'queue-name', text: QUEUE_LABELS[name] }),
          list,
        );
        column.dataset.queue = name;
        return column;
      });
      const block = el(
        'div',
        { className: 'queue-thread' },
        el(
          'div',
          { className: 'queue-running' },
          el('b', { text: threadLabel(row) }),
          document.createTextNode(`  running: ${running}`),
        ),
        el('div', { className: 'queue-columns' }, ...columns),
      );
      block.dataset.thread = String(tq.thread);
      if (tq.truncated) {
        block.append(
          el('div', { className: 'queue-note', text: 'only the latest 20,000 operations scanned' }),
        );
      }
      blocks.push(block);
    }
    this.root.replaceChildren(
      el('div', { className: 'queue-title', text: 'Queues at the cursor' }),
      ...blocks,
    );
  }
}

/** 'Timeout (lesson.js:16)'. */
function entryText(model: TraceModel, res: number): string {
  const loc = model.locationOf(res);
  const where = loc ? ` (${basename(loc.file)}:${loc.line})` : '';
  return `${model.typeOf(res)}${where}`;
}

/** One waiting operation: its turn, its type and line, and whether its place is inferred. */
function itemOf(model: TraceModel, entry: QueueEntry, turn: number | undefined): HTMLElement {
  const item = el('li', { className: 'queue-item' });
  if (turn !== undefined) {
    item.append(el('span', { className: 'queue-turn', text: `#${turn} ` }));
    item.dataset.turn = String(turn);
  }
  // Short enough for a column in presenter mode: the type and its line; the file in the title.
  const loc = model.locationOf(entry.res);
  item.append(document.createTextNode(loc ? `${entry.type} :${loc.line}` : entry.type));
  if (loc) {
    item.dataset.line = String(loc.line);
  }
  item.dataset.res = String(entry.res);
  item.dataset.type = entry.type;
  const runsIn = Number.isNaN(entry.runsAtNs)
    ? 'never ran in the trace'
    : `ran ${formatDuration(entry.runsAtNs - entry.sinceNs)} after it was queued`;
  item.title = `${entryText(model, entry.res)}: ${runsIn}`;
  if (entry.inferred) {
    item.append(el('span', { className: 'inferred', text: ' (inferred)' }));
  }
  return item;
}
