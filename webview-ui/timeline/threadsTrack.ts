/** The Threads view: one lane per JS thread, each callback span a box at its nesting depth. */
import type { Column } from '../../src/model/columns';
import type { TraceModel } from '../../src/model/traceModel';
import { threadLabel } from '../format';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { drawFlows } from './flows';
import { LANE_PAD_PX, MIN_LANE_PX, SPAN_ROW_PX } from './layout';
import { RowPainter } from './rowPainter';
import type { SpanFilter } from './spanFilter';
import type { SpanIndex } from './spanIndex';
import type { TimeScale } from './timeScale';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from './track';

/** A span's box in CSS px, relative to the canvas's top-left. */
export interface SpanBox {
  x0Px: number;
  x1Px: number;
  yPx: number;
  heightPx: number;
}

/** Spans may draw a little past the time area's right edge (the live edge's margin). */
const RIGHT_SLACK_PX = 8;

/** The Threads view's track: lays out, draws and hit-tests the thread lanes of the model. */
export class ThreadsTrack implements TimelineTrack {
  readonly id = 'threads';
  readonly title = 'Threads';
  /** Flow arrows the last draw drew (counted in builds with test hooks only). */
  flowsDrawn = 0;
  private model: TraceModel | undefined;
  private laneTopPx: number[] = [];
  private laneHeightPx: number[] = [];
  private readonly painter = new RowPainter();

  visible(): boolean {
    return true;
  }

  /** Lays the lanes out for `model`; returns the height (CSS px) they need. */
  heightPx(model: TraceModel): number {
    this.model = model;
    return this.layout();
  }

  /** Draws the lanes, the selection's flow arrows (if shown), or a note that none reported. */
  draw(rc: RenderContext): void {
    const { ctx, model, theme, selection } = rc;
    if (model !== this.model) {
      this.heightPx(model);
    }
    if (model.threads.length === 0) {
      ctx.fillStyle = theme.muted;
      ctx.font = theme.font;
      ctx.textBaseline = 'middle';
      ctx.fillText('No JS thread has reported yet.', 6, rc.heightPx / 2);
    }
    this.drawLanes(
      ctx,
      rc.scale,
      theme,
      rc.indexes.spans,
      rc.widthPx,
      selection.hoverRes,
      selection.span,
      rc.indexes.filter,
    );
    const flows = rc.options.showFlows
      ? drawFlows(ctx, model, rc.indexes, this, rc.scale, theme, selection.span)
      : 0;
    if (CV_TEST_HOOKS) {
      this.flowsDrawn = flows;
    }
  }

  /** The span under a point (and its operation); empty space is `{ span: -1, res: -1 }`. */
  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit {
    const span = this.spanAt(query, xPx, yPx);
    return { span, res: span < 0 ? -1 : query.model.spanRes.data[span] };
  }

  /** Recomputes lane positions; returns the height (CSS px) the lanes need. */
  private layout(): number {
    if (!this.model) {
      return MIN_LANE_PX;
    }
    let yPx = 0;
    this.laneTopPx = [];
    this.laneHeightPx = [];
    for (const thread of this.model.threads) {
      const heightPx = Math.max(MIN_LANE_PX, 2 * LANE_PAD_PX + (thread.maxDepth + 1) * SPAN_ROW_PX);
      this.laneTopPx.push(yPx);
      this.laneHeightPx.push(heightPx);
      yPx += heightPx;
    }
    return Math.max(yPx, MIN_LANE_PX);
  }

  /** The box of a span at `scale`, unclipped, at least 1px wide. */
  spanBox(span: number, scale: TimeScale): SpanBox {
    const m = this.model!;
    const startNs = m.spanStartNs.data[span];
    const endNs = m.spanEndNs.data[span];
    const x0Px = scale.timeToPx(startNs);
    const x1Px = Math.max(x0Px + 1, scale.timeToPx(Number.isNaN(endNs) ? m.endNs : endNs));
    const yPx =
      this.laneTopPx[m.spanThread.data[span]] + LANE_PAD_PX + m.spanDepth.data[span] * SPAN_ROW_PX;
    return { x0Px, x1Px, yPx: yPx + 1, heightPx: SPAN_ROW_PX - 2 };
  }

  /** Lane top (CSS px) of a thread, for arrows and overlays. */
  laneTop(lane: number): number {
    return this.laneTopPx[lane] ?? 0;
  }

