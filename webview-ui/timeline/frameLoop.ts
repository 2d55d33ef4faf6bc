/**
 * The timeline's draw scheduling: every change asks for a redraw, and all of them together cost
 * one draw on the next animation frame. A large model is also drawn, once, zoomed in at a few
 * levels right after its first draw (the JIT warm-up), so the user's first zooms run optimized
 * code instead of cold code (they were two to five frames late).
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { TimeWindow } from './timeWindow';

/** A model this large gets the warm-up. */
const WARM_UP_SPANS = 10_000;
/** The zoom levels of the warm-up, as fractions of the window. */
const WARM_UP_ZOOMS = [1 / 16, 1 / 256, 1 / 4096];

/** One run of `task` on the next animation frame, however many requests come before it. */
export class FrameTask {
  private frame = 0;

  constructor(private readonly task: () => void) {}

  /** Schedules the task on the next animation frame (many calls, one run). */
  request(): void {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.task();
      });
    }
  }

  /** Runs the task now if a run is pending (so automation sees what the user would). */
  flush(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.task();
    }
  }
}

/** Coalesces redraw requests into one draw per animation frame; runs the warm-up. */
export class FrameLoop extends FrameTask {
  /** True during a warm-up draw (never shown). */
  warming = false;
  private warmedModel?: TraceModel;

  constructor(
    private readonly draw: () => void,
    private readonly window: TimeWindow,
    /** Called after each warm-up draw (test instrumentation counts them). */
    private readonly onWarmUpDraw?: () => void,
  ) {
    super(draw);
  }

  /** After a real draw of `model`: schedules its warm-up if it is large and not warmed yet. */
  drawn(model: TraceModel, current: () => TraceModel): void {
    if (!this.warming && this.warmedModel !== model && model.spanCount >= WARM_UP_SPANS) {
      this.warmedModel = model;
      setTimeout(() => {
        if (current() === model) {
          this.warmUp();
        }
      }, 0);
    }
  }

  /**
   * Draws zoomed in around the middle of the window at a few levels, then as it was, all in one
   * task: nothing of it reaches the screen (the page paints after the task), but V8 has run the
   * painters' zoomed-in paths on this trace and compiled them. Listeners are told it is a
   * warm-up (the cores chart draws its own, unseen, with the next real draw).
   */
  private warmUp(): void {
    const w = this.window;
    const { startNs, endNs, mode } = w;
    const midNs = (startNs + endNs) / 2;
    this.warming = true;
    try {
      for (const zoom of WARM_UP_ZOOMS) {
        const halfNs = ((endNs - startNs) * zoom) / 2;
        w.mode = 'free';
        w.startNs = midNs - halfNs;
        w.endNs = midNs + halfNs;
        this.draw();
        this.onWarmUpDraw?.();
      }
    } finally {
      this.warming = false;
      w.startNs = startNs;
      w.endNs = endNs;
      w.mode = mode;
    }
    this.draw();
  }
}
