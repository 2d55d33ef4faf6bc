/**
 * A minimal TimelineHost: one canvas with the registered tracks on a shared time axis, wheel
 * zoom and hover text. For the parallelism views' own tests, independent of the timeline engine
 * (which implements the same interface for the real panel). Built by the tests only.
 */
import type { TraceModel } from '../../../src/model/traceModel';
import { el } from '../../../webview-ui/dom';
import { readTheme } from '../../../webview-ui/theme';
import { fitText } from '../../../webview-ui/timeline/canvasSurface';
import { CausalIndex } from '../../../webview-ui/timeline/causalIndex';
import { GUTTER_PX } from '../../../webview-ui/timeline/layout';
import { FrameTask } from '../../../webview-ui/timeline/frameLoop';
import { Selection } from '../../../webview-ui/timeline/selection';
import { SpanFilter } from '../../../webview-ui/timeline/spanFilter';
import { SpanIndex } from '../../../webview-ui/timeline/spanIndex';
import { rulerTicks, TimeScale } from '../../../webview-ui/timeline/timeScale';
import type {
  ModelIndexes,
  TimelineHost,
  TimelineTrack,
  TrackQuery,
  WindowChange,
} from '../../../webview-ui/timeline/track';

const TITLE_PX = 18;
const RIGHT_MARGIN_PX = 8;
/** The preview draws no flows and never warms up. */
const DRAW = { options: { showFlows: false }, warmUp: false, uiScale: 1 };

/** Draws tracks stacked under one time axis; `window` can be set, or follows the model. */
export class PreviewHost implements TimelineHost {
  /** The host's element (a scrolling box with the canvas). */
  readonly root: HTMLElement;
  /** The canvas every track is drawn on. */
  readonly canvas: HTMLCanvasElement;
  /** Visible window, ns; NaN while it follows the whole trace. */
  startNs = NaN;
  endNs = NaN;
  private readonly tracks: TimelineTrack[] = [];
  private readonly listeners: Array<(change: WindowChange) => void> = [];
  private scale = new TimeScale(0, 1e9, GUTTER_PX, 1000);
  private readonly frames = new FrameTask(() => this.draw());
  private indexes: (ModelIndexes & { model: TraceModel }) | undefined;

  constructor(private readonly model: () => TraceModel) {
    this.canvas = el('canvas', { id: 'pl-preview-canvas' });
    this.root = el('div', { className: 'pl-preview' }, this.canvas);
    this.canvas.addEventListener('wheel', (ev) => this.wheel(ev), { passive: false });
    this.canvas.addEventListener('mousemove', (ev) => this.hover(ev));
    new ResizeObserver(() => this.requestRedraw()).observe(this.root);
  }

  addTrack(track: TimelineTrack): void {
    this.tracks.push(track);
    this.requestRedraw();
  }

  onWindowChange(listener: (change: WindowChange) => void): void {
    this.listeners.push(listener);
  }

  requestRedraw(): void {
    this.frames.request();
  }

  /** Draws now if a redraw is pending. */
  flush(): void {
    this.frames.flush();
  }

  /** Shows [startNs, endNs); NaN for both follows the whole trace again. */
  setWindow(startNs: number, endNs: number): void {
    this.startNs = startNs;
    this.endNs = endNs;
    this.requestRedraw();
  }

  private draw(): void {
    const model = this.model();
    const theme = readTheme([]);
    const selection = new Selection();
    if (Number.isNaN(this.startNs)) {
      const spanNs = Math.max(model.endNs - model.startNs, 1e6);
      const fromNs = Number.isFinite(model.startNs) ? model.startNs : 0;
      this.scale = this.scaleFor(fromNs - spanNs * 0.01, fromNs + spanNs * 1.01);
    } else {
      this.scale = this.scaleFor(this.startNs, this.endNs);
    }
    const shown = this.tracks.filter((t) => t.visible(model));
    const heights = shown.map((t) => t.heightPx(model));
    const totalPx = heights.reduce((a, h) => a + h + TITLE_PX, 0) || TITLE_PX;
    const widthPx = this.root.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(widthPx * dpr);
    this.canvas.height = Math.round(totalPx * dpr);
    this.canvas.style.width = `${widthPx}px`;
    this.canvas.style.height = `${totalPx}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, widthPx, totalPx);
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    for (const tick of rulerTicks(this.scale)) {
      const xPx = Math.round(this.scale.timeToPx(tick.timeNs));
      ctx.fillStyle = theme.grid;
      ctx.fillRect(xPx, 0, 1, totalPx);
      ctx.fillStyle = theme.muted;
      ctx.fillText(tick.label, xPx + 3, TITLE_PX / 2);
    }
    let yPx = 0;
    shown.forEach((track, i) => {
      ctx.fillStyle = theme.foreground;
      fitText(ctx, track.title, 6, yPx + TITLE_PX / 2, GUTTER_PX - 12);
      yPx += TITLE_PX;
      ctx.save();
      ctx.translate(0, yPx);
      const heightPx = heights[i];
      track.draw({
        ...this.query(model),
        ctx,
        theme,
        selection,
        widthPx,
        topPx: 0,
        heightPx,
        ...DRAW,
      });
      ctx.restore();
      yPx += heights[i];
    });
    for (const listener of this.listeners) {
      listener({ scale: this.scale, model });
    }
  }

  /** The model with fresh indexes (the tracks here read only the model and the scale). */
  private query(model: TraceModel): TrackQuery {
    if (this.indexes?.model !== model) {
      this.indexes = {
        model,
        spans: new SpanIndex(model),
        causal: new CausalIndex(model),
        filter: new SpanFilter(model),
      };
    }
    return { model, indexes: this.indexes, scale: this.scale };
  }

  private scaleFor(startNs: number, endNs: number): TimeScale {
    const right = Math.max(GUTTER_PX + 10, this.root.clientWidth - RIGHT_MARGIN_PX);
    return new TimeScale(startNs, endNs, GUTTER_PX, right);
  }

  private wheel(ev: WheelEvent): void {
    ev.preventDefault();
    const xPx = Math.max(ev.offsetX, this.scale.startPx);
    const anchorNs = this.scale.pxToTime(xPx);
    const factor = Math.exp(ev.deltaY * 0.002);
    const startNs = anchorNs - (anchorNs - this.scale.startNs) * factor;
    const endNs = anchorNs + (this.scale.endNs - anchorNs) * factor;
    this.setWindow(startNs, endNs);
  }

  private hover(ev: MouseEvent): void {
    const model = this.model();
    let yPx = ev.offsetY;
    for (const track of this.tracks.filter((t) => t.visible(model))) {
      yPx -= TITLE_PX;
      const heightPx = track.heightPx(model);
      if (yPx >= 0 && yPx < heightPx) {
        const hit = track.hitTest?.(this.query(model), ev.offsetX, yPx);
        this.canvas.title = hit?.lines?.join('\n') ?? '';
        return;
      }
      yPx -= heightPx;
    }
    this.canvas.title = '';
  }
}