  /**
   * Draws every lane: spans of `hoverRes` get a focus outline, `selectedSpan` a thick one, and
   * with an active `filter` the spans that do not match are dimmed.
   */
  private drawLanes(
    ctx: CanvasRenderingContext2D,
    scale: TimeScale,
    theme: Theme,
    index: SpanIndex,
    widthPx: number,
    hoverRes: number,
    selectedSpan: number,
    filter: SpanFilter,
  ): void {
    const m = this.model!;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    m.threads.forEach((thread, lane) => {
      const topPx = this.laneTopPx[lane];
      const heightPx = this.laneHeightPx[lane];
      // The thread's life, from its first record to its end (or the live edge).
      const aliveFromNs = Number.isFinite(thread.info.startNs) ? thread.info.startNs : m.startNs;
      const aliveToNs = thread.endNs ?? m.endNs;
      const a = Math.max(scale.startPx, scale.timeToPx(aliveFromNs));
      const b = Math.min(widthPx, scale.timeToPx(aliveToNs));
      if (b > a) {
        ctx.fillStyle = theme.laneBackground;
        ctx.fillRect(a, topPx + 1, b - a, heightPx - 2);
      }
      ctx.fillStyle = theme.grid;
      ctx.fillRect(0, topPx + heightPx - 1, widthPx, 1);
      ctx.fillStyle = theme.foreground;
      fitText(ctx, threadLabel(thread), 6, topPx + 11, scale.startPx - 12);
      ctx.fillStyle = theme.muted;
      const dropped = thread.dropped ? `, ${thread.dropped} dropped` : '';
      fitText(ctx, `${thread.spanCount} callbacks${dropped}`, 6, topPx + 26, scale.startPx - 12);
    });
    ctx.fillStyle = theme.grid;
    ctx.fillRect(scale.startPx - 1, 0, 1, this.layoutHeight());
    ctx.save();
    ctx.beginPath();
    ctx.rect(scale.startPx, 0, widthPx - scale.startPx, this.layoutHeight());
    ctx.clip();
    const dim = filter?.active === true;
    this.painter.visited = 0;
    this.painter.begin();
    for (let lane = 0; lane < m.threads.length; lane++) {
      this.paintRows(ctx, index, scale, theme, widthPx, lane, index.lanesOf(lane), dim ? 0.22 : 1);
      if (dim) {
        this.paintRows(ctx, index, scale, theme, widthPx, lane, filter.matchRows[lane], 1);
      }
    }
    this.outlineRes(ctx, scale, widthPx, hoverRes, theme.focus, 2);
    if (selectedSpan >= 0 && selectedSpan < m.spanCount) {
      const box = this.spanBox(selectedSpan, scale);
      ctx.strokeStyle = theme.foreground;
      ctx.lineWidth = 2;
      ctx.strokeRect(box.x0Px - 2, box.yPx - 2, box.x1Px - box.x0Px + 4, box.heightPx + 4);
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 1;
      ctx.strokeRect(box.x0Px - 3.5, box.yPx - 3.5, box.x1Px - box.x0Px + 7, box.heightPx + 7);
    }
    ctx.restore();
  }

  /** Rows the last draw painted as pixel strips (tests check that path in a real browser). */
  get stripRows(): number {
    return this.painter.stripRows;
  }

  private paintRows(
    ctx: CanvasRenderingContext2D,
    index: SpanIndex,
    scale: TimeScale,
    theme: Theme,
    widthPx: number,
    lane: number,
    rows: readonly Column<Int32Array>[] | undefined,
    alpha: number,
  ): void {
    if (!rows) {
      return;
    }
    ctx.globalAlpha = alpha;
    for (let depth = 0; depth < rows.length; depth++) {
      const list = rows[depth];
      if (list) {
        const yPx = this.laneTopPx[lane] + LANE_PAD_PX + depth * SPAN_ROW_PX + 1;
        const heightPx = SPAN_ROW_PX - 2;
        const clipX1Px = Math.min(widthPx, scale.endPx + RIGHT_SLACK_PX);
        this.painter.paint(
          ctx,
          this.model!,
          index,
          list,
          scale,
          scale.startPx,
          clipX1Px,
          yPx,
          heightPx,
          theme,
          alpha === 1,
        );
      }
    }
    ctx.globalAlpha = 1;
  }

  /** Outlines the visible spans of one resource (at most a few thousand are looked at). */
  private outlineRes(
    ctx: CanvasRenderingContext2D,
    scale: TimeScale,

    widthPx: number,
    res: number,
    colour: string,
    lineWidthPx: number,
  ): void {
    const m = this.model!;
    if (res < 0 || res >= m.resourceCount) {
      return;
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = lineWidthPx;
    let budget = 4000;
    for (
      let span = m.resFirstSpan.data[res];
      span >= 0 && budget-- > 0;
      span = m.spanNextOfRes.data[span]
    ) {
      if (m.spanStartNs.data[span] > scale.endNs) {
        break;
      }
      const box = this.spanBox(span, scale);
      if (box.x1Px < scale.startPx || box.x0Px > widthPx) {
        continue;
      }
      ctx.strokeRect(box.x0Px - 1, box.yPx - 1, box.x1Px - box.x0Px + 2, box.heightPx + 2);
    }
  }

  /** Height of all lanes, CSS px. */
  layoutHeight(): number {
    const last = this.laneTopPx.length - 1;
    return last < 0 ? 0 : this.laneTopPx[last] + this.laneHeightPx[last];
  }

  /** The span under a point (CSS px), or -1. Spans drawn 1px wide get a 2px tolerance. */
  private spanAt(query: TrackQuery, xPx: number, yPx: number): number {
    const { scale, model } = query;
    const index = query.indexes.spans;
    if (xPx < scale.startPx) {
      return -1;
    }
    const lane = this.laneTopPx.findIndex(
      (top, i) => yPx >= top && yPx < top + this.laneHeightPx[i],
    );
    if (lane < 0) {
      return -1;
    }
    const depth = Math.floor((yPx - this.laneTopPx[lane] - LANE_PAD_PX) / SPAN_ROW_PX);
    const list = index.lanesOf(lane)[depth];
    if (!list || depth < 0) {
      return -1;
    }
    const timeNs = scale.pxToTime(xPx);
    const tolNs = 2 * scale.nsPerPx;
    let best = -1;
    let bestDistPx = Infinity;
    for (let k = index.firstEndingAfter(list, timeNs - tolNs); k < list.length; k++) {
      const span = list.data[k];
      if (model.spanStartNs.data[span] > timeNs + tolNs) {
        break;
      }
      const box = this.spanBox(span, scale);
      const distPx = xPx < box.x0Px ? box.x0Px - xPx : xPx > box.x1Px ? xPx - box.x1Px : 0;
      if (distPx < bestDistPx) {
        best = span;
        bestDistPx = distPx;
      }
    }
    return bestDistPx <= 2 ? best : -1;
  }
}
