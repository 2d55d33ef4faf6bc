/** Draws one row of non-overlapping spans, aggregating what is narrower than a pixel. */
import type { Column } from '../../src/model/columns';
import { OP_KINDS } from '../../src/model/opKinds';
import type { TraceModel } from '../../src/model/traceModel';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { MERGE_BELOW_PX } from './layout';
import type { SpanIndex } from './spanIndex';
import type { TimeScale } from './timeScale';

/** Spans at least this wide (CSS px) get their type written in them. */
const LABEL_MIN_PX = 28;

/** Rectangles of one kind, batched so a frame sets each fill colour once. */
class RectBatch {
  xPx = new Float64Array(256);
  widthPx = new Float64Array(256);
  count = 0;

  add(xPx: number, widthPx: number): void {
    if (this.count === this.xPx.length) {
      const x = new Float64Array(this.count * 2);
      const w = new Float64Array(this.count * 2);
      x.set(this.xPx);
      w.set(this.widthPx);
      this.xPx = x;
      this.widthPx = w;
    }
    this.xPx[this.count] = xPx;
    this.widthPx[this.count++] = widthPx;
  }
}

/**
 * Paints the visible spans of a (thread, depth) row. Cost is bounded by the pixels, not the
 * spans: a span narrower than a pixel paints that pixel in its kind's colour, and a binary
 * search skips every other span ending inside the same pixel. Neighbouring boxes of one kind
 * narrower than MERGE_BELOW_PX merge into one rectangle.
 */
export class RowPainter {
  private readonly batches = OP_KINDS.map(() => new RectBatch());
  private labels: number[] = [];
  /** Spans looked at during the last `paint` (for the benchmark). */
  visited = 0;

  /** Paints `list`'s spans within [clipX0Px, clipX1Px] at rows yPx..yPx+heightPx. */
  paint(
    ctx: CanvasRenderingContext2D,
    model: TraceModel,
    index: SpanIndex,
    list: Column<Int32Array>,
    scale: TimeScale,
    clipX0Px: number,
    clipX1Px: number,
    yPx: number,
    heightPx: number,
    theme: Theme,
    labels: boolean,
  ): void {
    const spans = list.data;
    const count = list.length;
    const starts = model.spanStartNs.data;
    const ends = model.spanEndNs.data;
    const res = model.spanRes.data;
    const liveEndNs = model.endNs;
    const lastNs = scale.pxToTime(clipX1Px);
    const batches = this.batches;
    this.labels.length = 0;
    let pendKind = -1;
    let pendX0 = 0;
    let pendX1 = 0;
    let visited = 0;
    let k = index.firstEndingAfter(list, scale.pxToTime(clipX0Px));
    while (k < count) {
      const span = spans[k];
      const startNs = starts[span];
      if (startNs > lastNs) {
        break;
      }
      visited++;
      const endNs = ends[span];
      const x0 = scale.timeToPx(startNs);
      const x1 = scale.timeToPx(endNs === endNs ? endNs : liveEndNs);
      const kind = model.kindIndexOf(res[span]);
      if (x1 - x0 >= 1) {
        const a = Math.max(x0, clipX0Px - 2);
        const b = Math.min(x1, clipX1Px + 2);
        if (b - a < MERGE_BELOW_PX) {
          if (kind === pendKind && a <= pendX1 + 0.5) {
            pendX1 = Math.max(pendX1, b);
          } else {
            if (pendKind >= 0) {
              batches[pendKind].add(pendX0, pendX1 - pendX0);
            }
            pendKind = kind;
            pendX0 = a;
            pendX1 = b;
          }
        } else {
          batches[kind].add(a, b - a);
          if (labels && b - a > LABEL_MIN_PX) {
            this.labels.push(span);
          }
        }
        k++;
        continue;
      }
      // Narrower than a pixel: it stands for its whole pixel; skip the rest of that pixel.
      const px = Math.floor(Math.max(x0, clipX0Px - 1));
      if (kind === pendKind && px <= pendX1 + 0.5) {
        pendX1 = Math.max(pendX1, px + 1);
      } else {
        if (pendKind >= 0) {
          batches[pendKind].add(pendX0, pendX1 - pendX0);
        }
        pendKind = kind;
        pendX0 = px;
        pendX1 = px + 1;
      }
      k = index.firstEndingAfter(list, scale.pxToTime(px + 1), k + 1);
    }
    if (pendKind >= 0) {
      batches[pendKind].add(pendX0, pendX1 - pendX0);
    }
    this.visited += visited;
    for (let kind = 0; kind < batches.length; kind++) {
      const batch = batches[kind];
      if (!batch.count) {
        continue;
      }
      ctx.fillStyle = theme.kinds[kind];
      for (let i = 0; i < batch.count; i++) {
        ctx.fillRect(batch.xPx[i], yPx, batch.widthPx[i], heightPx);
      }
      if (theme.contrastBorder) {
        ctx.strokeStyle = theme.contrastBorder;
        ctx.lineWidth = 1;
        for (let i = 0; i < batch.count; i++) {
          if (batch.widthPx[i] >= 3) {
            ctx.strokeRect(batch.xPx[i] + 0.5, yPx + 0.5, batch.widthPx[i] - 1, heightPx - 1);
          }
        }
      }
      batch.count = 0;
    }
    for (const span of this.labels) {
      const r = res[span];
      const kind = model.kindIndexOf(r);
      const endNs = ends[span];
      const a = Math.max(scale.timeToPx(starts[span]), clipX0Px) + 4;
      const b = Math.min(scale.timeToPx(endNs === endNs ? endNs : liveEndNs), clipX1Px);
      ctx.fillStyle = theme.kindText[kind];
      fitText(ctx, model.typeOf(r), a, yPx + heightPx / 2, b - a - 3);
    }
  }
}
