/** The time ruler above the views, and the matching grid lines inside them. */
import type { Theme } from '../theme';
import { GUTTER_PX } from './layout';
import { rulerTicks, type Tick, type TimeScale } from './timeScale';

/** Draws the ruler's ticks and labels; returns the ticks so the views can draw grid lines. */
export function drawRuler(
  ctx: CanvasRenderingContext2D,
  scale: TimeScale,
  theme: Theme,
  widthPx: number,
  heightPx: number,
): Tick[] {
  const ticks = rulerTicks(scale);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = theme.grid;
  ctx.fillRect(0, heightPx - 1, widthPx, 1);
  for (const tick of ticks) {
    const xPx = Math.round(scale.timeToPx(tick.timeNs));
    if (xPx < GUTTER_PX || xPx > widthPx) {
      continue;
    }
    ctx.fillStyle = theme.grid;
    ctx.fillRect(xPx, heightPx - 7, 1, 7);
    ctx.fillStyle = theme.muted;
    ctx.fillText(tick.label, xPx + 3, heightPx / 2 - 2);
  }
  ctx.fillStyle = theme.muted;
  ctx.fillText('since launch', 6, heightPx / 2 - 2);
  return ticks;
}

/** Vertical grid lines at the ruler's ticks. */
export function drawGrid(
  ctx: CanvasRenderingContext2D,
  ticks: Tick[],
  scale: TimeScale,
  theme: Theme,
  widthPx: number,
  heightPx: number,
): void {
  ctx.fillStyle = theme.grid;
  for (const tick of ticks) {
    const xPx = Math.round(scale.timeToPx(tick.timeNs));
    if (xPx >= GUTTER_PX && xPx <= widthPx) {
      ctx.fillRect(xPx, 0, 1, heightPx);
    }
  }
}
