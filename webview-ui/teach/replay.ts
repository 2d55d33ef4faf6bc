/**
 * Replay and step: the cursor time, what moves it (the clock, a drag, a step), and what follows
 * it (the cursor line, the queues panel, the window, the selection and the editor's line).
 * Stepping walks the callbacks in start order across threads; in predict mode a step forward
 * first stops just before the next callback and asks "what runs next?", and the next press
 * reveals it.
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { FromWebviewMessage } from '../../src/shared/protocol';
import { basename, threadLabel } from '../format';
import type { TimeScale } from '../timeline/timeScale';
import type { WindowChange } from '../timeline/track';
import type { TimeWindow } from '../timeline/timeWindow';
import { positionOf } from '../tooltip';
import type { ReplayCursor } from './cursor';
import { ReplayClock, type ClockTarget } from './replayClock';
import { CallbackStepper } from './stepper';

/** What the replay needs of the timeline. */
export interface ReplayView {
  readonly window: TimeWindow;
  requestRedraw(): void;
  /** Selects a span, shows its details and brings it into view. */
  showSpan(span: number): void;
  /** Selects nothing. */
  unselect(): void;
}

/** Where the replay shows what it does. */
export interface ReplayOutputs {
  cursor: ReplayCursor;
  /** Shows what waits at the cursor. */
  queues(model: TraceModel, timeNs: number): void;
  /** The caption line (what runs, the prompt). */
  caption(text: string): void;
  playing(playing: boolean): void;
  post(message: FromWebviewMessage): void;
}

/** Share of the window kept ahead of a playing cursor before the window scrolls. */
const FOLLOW_MARGIN = 0.1;

/** The replay's state and its moves. */
export class Replay implements ClockTarget {
  /** The cursor time, ns (NaN before the replay is first used). */
  cursorNs = NaN;
  /** Predict mode: a step forward asks first. */
  predict = false;
  /** The callback the last step went to (its rank in start order), or -1. */
  rank = -1;
  /** The rank a "what runs next?" waits to reveal, or -1. */
  pendingRank = -1;
  readonly clock = new ReplayClock(this);
  readonly stepper = new CallbackStepper();
  private model: TraceModel | undefined;
  private scale: TimeScale | undefined;

  constructor(
    private readonly view: ReplayView,
    private readonly out: ReplayOutputs,
  ) {}

  /** Whether the replay has been used (the cursor is shown, the arrows step). */
  get active(): boolean {
    return !Number.isNaN(this.cursorNs);
  }

  /** After each redraw: the cursor and the queues follow the window and the model. */
  drawn(change: WindowChange): void {
    if (change.warmUp) {
      return;
    }
    this.model = change.model;
    this.scale = change.scale;
    this.out.cursor.place(change.scale, this.cursorNs, this.active);
    if (this.active) {
      this.out.queues(change.model, this.cursorNs);
    }
  }

  /** A new model (hydrate): the replay starts over. */
  reset(): void {
    this.clock.pause();
    this.cursorNs = NaN;
    this.rank = -1;
    this.pendingRank = -1;
    this.out.caption('');
    this.view.requestRedraw();
  }

  /** Moves the cursor to `timeNs` (a drag, a lesson step): no callback selected. */
  seek(timeNs: number): void {
    const m = this.model;
    if (!m || m.spanCount === 0) {
      return;
    }
    this.cursorNs = Math.min(Math.max(timeNs, m.startNs), m.endNs);
    this.stepper.update(m);
    this.rank = this.stepper.rankAtOrBefore(this.cursorNs);
    this.pendingRank = -1;
    this.out.caption('');
    this.view.requestRedraw();
  }

  /** Goes to callback `span` as a step would (a lesson's step). */
  showCallback(span: number): void {
    const m = this.model;
    if (!m) {
      return;
    }
    this.clock.pause();
    this.stepper.update(m);
    let rank = this.stepper.rankAtOrBefore(m.spanStartNs.data[span]);
    while (rank > 0 && this.stepper.spanAt(rank) !== span) {
      rank--;
    }
    this.goTo(rank);
  }

