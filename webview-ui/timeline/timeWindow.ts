/** The visible window of time shared by every view: fit, follow, zoom and pan. Pure. */

/** Narrowest window a user can zoom to. */
const MIN_WINDOW_NS = 200;

/**
 * The time range the views show. While `following`, it is refitted to the whole trace on every
 * redraw (so a live program's timeline keeps growing into view); zooming or panning stops that,
 * and `follow()` (key 0, double-click) resumes it.
 */
export class TimeWindow {
  /** Left edge, ns since the session epoch. */
  startNs = 0;
  /** Right edge, ns since the session epoch. */
  endNs = 1e9;
  /** True until the user zooms or pans. */
  following = true;

  /** Fits the window to a trace's extent (with a little margin), keeping `following` as is. */
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

  /** Resumes fitting the whole trace (and following a live one). */
  follow(): void {
    this.following = true;
  }

  /** Zooms by `factor` (< 1 zooms in) keeping `anchorNs` at the same place on screen. */
  zoomAround(anchorNs: number, factor: number): void {
    const spanNs = this.endNs - this.startNs;
    const newSpanNs = Math.min(Math.max(spanNs * factor, MIN_WINDOW_NS), 1e15);
    const ratio = spanNs > 0 ? (anchorNs - this.startNs) / spanNs : 0.5;
    this.startNs = anchorNs - ratio * newSpanNs;
    this.endNs = this.startNs + newSpanNs;
    this.following = false;
  }

  /** Moves the window by `deltaNs` (positive: later). */
  panBy(deltaNs: number): void {
    this.startNs += deltaNs;
    this.endNs += deltaNs;
    this.following = false;
  }

  /** Sets the window explicitly (drag pans from a remembered start). */
  set(startNs: number, endNs: number): void {
    this.startNs = startNs;
    this.endNs = endNs;
    this.following = false;
  }
}
