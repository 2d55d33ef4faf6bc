/**
 * One time axis for the Compare view's two timelines. Both traces count time from their own
 * launch (the session epoch: the moment the launcher started the process), so aligning them at
 * their process's start means showing the same window of session time in both: a zoom or pan
 * in either is copied to the other, and fitting fits both to the longer run. Pure (no DOM).
 */
import type { TimeWindow } from './timeline/timeWindow';

/** A trace's extent on its own axis, ns since its launch (Infinity/-Infinity when empty). */
export interface TraceExtent {
  startNs: number;
  endNs: number;
}

/**
 * Keeps `windows` equal. `drawn(i)` runs after timeline `i` drew: a window that follows its own
 * trace (first paint, Fit, the 0 key) refits every window to the union of the traces; a window
 * the user moved is copied to the others. `redraw(j)` asks timeline `j` to draw again.
 */
export class WindowSync {
  private lastStartNs = NaN;
  private lastEndNs = NaN;

  constructor(
    private readonly windows: readonly TimeWindow[],
    private readonly extents: () => readonly TraceExtent[],
    private readonly redraw: (index: number) => void,
    /**
     * The timeline under the pointer, if any: when a key moved both windows at once (each view
     * zooms its own, around the pointer or around its middle), the one under it leads.
     */
    private readonly lead: () => number | undefined = () => undefined,
  ) {}

  /** Fits every window to the union of the traces' extents (both runs whole, one scale). */
  fitAll(): void {
    let startNs = Infinity;
    let endNs = -Infinity;
    for (const e of this.extents()) {
      startNs = Math.min(startNs, e.startNs);
      endNs = Math.max(endNs, e.endNs);
    }
    const first = this.windows[0];
    first.fitTo(startNs, endNs);
    const fitted = { startNs: first.startNs, endNs: first.endNs };
    this.windows.forEach((w, index) => {
      // `set` leaves the follow mode: the window stays where the union put it.
      w.set(fitted.startNs, fitted.endNs);
      this.redraw(index);
    });
    this.lastStartNs = fitted.startNs;
    this.lastEndNs = fitted.endNs;
  }

  /** After timeline `index` drew with its window. */
  drawn(index: number): void {
    const w = this.windows[index];
    if (w.following) {
      this.fitAll();
      return;
    }
    const moved = (x: TimeWindow): boolean =>
      x.startNs !== this.lastStartNs || x.endNs !== this.lastEndNs;
    if (!moved(w)) {
      return;
    }
    const lead = this.lead();
    const from =
      lead !== undefined && lead !== index && moved(this.windows[lead]) ? this.windows[lead] : w;
    this.lastStartNs = from.startNs;
    this.lastEndNs = from.endNs;
    this.windows.forEach((other, j) => {
      if (other !== from && (other.startNs !== from.startNs || other.endNs !== from.endNs)) {
        other.set(from.startNs, from.endNs);
        this.redraw(j);
      }
    });
  }
}
