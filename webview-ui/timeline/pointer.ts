/**
 * What the pointer does over a track: a hit on a span or an operation hovers it (tooltip card,
 * source highlight in the editor) and a click selects it and jumps to its source; a hit with
 * text shows the text, and a click jumps to its position if it has one.
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { SourcePosition } from '../../src/shared/protocol';
import { HoverReporter, positionOf, Tooltip } from '../tooltip';
import type { Selection } from './selection';
import type { TrackHit } from './track';

/** What the pointer needs of the timeline. */
export interface PointerHost {
  model(): TraceModel;
  selection: Selection;
  /** Selects a span of an operation (or an operation that never ran: span -1). */
  select(span: number, res: number): void;
  clearSelection(): void;
  jump(position: SourcePosition): void;
  /** Reports the hovered source position (undefined: none) to the editor. */
  reportHover(position: SourcePosition | undefined): void;
  /** The element that shows a pointer cursor over something that jumps. */
  root: HTMLElement;
}

/** Turns track hits into hover, tooltip, selection and jumps. */
export class TrackPointer {
  private readonly reporter: HoverReporter;

  constructor(
    private readonly host: PointerHost,
    private readonly tooltip: Tooltip,
  ) {
    this.reporter = new HoverReporter((position) => host.reportHover(position));
  }

  /** The pointer is over `hit` (undefined: nothing there). */
  hover(hit: TrackHit | undefined, clientX: number, clientY: number): void {
    if (hit && (hit.res !== undefined || hit.span !== undefined)) {
      this.setHover(hit.res ?? -1, hit.span ?? -1, clientX, clientY);
      return;
    }
    this.setHover(-1, -1, 0, 0);
    if (hit?.lines?.length) {
      this.tooltip.showLines(hit.lines, clientX, clientY);
      this.reporter.update(hit.position);
    }
  }

  /** The pointer left the tracks. */
  leave(): void {
    this.setHover(-1, -1, 0, 0);
  }

  /** A click on `hit`: a span or operation is selected (res -1: the selection cleared). */
  click(hit: TrackHit | undefined): void {
    if (!hit) {
      return;
    }
    const model = this.host.model();
    if (hit.res === undefined) {
      if (hit.position) {
        this.host.jump(hit.position);
      }
      return;
    }
    if (hit.res < 0) {
      this.host.clearSelection();
      return;
    }
    this.host.select(hit.span ?? model.resFirstSpan.data[hit.res], hit.res);
    const position = positionOf(model, hit.res);
    if (position) {
      this.host.jump(position);
    }
  }

  private setHover(res: number, span: number, clientX: number, clientY: number): void {
    const model = this.host.model();
    if (span >= 0) {
      this.tooltip.showSpan(model, span, clientX, clientY);
    } else if (res >= 0) {
      this.tooltip.showOp(model, res, clientX, clientY);
    } else {
      this.tooltip.hide();
    }
    const position = positionOf(model, res);
    this.host.root.classList.toggle('clickable', position !== undefined);
    this.reporter.update(position);
    this.host.selection.hover(res, span);
  }
}
