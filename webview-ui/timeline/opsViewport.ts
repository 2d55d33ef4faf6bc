/**
 * The Operations view's virtual scroller: a box 8 or 12 rows tall whose scroll range comes from
 * a spacer, over a canvas as tall as the box that draws only the rows in view (a trace may hold
 * millions of operations).
 */
import { setIfChanged } from '../dom';
import { OP_ROW_PX } from './layout';
import type { TrackViewport } from './trackMount';

/** The scroll height is capped (browsers cap element heights near 33M px): beyond, scaled. */
const MAX_SCROLL_PX = 4_000_000;
/** Rows shown before the view scrolls: fewer on a short panel. */
const ROWS_SHORT = 8;
const ROWS_TALL = 12;
/** A panel at least this tall (CSS px) gets the taller view. */
const TALL_PANEL_PX = 700;

/** Maps the rows' content px to the box's scroll position, scaled past MAX_SCROLL_PX. */
export class VirtualViewport implements TrackViewport {
  constructor(
    /** The scrolling box. */
    readonly box: HTMLElement,
    private readonly spacer: HTMLElement,
  ) {}

  /** Sizes the box to its rows, up to 8 or 12 rows (a taller panel shows more); the spacer. */
  layout(contentPx: number): void {
    const rows = window.innerHeight >= TALL_PANEL_PX ? ROWS_TALL : ROWS_SHORT;
    const heightPx = `${Math.min(Math.max(contentPx, 2 * OP_ROW_PX), rows * OP_ROW_PX)}px`;
    if (this.box.style.height !== heightPx) {
      this.box.style.height = heightPx;
    }
    const scrollPx = Math.min(contentPx, MAX_SCROLL_PX);
    // Each DOM write only when its value changes: a write, even of the same value, makes the
    // next layout read in this frame (the tracks' and the chart's widths) lay the page out again.
    const spacerPx = Math.max(0, scrollPx - this.box.clientHeight);
    setIfChanged(this.spacer.style, 'height', `${spacerPx}px`);
  }

  /** Top of the visible rows in content px (the scroll range may be scaled). */
  topPx(contentPx: number): number {
    const viewPx = this.box.clientHeight;
    if (contentPx <= MAX_SCROLL_PX) {
      return this.box.scrollTop;
    }
    const ratio = this.box.scrollTop / Math.max(1, MAX_SCROLL_PX - viewPx);
    return ratio * (contentPx - viewPx);
  }

  heightPx(): number {
    return this.box.clientHeight;
  }

  /** Scrolls so that the row at `rowPx` (content px) is in view, centred if it was not. */
  reveal(rowPx: number, contentPx: number): void {
    const viewPx = this.box.clientHeight;
    const topPx = this.topPx(contentPx);
    if (rowPx >= topPx && rowPx <= topPx + viewPx - OP_ROW_PX) {
      return;
    }
    const wantPx = rowPx - viewPx / 2;
    this.box.scrollTop =
      contentPx <= MAX_SCROLL_PX
        ? wantPx
        : (wantPx / Math.max(1, contentPx - viewPx)) * (MAX_SCROLL_PX - viewPx);
  }
}
