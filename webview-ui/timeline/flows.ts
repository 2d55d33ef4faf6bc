/** Causality arrows (flow events): from the code that created an operation to its callback. */
import type { TraceModel } from '../../src/model/traceModel';
import type { Theme } from '../theme';
import type { TimeScale } from './timeScale';
import type { ModelIndexes } from './track';

/** Where the Threads view draws spans and lanes: what the arrows attach to. */
export interface SpanBoxes {
  /** The box of a span at this scale, CSS px in the threads canvas. */
  spanBox(span: number, scale: TimeScale): { x0Px: number; yPx: number; heightPx: number };
  /** The top of a thread's lane, CSS px. */
  laneTop(lane: number): number;
}

/** Most arrows drawn out of one span (a callback may start thousands of operations). */
const MAX_OUT = 300;

/** A point of an arrow, CSS px in the threads canvas. */
interface Point {
  xPx: number;
  yPx: number;
}

/**
 * Draws, for the selected span, an arrow from the callback that was running when its operation
 * was created, and arrows to the first callbacks of the operations it created while it ran.
 * Returns how many arrows were drawn.
 */
export function drawFlows(
  ctx: CanvasRenderingContext2D,
  model: TraceModel,
  indexes: ModelIndexes,
  threads: SpanBoxes,
  scale: TimeScale,
  theme: Theme,
  selectedSpan: number,
): number {
  if (selectedSpan < 0 || selectedSpan >= model.spanCount) {
    return 0;
  }
  const res = model.spanRes.data[selectedSpan];
  const box = threads.spanBox(selectedSpan, scale);
  const target = { xPx: box.x0Px, yPx: box.yPx + box.heightPx / 2 };
  ctx.save();
  ctx.beginPath();
  ctx.rect(scale.startPx, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.clip();
  let drawn = 0;
  const createdNs = model.resInitNs.data[res];
  if (createdNs === createdNs) {
    const lane = model.resThread.data[res];
    const from = indexes.spans.spanAt(lane, createdNs);
    const yPx =
      from >= 0
        ? threads.spanBox(from, scale).yPx + box.heightPx / 2
        : threads.laneTop(lane) + box.heightPx / 2 + 6;
    arrow(ctx, { xPx: scale.timeToPx(createdNs), yPx }, target, theme.flowIn);
    drawn++;
  }
  const startNs = model.spanStartNs.data[selectedSpan];
  const endRaw = model.spanEndNs.data[selectedSpan];
  const endNs = endRaw === endRaw ? endRaw : model.endNs;
  const children = indexes.causal.childrenOf(res);
  for (let i = 0; i < children.length && drawn < MAX_OUT; i++) {
    const child = children[i];
    const initNs = model.resInitNs.data[child];
    if (!(initNs >= startNs && initNs <= endNs)) {
      continue;
    }
    const source = { xPx: scale.timeToPx(initNs), yPx: target.yPx };
    const first = model.resFirstSpan.data[child];
    if (first >= 0) {
      const to = threads.spanBox(first, scale);
      arrow(ctx, source, { xPx: to.x0Px, yPx: to.yPx + to.heightPx / 2 }, theme.flowOut);
    } else {
      // Created but never ran (yet): a stub that says so.
      ctx.fillStyle = theme.flowOut;
      ctx.fillRect(source.xPx - 1, source.yPx - 9, 2, 9);
    }
    drawn++;
  }
  ctx.restore();
  return drawn;
}

/** A curved arrow with a dot at its tail and a head at its tip. */
function arrow(ctx: CanvasRenderingContext2D, from: Point, to: Point, colour: string): void {
  const dxPx = Math.max(24, Math.abs(to.xPx - from.xPx) * 0.5);
  const sameRow = Math.abs(to.yPx - from.yPx) < 4;
  const liftPx = sameRow ? -14 : 0;
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(from.xPx, from.yPx);
  ctx.bezierCurveTo(
    from.xPx + dxPx,
    from.yPx + liftPx,
    to.xPx - dxPx,
    to.yPx + liftPx,
    to.xPx,
    to.yPx,
  );
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(from.xPx, from.yPx, 2.5, 0, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(to.xPx, to.yPx);
  ctx.lineTo(to.xPx - 7, to.yPx - 4 + liftPx * 0.15);
  ctx.lineTo(to.xPx - 7, to.yPx + 4 + liftPx * 0.15);
  ctx.closePath();
  ctx.fill();
}
