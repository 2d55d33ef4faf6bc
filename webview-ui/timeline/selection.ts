/**
 * The one place that knows what is selected and hovered (Perfetto keeps one selection manager):
 * a callback span or an operation, or a time range, and the hovered operation / span. Tracks
 * read it from their render context; views that change with it (the timeline's redraw) listen.
 */

/** A time range, ns. */
export interface TimeRange {
  startNs: number;
  endNs: number;
}

/** What tracks read of the selection. */
export interface SelectionState {
  /** Selected span, or -1 (an operation that never ran is selected with span -1). */
  readonly span: number;
  /** Selected operation (resource), or -1. */
  readonly res: number;
  /** Selected time range, if any (never together with a span or operation). */
  readonly range: TimeRange | undefined;
  /** Hovered operation, or -1. */
  readonly hoverRes: number;
  /** Hovered span, or -1. */
  readonly hoverSpan: number;
}

/** Holds the selection and the hover; calls its listeners after each change. */
export class Selection implements SelectionState {
  span = -1;
  res = -1;
  range: TimeRange | undefined;
  hoverRes = -1;
  hoverSpan = -1;
  private readonly listeners: (() => void)[] = [];

  /** Calls `listener` after every change of the selection or the hover. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Selects a span of operation `res` (span -1: an operation that never ran). */
  select(span: number, res: number): void {
    this.span = span;
    this.res = res;
    this.range = undefined;
    this.changed();
  }

  /** Selects a time range (the ends in either order). */
  selectRange(aNs: number, bNs: number): void {
    this.range = { startNs: Math.min(aNs, bNs), endNs: Math.max(aNs, bNs) };
    this.span = -1;
    this.res = -1;
    this.changed();
  }

  /** Selects nothing. */
  clear(): void {
    this.span = -1;
    this.res = -1;
    this.range = undefined;
    this.changed();
  }

  /** Sets the hovered operation and span (-1: none); listeners hear only of a change. */
  hover(res: number, span: number): void {
    if (res !== this.hoverRes || span !== this.hoverSpan) {
      this.hoverRes = res;
      this.hoverSpan = span;
      this.changed();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}
