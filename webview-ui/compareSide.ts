/**
 * One trace of the Compare view: its header (A or B, the file, where it is, what could not be
 * read), its decoded model and its own timeline, whose window compare.ts keeps equal to the
 * other's. Source requests carry the side so that a file missing here is answered with this
 * trace's stored excerpt, not the other's.
 */
import type { CompareSide, FromWebviewMessage, SourceTextMessage } from '../src/shared/protocol';
import { el } from './dom';
import { TimelineView } from './timeline/timelineView';
import { TraceStore } from './traceStore';

/** A side of the comparison: 'a' the baseline above, 'b' the new run below. */
export type SideKey = 'a' | 'b';

/** One trace, its timeline and its messages. */
export class CompareSideView {
  /** The side's element: header, error banner, timeline. */
  readonly root: HTMLElement;
  readonly store = new TraceStore();
  readonly view: TimelineView;
  /** The trace's name (the file's), once loaded. */
  name = '';
  /** The decoder's complaint about the bytes, if any (the figures carry it, as the CLI's do). */
  error: string | undefined;
  private readonly title = el('span', { className: 'title compare-name' });
  private readonly location = el('span', { className: 'command compare-location' });
  private readonly banner = el('div', { className: 'error-banner compare-error' });

  constructor(
    readonly key: SideKey,
    label: string,
    swatches: HTMLElement[],
    tooltip: HTMLElement,
    post: (message: FromWebviewMessage) => void,
  ) {
    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    this.view = new TimelineView(swatches, tooltip, post);
    this.root = el(
      'section',
      { className: `compare-side side-${key}` },
      el(
        'header',
        { className: 'compare-side-header' },
        el('span', { className: 'compare-label', text: label }),
        this.title,
        this.location,
      ),
      this.banner,
      this.view.root,
    );
    this.root.dataset.side = key;
  }

  /**
   * Decodes the side's bytes and shows them. What could not be read is said in the side's
   * banner with the file's name: the host's reason (too large, newer version) and the
   * decoder's (a damaged frame and its byte offset), as the trace editor says them.
   */
  load(side: CompareSide): void {
    this.name = side.name;
    this.title.textContent = side.name;
    this.location.textContent = side.location;
    this.location.title = side.location;
    const error = this.store.hydrate(
      { title: side.name, commandLine: side.location },
      { state: 'replay', ...(side.problem ? { message: side.problem } : {}) },
      [side.bytes],
    );
    this.error = error;
    const problems = [side.problem, error].filter((p): p is string => !!p);
    this.banner.textContent = problems.map((p) => `${side.name}: ${p}`).join('\n');
    this.banner.hidden = problems.length === 0;
    this.root.dataset.error = problems.length ? 'true' : 'false';
    this.view.setModel(this.store.model);
    this.view.setStatus(this.store.status);
    const model = this.store.model;
    // After the first paint, as the panel does.
    requestAnimationFrame(() => setTimeout(() => this.store.compactIfFinished(model), 0));
  }

  /** Lines of code the host read for this side's details; the trace's own when it read none. */
  sourceText(message: SourceTextMessage): void {
    this.view.sourceText(
      message.lines.length
        ? message
        : { ...message, ...this.store.model.sources.excerpt(message.file, message.firstLine) },
    );
  }
}
