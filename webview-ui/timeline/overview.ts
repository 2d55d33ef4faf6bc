/** The overview (minimap): how busy each thread was over the whole run, and where the view is. */
import { addTopBusyShares } from '../../src/model/timeIndex';
import type { TraceModel } from '../../src/model/traceModel';
import { threadLabel } from '../format';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { GUTTER_PX } from './layout';
import { TimeScale } from './timeScale';

/** Height of the overview, CSS px. */
export const OVERVIEW_PX = 34;
/** While the trace grows, the busy histogram is recomputed at most this often. */
const REBUILD_MS = 400;

/**
 * Busy fraction of each thread per pixel column of the whole run, cached: it is redone only when
 * the trace or the width changed, and at most every REBUILD_MS while a live trace grows (each
 * time two lookups per column and thread in the cumulative run times, not a pass over spans).
 */
export class Overview {
  private busy: Float32Array[] = [];
  private key = '';
  private builtAt = 0;
  /** The bands, drawn off screen; redrawn when `bandsKey` changes. */
  private bands: HTMLCanvasElement | undefined;
  private bandsKey = '';
  private dpr = 1;
  /** The scale of the whole run, as last drawn (the view maps pointer positions through it). */
  scale = new TimeScale(0, 1e9, GUTTER_PX, 1000);

  constructor(private readonly model: TraceModel) {}

  /** Draws the overview and the visible window `view` on it. */
  draw(
    ctx: CanvasRenderingContext2D,
    view: TimeScale,
    theme: Theme,
    widthPx: number,
    heightPx: number,
  ): void {
    const m = this.model;
    const startNs = Number.isFinite(m.startNs) ? m.startNs : 0;
    const endNs = Number.isFinite(m.endNs) ? Math.max(m.endNs, startNs + 1e6) : 1e9;
    this.scale = new TimeScale(startNs, endNs, view.startPx, view.endPx);
    const columns = Math.max(1, Math.floor(view.endPx - view.startPx));
    this.rebuild(columns);
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.muted;
    fitText(ctx, 'Overview', 6, heightPx / 2, view.startPx - 12);
    // The bands change only when the busy histogram or the theme does: drawn once into a
    // bitmap of their own, then copied (one operation per frame instead of one per column).
    const bands = this.bandsImage(theme, heightPx);
    if (bands) {
      ctx.drawImage(bands, view.startPx, 0, bands.width / this.dpr, heightPx);
    }
    // The visible window: shade outside it, outline it.
    const x0 = Math.max(view.startPx, this.scale.timeToPx(view.startNs));
    const x1 = Math.min(view.endPx, this.scale.timeToPx(view.endNs));
    ctx.fillStyle = theme.background;
    ctx.globalAlpha = 0.55;
    ctx.fillRect(view.startPx, 0, Math.max(0, x0 - view.startPx), heightPx);
    ctx.fillRect(x1, 0, Math.max(0, view.endPx - x1), heightPx);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = theme.focus;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, 0.5, Math.max(2, x1 - x0 - 1), heightPx - 1);
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, heightPx - 1, widthPx, 1);
    ctx.fillRect(view.startPx - 1, 0, 1, heightPx);
  }

  /** The busy bands (and lane labels) as a bitmap `busy` columns wide, redrawn when stale. */
  private bandsImage(theme: Theme, heightPx: number): HTMLCanvasElement | undefined {
    const columns = this.busy[0]?.length ?? 0;
    if (!columns) {
      return undefined;
    }
    const dpr = window.devicePixelRatio || 1;
    const key = `${this.key}|${heightPx}|${dpr}|${theme.kinds[0]}|${theme.kinds[1]}|${theme.muted}|${theme.font}`;
    if (this.bands && key === this.bandsKey) {
      return this.bands;
    }
    this.bandsKey = key;
    this.dpr = dpr;
    const canvas = (this.bands ??= document.createElement('canvas'));
    canvas.width = Math.round(columns * dpr);
    canvas.height = Math.round(heightPx * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return undefined;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, columns, heightPx);
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    const lanes = this.busy.length;
    const bandPx = Math.max(1, Math.floor((heightPx - 4) / lanes));
    for (let lane = 0; lane < lanes; lane++) {
      const busy = this.busy[lane];
      const yPx = 2 + lane * bandPx;
      ctx.fillStyle = theme.kinds[lane % 2 ? 1 : 0];
      // Quantized alpha: a handful of fill colours, each set once; runs of a level are one rect.
      for (let level = 1; level <= 4; level++) {
        ctx.globalAlpha = 0.2 + level * 0.2;
        for (let x = 0; x < busy.length; x++) {
          if (Math.ceil(busy[x] * 4) !== level) {
            continue;
          }
          let end = x + 1;
          while (end < busy.length && Math.ceil(busy[end] * 4) === level) {
            end++;
          }
          ctx.fillRect(x, yPx, end - x, Math.max(1, bandPx - (bandPx > 3 ? 1 : 0)));
          x = end - 1;
        }
      }
      ctx.globalAlpha = 1;
      if (bandPx >= 12) {
        ctx.fillStyle = theme.muted;
        fitText(ctx, threadLabel(this.model.threads[lane]), 4, yPx + bandPx / 2, 200);
      }
    }
    return canvas;
  }

  private rebuild(columns: number): void {
    const m = this.model;
    const key = `${columns}:${m.spanCount}:${m.startNs}:${m.endNs}:${m.threads.length}`;
    const now = performance.now();
    if (
      key === this.key ||
      (this.busy.length && now - this.builtAt < REBUILD_MS && this.key.startsWith(`${columns}:`))
    ) {
      return;
    }
    this.key = key;
    this.builtAt = now;
    const scale = this.scale;
    const nsPerCol = scale.nsPerPx;
    // Each column's share of busy time, from the thread's cumulative run time: two lookups a
    // column, however many callbacks it covers.
    this.busy = m.threads.map((_, lane) => {
      const busy = new Float32Array(columns);
      addTopBusyShares(m, lane, scale.startNs, nsPerCol, busy);
      for (let x = 0; x < columns; x++) {
        busy[x] = Math.min(1, busy[x]);
      }
      return busy;
    });
  }
}

/** What dragging on the overview moves. */
export interface OverviewInput {
  /** The overview as last drawn (its scale maps the pointer to a time). */
  overview(): Overview;
  /** Centres the view on a time (the user moved it). */
  centreOn(timeNs: number): void;
  fit(): void;
}

/** Pressing or dragging on the overview centres the view there; double-click fits. */
export function bindOverview(canvas: HTMLCanvasElement, input: OverviewInput): void {
  let dragging = false;
  const centre = (ev: PointerEvent): void => {
    const xPx = ev.clientX - canvas.getBoundingClientRect().left;
    const scale = input.overview().scale;
    if (xPx >= scale.startPx) {
      input.centreOn(scale.pxToTime(xPx));
    }
  };
  canvas.addEventListener('pointerdown', (ev) => {
    dragging = true;
    canvas.setPointerCapture(ev.pointerId);
    centre(ev);
  });
  canvas.addEventListener('pointermove', (ev) => dragging && centre(ev));
  canvas.addEventListener('pointerup', () => (dragging = false));
  canvas.addEventListener('dblclick', () => input.fit());
}
