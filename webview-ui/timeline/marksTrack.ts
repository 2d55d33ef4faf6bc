/**
 * The Marks lanes: the program's own `performance.mark`s (ticks), `performance.measure`s and
 * `console.time` spans (bars), one lane per JS thread that made any, names drawn as text (never
 * HTML). A lane's first row holds the marks; measures that overlap stack in the rows below.
 * The search text dims the ones whose name does not contain it.
 */
import type { MarkStore } from '../../src/model/marks';
import type { TraceModel } from '../../src/model/traceModel';
import { MarkKind } from '../../src/shared/traceFormat';
import { formatDuration, threadLabel } from '../format';
import { fitText } from './canvasSurface';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from './track';

/** Height of one row of a Marks lane, CSS px. */
const ROW_PX = 18;
/** Space between two lanes, CSS px. */
const LANE_GAP_PX = 4;
/** How near (CSS px) the pointer must be to a mark's tick to hit it. */
const HIT_PX = 3;
/** Widest name drawn beside a mark's tick, CSS px. */
const POINT_TEXT_PX = 140;
/** Opacity of what the search leaves out. */
const DIMMED_ALPHA = 0.25;

/** One thread's lane: its marks and its measures, each with the row it is drawn in. */
interface MarksLane {
  /** Index into model.threads. */
  thread: number;
  topPx: number;
  rows: number;
  /** Mark indices (model.marks) of this thread. */
  items: number[];
  /** Row of each of `items` (0 for a mark, 1+ for a measure). */
  rowOf: number[];
}

/** The layout of every lane, rebuilt when marks arrive. */
interface MarksLayout {
  model: TraceModel;
  count: number;
  lanes: MarksLane[];
  heightPx: number;
}

/** Lays out the lanes: per thread, measures stacked greedily (by start) so none overlap. */
function layOut(model: TraceModel): MarksLayout {
  const marks = model.marks;
  const byThread = new Map<number, number[]>();
  for (let i = 0; i < marks.count; i++) {
    const lane = marks.thread.data[i];
    let items = byThread.get(lane);
    if (!items) {
      items = [];
      byThread.set(lane, items);
    }
    items.push(i);
  }
  const lanes: MarksLane[] = [];
  let topPx = 0;
  for (const thread of [...byThread.keys()].sort((a, b) => a - b)) {
    const items = byThread.get(thread)!;
    items.sort((a, b) => marks.startNs.data[a] - marks.startNs.data[b]);
    const rowEnds: number[] = [];
    const rowOf = items.map((i) => {
      if (!marks.isSpan(i)) {
        return 0;
      }
      const startNs = marks.startNs.data[i];
      let row = rowEnds.findIndex((endNs) => endNs <= startNs);
      if (row < 0) {
        row = rowEnds.length;
        rowEnds.push(0);
      }
      rowEnds[row] = startNs + marks.durationNs.data[i];
      return row + 1;
    });
    const rows = 1 + rowEnds.length;
    lanes.push({ thread, topPx, rows, items, rowOf });
    topPx += rows * ROW_PX + LANE_GAP_PX;
  }
  return { model, count: marks.count, lanes, heightPx: topPx };
}

/** The marks and measures of each JS thread that made any. */
export class MarksTrack implements TimelineTrack {
  readonly id = 'marks';
  readonly title = 'Marks';
  private layout: MarksLayout | undefined;

  private layoutOf(model: TraceModel): MarksLayout {
    const cached = this.layout;
    if (cached && cached.model === model && cached.count === model.marks.count) {
      return cached;
    }
    this.layout = layOut(model);
    return this.layout;
  }

  visible(model: TraceModel): boolean {
    return model.marks.count > 0;
  }

  heightPx(model: TraceModel): number {
    return Math.max(ROW_PX, this.layoutOf(model).heightPx);
  }

  countText(model: TraceModel): string {
    return `(${model.marks.count})`;
  }

