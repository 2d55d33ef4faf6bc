/** The Threads view: one lane per JS thread, each callback span a box at its nesting depth. */
import type { Column } from '../../src/model/columns';
import type { TraceModel } from '../../src/model/traceModel';
import { threadLabel } from '../format';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { GUTTER_PX, LANE_PAD_PX, MERGE_BELOW_PX, MIN_LANE_PX, SPAN_ROW_PX } from './layout';
import type { SpanIndex } from './spanIndex';
import type { TimeScale } from './timeScale';

/** What `findSpan` matches: resource type, creation line, file suffix, Node threadId. */
export interface SpanQuery {
  type?: string;
  line?: number;
  file?: string;
  thread?: number;
}

/** A span's box in CSS px, relative to the canvas's top-left. */
export interface SpanBox {
  x0Px: number;
  x1Px: number;
  yPx: number;
  heightPx: number;
}

/** Lays out, draws and hit-tests the thread lanes of one model. */
export class ThreadsTrack {
  private laneTopPx: number[] = [];
  private laneHeightPx: number[] = [];

  constructor(
    private readonly model: TraceModel,
    private readonly index: SpanIndex,
  ) {}

  /** Recomputes lane positions; returns the height (CSS px) the lanes need. */
  layout(): number {
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
    const m = this.model;
    const startNs = m.spanStartNs.data[span];
    const endNs = m.spanEndNs.data[span];
    const x0Px = scale.timeToPx(startNs);
    const x1Px = Math.max(x0Px + 1, scale.timeToPx(Number.isNaN(endNs) ? m.endNs : endNs));
    const yPx =
      this.laneTopPx[m.spanThread.data[span]] + LANE_PAD_PX + m.spanDepth.data[span] * SPAN_ROW_PX;
    return { x0Px, x1Px, yPx: yPx + 1, heightPx: SPAN_ROW_PX - 2 };
  }

  /** Draws every lane; spans of `hoverRes` get a focus outline. */
  draw(
    ctx: CanvasRenderingContext2D,
    scale: TimeScale,
    theme: Theme,
    widthPx: number,
    hoverRes: number,
  ): void {
    const m = this.model;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    m.threads.forEach((thread, lane) => {
      const topPx = this.laneTopPx[lane];
      const heightPx = this.laneHeightPx[lane];
      // The thread's life, from its first record to its end (or the live edge).
      const aliveFromNs = Number.isFinite(thread.info.startNs) ? thread.info.startNs : m.startNs;
      const aliveToNs = thread.endNs ?? m.endNs;
      const a = Math.max(GUTTER_PX, scale.timeToPx(aliveFromNs));
      const b = Math.min(widthPx, scale.timeToPx(aliveToNs));
      if (b > a) {
        ctx.fillStyle = theme.laneBackground;
        ctx.fillRect(a, topPx + 1, b - a, heightPx - 2);
      }
      ctx.fillStyle = theme.grid;
      ctx.fillRect(0, topPx + heightPx - 1, widthPx, 1);
      ctx.fillStyle = theme.foreground;
      fitText(ctx, threadLabel(thread), 6, topPx + 11, GUTTER_PX - 12);
      ctx.fillStyle = theme.muted;
      const dropped = thread.dropped ? `, ${thread.dropped} dropped` : '';
      fitText(ctx, `${thread.spanCount} callbacks${dropped}`, 6, topPx + 26, GUTTER_PX - 12);
    });
    ctx.fillStyle = theme.grid;
    ctx.fillRect(GUTTER_PX - 1, 0, 1, this.layoutHeight());
    ctx.save();
    ctx.beginPath();
    ctx.rect(GUTTER_PX, 0, widthPx - GUTTER_PX, this.layoutHeight());
    ctx.clip();
    for (let lane = 0; lane < m.threads.length; lane++) {
      for (const list of this.index.byThread[lane] ?? []) {
        if (list) {
          this.drawRow(ctx, scale, theme, widthPx, list, hoverRes);
        }
      }
    }
    ctx.restore();
  }

  private layoutHeight(): number {
    const last = this.laneTopPx.length - 1;
    return last < 0 ? 0 : this.laneTopPx[last] + this.laneHeightPx[last];
  }

