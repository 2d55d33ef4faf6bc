/** The visible window of time shared by every view: fit, follow, zoom and pan. Pure. */

/** Narrowest window a user can zoom to. */
const MIN_WINDOW_NS = 200;

/** How the window moves when the trace grows: fit it all, keep the live edge, or stay put. */
export type FollowMode = 'fit' | 'tail' | 'free';

/**
 * The time range the views show. In 'fit' mode it is refitted to the whole trace on every
 * redraw (so a live program's timeline keeps growing into view); in 'tail' mode it keeps its
 * width and its right edge on the live edge; the user's zooms and pans make it 'free', unless
 * they keep a live edge in view (`settle`).
 */
export class TimeWindow {
  /** Left edge, ns since the session epoch. */
  startNs = 0;
  /** Right edge, ns since the session epoch. */
  endNs = 1e9;
  /** How the window follows a growing trace. */
  mode: FollowMode = 'fit';

  /** True while the window follows the trace ('fit' or 'tail'). */
  get following(): boolean {
    return this.mode !== 'free';
  }

  /** Fits the window to a trace's extent (with a little margin), keeping the mode as is. */
  fitTo(traceStartNs: number, traceEndNs: number): void {
    if (!Number.isFinite(traceStartNs) || !Number.isFinite(traceEndNs)) {
      this.startNs = 0;
      this.endNs = 1e9;
      return;
    }
    const spanNs = Math.max(traceEndNs - traceStartNs, 1e6);
    this.startNs = traceStartNs - spanNs * 0.01;
    this.endNs = traceStartNs + spanNs * 1.01;
  }

  /** Keeps the width and puts the live edge a little left of the right border. */
  tailTo(liveEdgeNs: number): void {
    const widthNs = this.endNs - this.startNs;
    this.endNs = liveEdgeNs + widthNs * 0.02;
    this.startNs = this.endNs - widthNs;
  }

  /** Applies the mode for a trace spanning [traceStartNs, traceEndNs]; called on every redraw. */
  track(traceStartNs: number, traceEndNs: number): void {
    if (this.mode === 'fit') {
      this.fitTo(traceStartNs, traceEndNs);
    } else if (this.mode === 'tail' && Number.isFinite(traceEndNs)) {
      this.tailTo(traceEndNs);
    }
  }

  /** Resumes fitting the whole trace (and following a live one). */
  follow(): void {
    this.mode = 'fit';
  }

  /** Follows the live edge at the current width. */
  followTail(): void {
    this.mode = 'tail';
  }

  /**
   * After a user zoom or pan of a live trace: keep following the edge while it is in view,
   * else stay where the user put the window.
   */
  settle(live: boolean, liveEdgeNs: number): void {
    this.mode = live && this.startNs < liveEdgeNs && this.endNs >= liveEdgeNs ? 'tail' : 'free';
  }

  /** Zooms by `factor` (< 1 zooms in) keeping `anchorNs` at the same place on screen. */
  zoomAround(anchorNs: number, factor: number): void {
    const spanNs = this.endNs - this.startNs;
    const newSpanNs = Math.min(Math.max(spanNs * factor, MIN_WINDOW_NS), 1e15);
    const ratio = spanNs > 0 ? (anchorNs - this.startNs) / spanNs : 0.5;
    this.startNs = anchorNs - ratio * newSpanNs;
    this.endNs = this.startNs + newSpanNs;
    this.mode = 'free';
  }

  /** Moves the window by `deltaNs` (positive: later). */
  panBy(deltaNs: number): void {
    this.startNs += deltaNs;
    this.endNs += deltaNs;
    this.mode = 'free';
  }

  /** Sets the window explicitly (drag pans from a remembered start; zoom to a span). */
  set(startNs: number, endNs: number): void {
    if (endNs - startNs < MIN_WINDOW_NS) {
      const midNs = (startNs + endNs) / 2;
      startNs = midNs - MIN_WINDOW_NS / 2;
      endNs = midNs + MIN_WINDOW_NS / 2;
    }
    this.startNs = startNs;
    this.endNs = endNs;
    this.mode = 'free';
  }

  /** Shows [startNs, endNs] with a margin of `margin` (a fraction of the range) on each side. */
  zoomTo(startNs: number, endNs: number, margin = 0.1): void {
    const padNs = Math.max(endNs - startNs, MIN_WINDOW_NS) * margin;
    this.set(startNs - padNs, endNs + padNs);
  }

  /** Moves the window (same width) so that `timeNs` is in its middle. */
  centreOn(timeNs: number): void {
    const widthNs = this.endNs - this.startNs;
    this.set(timeNs - widthNs / 2, timeNs + widthNs / 2);
  }
}
