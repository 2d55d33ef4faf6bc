/** The Operations view: one row per async operation, created -> waiting -> running -> destroyed. */
import { CreationOrder } from '../../src/model/creationOrder';
import { TraceModel } from '../../src/model/traceModel';
import { shortLocation } from '../format';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { MERGE_BELOW_PX, OP_ROW_PX } from './layout';
import type { TimeScale } from './timeScale';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from './track';

/**
 * Rows in order of creation, drawn only where visible (a trace may hold thousands of rows).
 * Waiting (init to first callback) is hatched, each callback run is solid, a thin line shows
 * the operation alive in between, and a tick marks its destruction.
 */
export class OpsTrack implements TimelineTrack {
  readonly id = 'ops';
  readonly title = 'Operations';
  private model = new TraceModel();
  private order = new CreationOrder(this.model);
  private patterns: CanvasPattern[] = [];
  private patternVersion = -1;

  visible(): boolean {
    return true;
  }

  /** Adds the model's operations created since the last call; returns the rows' height. */
  heightPx(model: TraceModel): number {
    if (model !== this.model) {
      this.model = model;
      this.order = new CreationOrder(model);
    }
    this.order.update();
    return this.contentHeightPx;
  }

  /** The number of rows, beside the title. */
  countText(model: TraceModel): string {
    this.heightPx(model);
    return `(${this.rowCount})`;
  }

  /** Number of rows (operations). */
  get rowCount(): number {
    return this.order.length;
  }

  /** Total height (CSS px) of all rows. */
  get contentHeightPx(): number {
    return this.order.length * OP_ROW_PX;
  }

  /** When an operation was created (resources created before tracing: their first run). */
  private createdNs(res: number): number {
    return this.order.createdNs(res);
  }

  /** The row of an operation, or -1 (a linear search: for selection, not per frame). */
  rowOf(res: number): number {
    return this.order.rowOf(res);
  }

  /** Time an operation stops being alive: destroyed, its thread ended, or the live edge. */
  private endNs(res: number): number {
    const m = this.model;
    const destroyNs = m.resDestroyNs.data[res];
    if (!Number.isNaN(destroyNs)) {
      return destroyNs;
    }
    return m.threads[m.resThread.data[res]]?.endNs ?? m.endNs;
  }

