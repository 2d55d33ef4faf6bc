/**
 * Plays a guided lesson's steps (src/shared/lessonSteps.ts) over the finished trace: each step
 * shows its caption, moves the replay cursor to its time or callback, sets the window's width
 * and focuses its lanes (the thread filter dims the rest). Next / Back walk the steps.
 */
import type { LessonStep } from '../../src/shared/lessonSteps';
import type { TraceModel } from '../../src/model/traceModel';
import type { TimelineView } from '../timeline/timelineView';
import type { Presenter } from './presenter';
import type { Replay } from './replay';

/** Finds the span a step names: the nth callback (in start order) whose operation matches. */
export function findLessonSpan(model: TraceModel, step: LessonStep): number {
  const ref = step.span;
  if (!ref) {
    return -1;
  }
  const matches: number[] = [];
  for (let s = 0; s < model.spanCount; s++) {
    const res = model.spanRes.data[s];
    if (ref.type !== undefined && model.typeOf(res) !== ref.type) {
      continue;
    }
    if (ref.line !== undefined && model.locationOf(res)?.line !== ref.line) {
      continue;
    }
    matches.push(s);
  }
  matches.sort((a, b) => model.spanStartNs.data[a] - model.spanStartNs.data[b] || a - b);
  return matches[(ref.nth ?? 1) - 1] ?? -1;
}

/** A lesson's steps and which one is shown. */
export class LessonPlayer {
  private title = '';
  private steps: LessonStep[] = [];
  /** The step shown, or -1 before the first. */
  index = -1;
  private listener: (text: string | undefined) => void = () => {};

  constructor(
    private readonly replay: Replay,
    private readonly view: TimelineView,
    private readonly presenter: Presenter,
    /** Tells the host that presenter mode is on (the setting follows what the user sees). */
    private readonly presenterOn: () => void,
    private readonly caption: (text: string) => void,
  ) {}

  /** Calls `listener` with the step counter's text (undefined: no lesson) on every change. */
  onChange(listener: (text: string | undefined) => void): void {
    this.listener = listener;
  }

  /** Takes a lesson's steps (none: no lesson); presenter mode goes on for a lesson. */
  load(title: string, steps: LessonStep[] | undefined): void {
    this.title = title;
    this.steps = steps ?? [];
    this.index = -1;
    if (this.steps.length && !this.presenter.enabled) {
      this.presenter.set(true);
      this.presenterOn();
    }
    this.changed();
  }

  /** Back to before the first step (a new trace of the same lesson). */
  restart(): void {
    this.index = -1;
    this.changed();
  }

  /** Shows the next (1) or previous (-1) step. */
  step(dir: 1 | -1): void {
    const next = this.index + dir;
    if (next < 0 || next >= this.steps.length) {
      return;
    }
    this.index = next;
    this.show(this.steps[next]);
    this.changed();
  }

  private show(step: LessonStep): void {
    const model = this.view.query().model;
    const span = findLessonSpan(model, step);
    let atNs = NaN;
    if (span >= 0) {
      atNs = model.spanStartNs.data[span];
    } else if (step.atMs !== undefined) {
      atNs = model.startNs + step.atMs * 1e6;
    }
    if (step.windowMs !== undefined && Number.isFinite(atNs)) {
      const widthNs = step.windowMs * 1e6;
      // The point a little left of the middle: what follows it is what the step is about.
      this.view.window.set(atNs - widthNs * 0.3, atNs + widthNs * 0.7);
    }
    if (span >= 0) {
      this.replay.showCallback(span);
    } else if (Number.isFinite(atNs)) {
      this.replay.seek(atNs);
    }
    focusLanes(model, step.lanes);
    this.caption(step.caption);
    this.view.requestRedraw();
  }

  private changed(): void {
    this.listener(
      this.steps.length
        ? `${this.title}: step ${Math.max(0, this.index + 1)} / ${this.steps.length}`
        : undefined,
    );
  }
}

/**
 * Focuses the first lane named in `lanes` through the thread filter (its select, as the user
 * would), or clears the focus when the step names none.
 */
function focusLanes(model: TraceModel, lanes: string[] | undefined): void {
  const select = document.getElementById('filter-thread') as HTMLSelectElement | null;
  if (!select) {
    return;
  }
  const wanted = lanes?.length
    ? model.threads.findIndex((t) =>
        lanes.some((name) => t.info.name === name || (name === 'main' && t.info.kind === 'main')),
      )
    : -1;
  if (
    select.value !== String(wanted) &&
    [...select.options].some((o) => o.value === String(wanted))
  ) {
    select.value = String(wanted);
    select.dispatchEvent(new Event('change'));
  }
}