  /** ClockTarget: moves the cursor forward; the window scrolls to keep it in view. */
  advance(deltaNs: number): boolean {
    const m = this.model;
    if (!m) {
      return false;
    }
    if (!this.active || this.cursorNs >= m.endNs) {
      this.cursorNs = Math.max(m.startNs, this.view.window.startNs);
    }
    this.cursorNs = Math.min(m.endNs, this.cursorNs + deltaNs);
    this.stepper.update(m);
    this.rank = this.stepper.rankAtOrBefore(this.cursorNs);
    this.follow();
    this.view.requestRedraw();
    return this.cursorNs < m.endNs;
  }

  /** ClockTarget: one callback forward (predict mode does not stop a playing replay). */
  stepCallback(): boolean {
    return this.goTo(this.nextRank());
  }

  /** ClockTarget. */
  playingChanged(playing: boolean): void {
    this.out.playing(playing);
  }

  /** ← / →: one callback back or forward (forward asks first in predict mode). */
  step(dir: 1 | -1): void {
    const m = this.model;
    if (!m) {
      return;
    }
    this.clock.pause();
    this.stepper.update(m);
    if (dir < 0) {
      if (this.pendingRank >= 0) {
        // Back from the question: to the callback it was asked after.
        this.pendingRank = -1;
        if (this.rank >= 0) {
          this.goTo(this.rank);
        }
        return;
      }
      this.goTo(Math.max(0, this.rank - 1));
      return;
    }
    if (this.pendingRank >= 0) {
      this.goTo(this.pendingRank);
      return;
    }
    const next = this.nextRank();
    if (next >= this.stepper.length) {
      return;
    }
    if (this.predict) {
      this.ask(next);
    } else {
      this.goTo(next);
    }
  }

  private nextRank(): number {
    const m = this.model;
    if (m) {
      this.stepper.update(m);
    }
    return this.rank + 1;
  }

  /** Predict mode: the cursor just before callback `rank`, the question, nothing selected. */
  private ask(rank: number): void {
    const m = this.model!;
    const startNs = m.spanStartNs.data[this.stepper.spanAt(rank)];
    this.pendingRank = rank;
    // The instant before it starts: the queues show what was waiting, not what ran.
    this.cursorNs = Math.max(this.active ? this.cursorNs : m.startNs, startNs - 1);
    this.view.unselect();
    this.out.post({ type: 'hover' });
    this.out.caption('What runs next? Look at the queues, then press → to reveal.');
    this.keepInView(this.cursorNs);
    this.view.requestRedraw();
  }

  /** Goes to callback `rank`: cursor at its start, selected, its line lit in the editor. */
  private goTo(rank: number): boolean {
    const m = this.model;
    if (!m || rank < 0 || rank >= this.stepper.length) {
      return false;
    }
    const span = this.stepper.spanAt(rank);
    const res = m.spanRes.data[span];
    this.rank = rank;
    this.pendingRank = -1;
    this.cursorNs = m.spanStartNs.data[span];
    this.view.showSpan(span);
    this.keepInView(this.cursorNs);
    const position = positionOf(m, res);
    this.out.post(position ? { type: 'hover', position } : { type: 'hover' });
    const where = position ? ` at ${basename(position.file)}:${position.line}` : '';
    const thread = threadLabel(m.threads[m.spanThread.data[span]]);
    this.out.caption(
      `${rank + 1} / ${this.stepper.length}: ${m.typeOf(res)}${where} runs on ${thread}`,
    );
    this.view.requestRedraw();
    return rank + 1 < this.stepper.length;
  }

  /** Scrolls the window (same width) so that a playing cursor stays in view. */
  private follow(): void {
    const w = this.view.window;
    const widthNs = w.endNs - w.startNs;
    if (this.cursorNs > w.endNs - widthNs * FOLLOW_MARGIN || this.cursorNs < w.startNs) {
      w.set(this.cursorNs - widthNs * FOLLOW_MARGIN, this.cursorNs + widthNs * (1 - FOLLOW_MARGIN));
    }
  }

  private keepInView(timeNs: number): void {
    const w = this.view.window;
    if (timeNs < w.startNs || timeNs > w.endNs) {
      w.centreOn(timeNs);
    }
  }

  /** The scale of the last draw (for the cursor's drag). */
  get lastScale(): TimeScale | undefined {
    return this.scale;
  }
}
