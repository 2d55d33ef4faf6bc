/** A canvas whose backing store follows its CSS size and the device pixel ratio. */

/** Wraps a canvas: `begin()` resizes the backing store if needed and returns a context in CSS px. */
export class CanvasSurface {
  readonly ctx: CanvasRenderingContext2D;
  /** Current size in CSS px. */
  widthPx = 0;
  heightPx = 0;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      throw new Error('Canvas 2D is not available');
    }
    this.ctx = ctx;
  }

  /**
   * Prepares a frame of `widthPx` x `heightPx` CSS pixels: sizes the canvas, scales for the
   * device pixel ratio (crisp lines on HiDPI screens) and clears it to `background`.
   */
  begin(widthPx: number, heightPx: number, background: string): CanvasRenderingContext2D {
    const dpr = window.devicePixelRatio || 1;
    widthPx = Math.max(0, Math.floor(widthPx));
    heightPx = Math.max(0, Math.floor(heightPx));
    const deviceW = Math.round(widthPx * dpr);
    const deviceH = Math.round(heightPx * dpr);
    if (this.canvas.width !== deviceW || this.canvas.height !== deviceH) {
      this.canvas.width = deviceW;
      this.canvas.height = deviceH;
    }
    if (this.widthPx !== widthPx || this.heightPx !== heightPx) {
      this.canvas.style.width = `${widthPx}px`;
      this.canvas.style.height = `${heightPx}px`;
      this.widthPx = widthPx;
      this.heightPx = heightPx;
    }
    const { ctx } = this;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, widthPx, heightPx);
    return ctx;
  }
}

/** Draws `text` left-aligned at (xPx, yPx), cut with an ellipsis to fit in `maxWidthPx`. */
export function fitText(
  ctx: CanvasRenderingContext2D,
  text: string,
  xPx: number,
  yPx: number,
  maxWidthPx: number,
): void {
  if (maxWidthPx < 8) {
    return;
  }
  if (ctx.measureText(text).width <= maxWidthPx) {
    ctx.fillText(text, xPx, yPx);
    return;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxWidthPx) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  if (lo > 0) {
    ctx.fillText(text.slice(0, lo) + '…', xPx, yPx);
  }
}