  draw(rc: RenderContext): void {
    const { ctx, model, scale, theme, widthPx } = rc;
    const marks = model.marks;
    const needle = rc.indexes.filter.spec.text.toLowerCase();
    const x0Px = scale.startPx;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    for (const lane of this.layoutOf(model).lanes) {
      const topPx = lane.topPx - rc.topPx;
      if (topPx > rc.heightPx || topPx + lane.rows * ROW_PX < 0) {
        continue;
      }
      ctx.fillStyle = theme.laneBackground;
      ctx.fillRect(x0Px, topPx, widthPx - x0Px, lane.rows * ROW_PX);
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.foreground;
      fitText(ctx, threadLabel(model.threads[lane.thread]), 6, topPx + ROW_PX / 2, x0Px - 12);
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0Px, topPx, widthPx - x0Px, lane.rows * ROW_PX);
      ctx.clip();
      for (let k = 0; k < lane.items.length; k++) {
        const i = lane.items[k];
        const startPx = scale.timeToPx(marks.startNs.data[i]);
        const endPx = scale.timeToPx(marks.startNs.data[i] + marks.durationNs.data[i]);
        if (endPx < x0Px - POINT_TEXT_PX || startPx > widthPx) {
          continue;
        }
        const name = marks.nameOf(i);
        ctx.globalAlpha = needle && !name.toLowerCase().includes(needle) ? DIMMED_ALPHA : 1;
        const yPx = topPx + lane.rowOf[k] * ROW_PX;
        if (lane.rowOf[k] === 0) {
          ctx.fillStyle = theme.focus;
          ctx.fillRect(Math.round(startPx) - 1, yPx + 2, 2, ROW_PX - 4);
          ctx.fillStyle = theme.foreground;
          fitText(ctx, name, startPx + 4, yPx + ROW_PX / 2, POINT_TEXT_PX);
        } else {
          const widthBarPx = Math.max(1, endPx - startPx);
          ctx.fillStyle = theme.focus;
          ctx.fillRect(startPx, yPx + 2, widthBarPx, ROW_PX - 4);
          ctx.fillStyle = theme.background;
          const textX = Math.max(startPx, x0Px) + 3;
          fitText(ctx, name, textX, yPx + ROW_PX / 2, Math.min(endPx, widthPx) - textX - 2);
        }
      }
      ctx.restore();
    }
    ctx.globalAlpha = 1;
  }

  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit | undefined {
    const { model, scale } = query;
    const marks = model.marks;
    const lane = this.layoutOf(model).lanes.find(
      (l) => yPx >= l.topPx && yPx < l.topPx + l.rows * ROW_PX,
    );
    if (!lane) {
      return undefined;
    }
    const row = Math.floor((yPx - lane.topPx) / ROW_PX);
    let best = -1;
    let bestDistancePx = Infinity;
    for (let k = 0; k < lane.items.length; k++) {
      if (lane.rowOf[k] !== row) {
        continue;
      }
      const i = lane.items[k];
      const startPx = scale.timeToPx(marks.startNs.data[i]);
      const endPx = scale.timeToPx(marks.startNs.data[i] + marks.durationNs.data[i]);
      const distancePx = xPx < startPx ? startPx - xPx : xPx > endPx ? xPx - endPx : 0;
      if (distancePx <= HIT_PX && distancePx < bestDistancePx) {
        best = i;
        bestDistancePx = distancePx;
      }
    }
    return best < 0 ? undefined : { lines: describeMark(model, marks, best) };
  }
}

/** The tooltip's lines for mark `i`: its name, what it is and when, and its thread. */
function describeMark(model: TraceModel, marks: MarkStore, i: number): string[] {
  const intoRun = formatDuration(marks.startNs.data[i] - model.startNs);
  const kind = marks.kind.data[i];
  const what =
    kind === MarkKind.Mark
      ? `performance.mark at ${intoRun}`
      : `${kind === MarkKind.Measure ? 'performance.measure' : 'console.time'} ${formatDuration(marks.durationNs.data[i])}, from ${intoRun}`;
  return [marks.nameOf(i), what, threadLabel(model.threads[marks.thread.data[i]])];
}