  /** Draws the rows from `rc.topPx` (scrolled) in a canvas `rc.heightPx` tall. */
  draw(rc: RenderContext): void {
    const { ctx, scale, theme, widthPx, heightPx, topPx: scrollTopPx } = rc;
    const { hoverRes, res: selectedRes } = rc.selection;
    const filter = rc.indexes.filter;
    this.heightPx(rc.model);
    const m = this.model;
    this.ensurePatterns(ctx, theme);
    const dim = filter.active;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    const firstRow = Math.max(0, Math.floor(scrollTopPx / OP_ROW_PX));
    const lastRow = Math.min(
      this.order.length - 1,
      Math.ceil((scrollTopPx + heightPx) / OP_ROW_PX),
    );
    for (let row = firstRow; row <= lastRow; row++) {
      const res = this.order.at(row);
      const topPx = row * OP_ROW_PX - scrollTopPx;
      const midPx = topPx + OP_ROW_PX / 2;
      if (res === hoverRes || res === selectedRes) {
        ctx.fillStyle = res === selectedRes ? theme.selectedRow : theme.hoverRow;
        ctx.fillRect(0, topPx, widthPx, OP_ROW_PX);
      }
      ctx.globalAlpha = dim && !filter.resMatches(res) ? 0.25 : 1;
      const loc = m.locationOf(res);
      const type = m.typeOf(res);
      ctx.fillStyle = theme.foreground;
      const typeWidthPx = Math.min(ctx.measureText(type).width, scale.startPx - 12);
      fitText(ctx, type, 6, midPx, scale.startPx - 12);
      if (loc) {
        ctx.fillStyle = theme.muted;
        fitText(ctx, shortLocation(loc), 12 + typeWidthPx, midPx, scale.startPx - 18 - typeWidthPx);
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(scale.startPx, topPx, widthPx - scale.startPx, OP_ROW_PX);
      ctx.clip();
      this.drawOp(ctx, scale, theme, res, topPx, res === hoverRes || res === selectedRes);
      ctx.restore();
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.grid;
    ctx.fillRect(scale.startPx - 1, 0, 1, heightPx);
  }

  private drawOp(
    ctx: CanvasRenderingContext2D,
    scale: TimeScale,
    theme: Theme,
    res: number,
    topPx: number,
    hovered: boolean,
  ): void {
    const m = this.model;
    const kind = m.kindIndexOf(res);
    const createdNs = this.createdNs(res);
    const endNs = this.endNs(res);
    const firstRunNs = m.firstRunNs(res);
    const boxTopPx = topPx + 3;
    const boxHeightPx = OP_ROW_PX - 6;
    const x = (timeNs: number): number => scale.timeToPx(timeNs);
    // Alive: a thin line from creation to destruction.
    ctx.fillStyle = theme.kinds[kind];
    const alpha = ctx.globalAlpha;
    ctx.globalAlpha = alpha * 0.6;
    ctx.fillRect(
      x(createdNs),
      topPx + OP_ROW_PX / 2 - 0.5,
      Math.max(1, x(endNs) - x(createdNs)),
      1,
    );
    ctx.globalAlpha = alpha;
    // Waiting: hatched from creation to the first callback (or to the end, if it never ran).
    const waitEndNs = Number.isNaN(firstRunNs) ? endNs : firstRunNs;
    const waitWidthPx = x(waitEndNs) - x(createdNs);
    if (waitWidthPx > 0) {
      ctx.fillStyle = this.patterns[kind];
      ctx.fillRect(x(createdNs), boxTopPx, Math.max(1, waitWidthPx), boxHeightPx);
    }
    // Running: each callback, solid; merged where they are narrower than a few pixels.
    ctx.fillStyle = theme.kinds[kind];
    let pendingX0 = NaN;
    let pendingX1 = NaN;
    for (let span = m.resFirstSpan.data[res]; span >= 0; span = m.spanNextOfRes.data[span]) {
      const startNs = m.spanStartNs.data[span];
      if (startNs > scale.endNs) {
        break;
      }
      const spanEndNs = m.spanEndNs.data[span];
      const x1 = x(Number.isNaN(spanEndNs) ? m.endNs : spanEndNs);
      if (x1 < scale.startPx - 2) {
        continue;
      }
      const x0 = x(startNs);
      if (x0 <= pendingX1 + 0.5 && x1 - x0 < MERGE_BELOW_PX) {
        pendingX1 = Math.max(pendingX1, x1);
        continue;
      }
      if (!Number.isNaN(pendingX0)) {
        ctx.fillRect(pendingX0, boxTopPx, Math.max(1, pendingX1 - pendingX0), boxHeightPx);
      }
      pendingX0 = x0;
      pendingX1 = Math.max(x1, x0 + 1);
    }
    if (!Number.isNaN(pendingX0)) {
      ctx.fillRect(pendingX0, boxTopPx, Math.max(1, pendingX1 - pendingX0), boxHeightPx);
    }
    // Destroyed: a tick.
    const destroyNs = m.resDestroyNs.data[res];
    if (!Number.isNaN(destroyNs)) {
      ctx.fillStyle = theme.foreground;
      ctx.fillRect(x(destroyNs) - 1, topPx + 1, 2, OP_ROW_PX - 2);
    }
    if (hovered || theme.contrastBorder) {
      const x0 = x(createdNs);
      ctx.strokeStyle = hovered ? theme.focus : theme.contrastBorder!;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 - 0.5, boxTopPx - 1.5, Math.max(2, x(endNs) - x0 + 1), boxHeightPx + 3);
    }
  }

  /** The operation at a point (a click selects its first span); empty space is `{ res: -1 }`. */
  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit {
    return { res: this.resAt(query.scale, xPx, yPx) };
  }

  /** The operation at a point (CSS px; y in the rows' content), or -1. */
  private resAt(scale: TimeScale, xPx: number, yPx: number): number {
    const row = Math.floor(yPx / OP_ROW_PX);
    if (row < 0 || row >= this.order.length) {
      return -1;
    }
    const res = this.order.at(row);
    if (xPx < scale.startPx) {
      return res;
    }
    const x0 = scale.timeToPx(this.createdNs(res)) - 3;
    const x1 = scale.timeToPx(this.endNs(res)) + 3;
    return xPx >= x0 && xPx <= x1 ? res : -1;
  }

  /** Hatch patterns, one per kind colour, rebuilt when the theme changes. */
  private ensurePatterns(ctx: CanvasRenderingContext2D, theme: Theme): void {
    if (this.patternVersion === theme.version) {
      return;
    }
    this.patternVersion = theme.version;
    this.patterns = theme.kinds.map((colour) => {
      const tile = document.createElement('canvas');
      tile.width = 6;
      tile.height = 6;
      const t = tile.getContext('2d')!;
      t.fillStyle = colour;
      t.globalAlpha = 0.18;
      t.fillRect(0, 0, 6, 6);
      t.globalAlpha = 0.75;
      t.strokeStyle = colour;
      t.lineWidth = 1.2;
      t.beginPath();
      t.moveTo(-1, 7);
      t.lineTo(7, -1);
      t.moveTo(-1, 1);
      t.lineTo(1, -1);
      t.moveTo(5, 7);
      t.lineTo(7, 5);
      t.stroke();
      return ctx.createPattern(tile, 'repeat')!;
    });
  }
}