  /** Draws the visible spans of one (thread, depth) row, merging sub-pixel neighbours. */
  private drawRow(
    ctx: CanvasRenderingContext2D,
    scale: TimeScale,
    theme: Theme,
    widthPx: number,
    list: Column<Int32Array>,
    hoverRes: number,
  ): void {
    const m = this.model;
    const spans = list.data;
    const count = list.length;
    const starts = m.spanStartNs.data;
    const res = m.spanRes.data;
    let pendingKind = -1;
    let pendingX0 = 0;
    let pendingX1 = 0;
    let yPx = 0;
    let heightPx = 0;
    const flush = (): void => {
      if (pendingKind >= 0) {
        ctx.fillStyle = theme.kinds[pendingKind];
        ctx.fillRect(pendingX0, yPx, pendingX1 - pendingX0, heightPx);
        pendingKind = -1;
      }
    };
    for (let k = this.index.firstEndingAfter(list, scale.startNs); k < count; k++) {
      const span = spans[k];
      if (starts[span] > scale.endNs) {
        break;
      }
      const box = this.spanBox(span, scale);
      yPx = box.yPx;
      heightPx = box.heightPx;
      const x0 = Math.max(box.x0Px, GUTTER_PX - 2);
      const x1 = Math.min(box.x1Px, widthPx + 2);
      const r = res[span];
      const kind = m.kindIndexOf(r);
      if (x1 - x0 < MERGE_BELOW_PX && r !== hoverRes) {
        if (kind === pendingKind && x0 <= pendingX1 + 0.5) {
          pendingX1 = Math.max(pendingX1, x1);
        } else {
          flush();
          pendingKind = kind;
          pendingX0 = x0;
          pendingX1 = x1;
        }
        continue;
      }
      flush();
      ctx.fillStyle = theme.kinds[kind];
      ctx.fillRect(x0, yPx, x1 - x0, heightPx);
      if (theme.contrastBorder && x1 - x0 >= 3) {
        ctx.strokeStyle = theme.contrastBorder;
        ctx.lineWidth = 1;
        ctx.strokeRect(x0 + 0.5, yPx + 0.5, x1 - x0 - 1, heightPx - 1);
      }
      if (r === hoverRes) {
        ctx.strokeStyle = theme.focus;
        ctx.lineWidth = 2;
        ctx.strokeRect(x0 - 1, yPx - 1, x1 - x0 + 2, heightPx + 2);
      }
      if (x1 - x0 > 28) {
        ctx.fillStyle = theme.kindText[kind];
        const left = Math.max(x0, GUTTER_PX) + 4;
        fitText(ctx, m.typeOf(r), left, yPx + heightPx / 2, x1 - left - 3);
      }
    }
    flush();
  }

  /** The span under a point (CSS px), or -1. Spans drawn 1px wide get a 2px tolerance. */
  hitTest(xPx: number, yPx: number, scale: TimeScale): number {
    if (xPx < GUTTER_PX) {
      return -1;
    }
    const lane = this.laneTopPx.findIndex(
      (top, i) => yPx >= top && yPx < top + this.laneHeightPx[i],
    );
    if (lane < 0) {
      return -1;
    }
    const depth = Math.floor((yPx - this.laneTopPx[lane] - LANE_PAD_PX) / SPAN_ROW_PX);
    const list = this.index.byThread[lane]?.[depth];
    if (!list || depth < 0) {
      return -1;
    }
    const timeNs = scale.pxToTime(xPx);
    const tolNs = 2 * scale.nsPerPx;
    let best = -1;
    let bestDistPx = Infinity;
    for (let k = this.index.firstEndingAfter(list, timeNs - tolNs); k < list.length; k++) {
      const span = list.data[k];
      if (this.model.spanStartNs.data[span] > timeNs + tolNs) {
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

  /** The centre of the first drawn span matching `query` (preferably 2px wide or more). */
  findSpan(
    query: SpanQuery,
    scale: TimeScale,
    widthPx: number,
  ): { x: number; y: number } | undefined {
    const m = this.model;
    let fallback: { x: number; y: number } | undefined;
    for (let lane = 0; lane < m.threads.length; lane++) {
      if (query.thread !== undefined && m.threads[lane].info.threadId !== query.thread) {
        continue;
      }
      for (const list of this.index.byThread[lane] ?? []) {
        for (let k = 0; list && k < list.length; k++) {
          const span = list.data[k];
          const r = m.spanRes.data[span];
          const loc = m.locationOf(r);
          if (
            (query.type !== undefined && m.typeOf(r) !== query.type) ||
            (query.line !== undefined && loc?.line !== query.line) ||
            (query.file !== undefined && !loc?.file.endsWith(query.file))
          ) {
            continue;
          }
          const box = this.spanBox(span, scale);
          const x0 = Math.max(box.x0Px, GUTTER_PX);
          const x1 = Math.min(box.x1Px, widthPx);
          if (x1 - x0 < 1) {
            continue;
          }
          const centre = { x: (x0 + x1) / 2, y: box.yPx + box.heightPx / 2 };
          if (x1 - x0 >= 2) {
            return centre;
          }
          fallback ??= centre;
        }
      }
    }
    return fallback;
  }
}
