/** The selected time range, shaded over the ruler and the tracks that show it. */
import { formatDuration } from '../format';
import type { Theme } from '../theme';
import type { TimeRange } from './selection';
import type { TimeScale } from './timeScale';

/** Space right of the last time pixel, so the live edge is not glued to the border. */
export const RIGHT_MARGIN_PX = 8;

/** Shades `range` over a canvas `heightPx` tall; with `label` (the ruler), writes its duration. */
export function drawRange(
  ctx: CanvasRenderingContext2D,
  scale: TimeScale,
  theme: Theme,
  range: TimeRange | undefined,
  heightPx: number,
  label: boolean,
): void {
  if (!range) {
    return;
  }
  const x0 = Math.max(scale.startPx, scale.timeToPx(range.startNs));
  const x1 = Math.min(scale.endPx + RIGHT_MARGIN_PX, scale.timeToPx(range.endNs));
  if (x1 < x0) {
    return;
  }
  ctx.globalAlpha = 0.35;
  ctx.fillStyle = theme.rangeFill;
  ctx.fillRect(x0, 0, x1 - x0, heightPx);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.focus;
  ctx.fillRect(x0, 0, 1, heightPx);
  ctx.fillRect(x1 - 1, 0, 1, heightPx);
  if (label) {
    const text = formatDuration(range.endNs - range.startNs);
    ctx.font = theme.font;
    const widthPx = ctx.measureText(text).width + 8;
    const xPx = Math.max(x0, (x0 + x1) / 2 - widthPx / 2);
    ctx.fillStyle = theme.background;
    ctx.fillRect(xPx, 2, widthPx, heightPx - 4);
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, xPx + 4, heightPx / 2);
  }
}
