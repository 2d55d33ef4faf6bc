/** The Threads and Operations views under one time axis: DOM, redraws, hover and click. */
import { TraceModel } from '../../src/model/traceModel';
import type { FromWebviewMessage } from '../../src/shared/protocol';
import { el } from '../dom';
import { readTheme, type Theme } from '../theme';
import { HoverReporter, positionOf, Tooltip } from '../tooltip';
import { CanvasSurface } from './canvasSurface';
import { bindTimelineInput, bindTimelineKeys, type InputHost } from './interaction';
import { GUTTER_PX, RULER_PX } from './layout';
import { OpsTrack } from './opsTrack';
import { drawGrid, drawRuler } from './ruler';
import { SpanIndex } from './spanIndex';
import { ThreadsTrack, type SpanQuery } from './threadsTrack';
import { TimeScale } from './timeScale';
import { TimeWindow } from './timeWindow';

/** Space right of the last time pixel, so the live edge is not glued to the border. */
const RIGHT_MARGIN_PX = 8;

/**
 * Owns the canvases of both views. Every change (data, status, size, theme, input) calls
 * `requestRedraw()`, and all of them together cost one draw on the next animation frame.
 */
export class TimelineView {
  /** The views' container element. */
  readonly root: HTMLElement;
  /** The shared time window (fit / follow / zoom / pan). */
  readonly window = new TimeWindow();
  private model = new TraceModel();
  private index = new SpanIndex(this.model);
  private threads = new ThreadsTrack(this.model, this.index);
  private ops = new OpsTrack(this.model);
  private theme: Theme;
  private scale = new TimeScale(0, 1e9, GUTTER_PX, 1000);
  private frame = 0;
  private hoverRes = -1;
  private hoverSpan = -1;
  private readonly ruler: CanvasSurface;
  private readonly threadsSurface: CanvasSurface;
  private readonly opsSurface: CanvasSurface;
  private readonly threadsBox: HTMLElement;
  private readonly opsScroll: HTMLElement;
  private readonly opsSpacer: HTMLElement;
  private readonly opsCount: HTMLElement;
  private readonly tooltip: Tooltip;
  private readonly reporter: HoverReporter;

  constructor(
    private readonly swatches: HTMLElement[],
    tooltipElement: HTMLElement,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {
    const rulerCanvas = el('canvas', { id: 'ruler-canvas' });
    const threadsCanvas = el('canvas', { id: 'threads-canvas' });
    const opsCanvas = el('canvas', { id: 'ops-canvas' });
    this.threadsBox = el('div', { id: 'threads', className: 'threads-box' }, threadsCanvas);
    this.opsSpacer = el('div', { className: 'ops-spacer' });
    this.opsScroll = el('div', { id: 'ops', className: 'ops-scroll' }, opsCanvas, this.opsSpacer);
    this.opsCount = el('span', { id: 'ops-count', className: 'view-count' });
    this.threadsBox.dataset.lanes = '0';
    this.threadsBox.dataset.spans = '0';
    threadsCanvas.setAttribute('aria-label', 'Callbacks on each JS thread over time');
    opsCanvas.setAttribute('aria-label', 'Async operations over time');
    this.root = el(
      'main',
      { className: 'views' },
      el(
        'section',
        { className: 'view threads-view' },
        el('h2', { className: 'view-title', text: 'Threads' }),
        rulerCanvas,
        this.threadsBox,
      ),
      el(
        'section',
        { className: 'view ops-view' },
        el('h2', { className: 'view-title', text: 'Operations ' }, this.opsCount),
        this.opsScroll,
      ),
    );
    this.ruler = new CanvasSurface(rulerCanvas);
    this.threadsSurface = new CanvasSurface(threadsCanvas);
    this.opsSurface = new CanvasSurface(opsCanvas);
    this.tooltip = new Tooltip(tooltipElement);
    this.reporter = new HoverReporter((position) =>
      this.post(position ? { type: 'hover', position } : { type: 'hover' }),
    );
    this.theme = readTheme(swatches);

    const host = (surface: 'threads' | 'ops' | 'ruler'): InputHost => ({
      window: this.window,
      scale: () => this.scale,
      redraw: () => this.requestRedraw(),
      hover: (xPx, yPx, clientX, clientY) => this.hoverAt(surface, xPx, yPx, clientX, clientY),
      leave: () => this.setHover(-1, -1, 0, 0),
      click: (xPx, yPx) => this.clickAt(surface, xPx, yPx),
    });
    bindTimelineInput(rulerCanvas, host('ruler'), false);
    bindTimelineInput(threadsCanvas, host('threads'), false);
    bindTimelineInput(opsCanvas, host('ops'), true);
    bindTimelineKeys(host('ruler'));
    this.opsScroll.addEventListener('scroll', () => this.requestRedraw(), { passive: true });
    const resize = new ResizeObserver(() => this.requestRedraw());
    resize.observe(this.threadsBox);
    resize.observe(this.opsScroll);
  }

  /** Shows another model (after a hydrate); the view fits it. */
  setModel(model: TraceModel): void {
    this.model = model;
    this.index = new SpanIndex(model);
    this.threads = new ThreadsTrack(model, this.index);
    this.ops = new OpsTrack(model);
    this.window.follow();
    this.setHover(-1, -1, 0, 0);
    this.requestRedraw();
  }

  /** Re-reads the theme's colours and redraws. */
  refreshTheme(): void {
    this.theme = readTheme(this.swatches);
    this.requestRedraw();
  }

  /** Schedules one redraw on the next animation frame (many calls, one draw). */
  requestRedraw(): void {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.draw();
      });
    }
  }

  /** Draws now if a redraw is pending (so automation sees what the user would). */
  flush(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.draw();
    }
  }

  /** Centre (CSS px, relative to #threads-canvas) of the first drawn span matching `query`. */
  findSpan(query: SpanQuery): { x: number; y: number } | undefined {
    this.flush();
    return this.threads.findSpan(query, this.scale, this.threadsSurface.widthPx);
  }

  private draw(): void {
    const { model, theme } = this;
    this.index.update();
    this.ops.update();
    const threadsWidthPx = this.threadsBox.clientWidth;
    const opsWidthPx = this.opsScroll.clientWidth;
    // One time axis for both views: the narrower width (a scrollbar) bounds it.
    const axisWidthPx = Math.min(threadsWidthPx || opsWidthPx, opsWidthPx || threadsWidthPx);
    if (this.window.following) {
      this.window.fitTo(model.startNs, model.endNs);
    }
    this.scale = new TimeScale(
      this.window.startNs,
      this.window.endNs,
      GUTTER_PX,
      Math.max(GUTTER_PX + 10, axisWidthPx - RIGHT_MARGIN_PX),
    );
    const rulerCtx = this.ruler.begin(threadsWidthPx, RULER_PX, theme.background);
    const ticks = drawRuler(rulerCtx, this.scale, theme, threadsWidthPx, RULER_PX);

    const lanesHeightPx = this.threads.layout();
    const threadsCtx = this.threadsSurface.begin(threadsWidthPx, lanesHeightPx, theme.background);
    drawGrid(threadsCtx, ticks, this.scale, theme, threadsWidthPx, lanesHeightPx);
    if (model.threads.length === 0) {
      threadsCtx.fillStyle = theme.muted;
      threadsCtx.font = theme.font;
      threadsCtx.textBaseline = 'middle';
      threadsCtx.fillText('No JS thread has reported yet.', 6, lanesHeightPx / 2);
    }
    this.threads.draw(threadsCtx, this.scale, theme, threadsWidthPx, this.hoverRes);
    this.threadsBox.dataset.lanes = String(model.threads.length);
    this.threadsBox.dataset.spans = String(model.spanCount);

    const viewHeightPx = this.opsScroll.clientHeight;
    this.opsSpacer.style.height = `${Math.max(0, this.ops.contentHeightPx - viewHeightPx)}px`;
    const opsCtx = this.opsSurface.begin(opsWidthPx, viewHeightPx, theme.background);
    drawGrid(opsCtx, ticks, this.scale, theme, opsWidthPx, viewHeightPx);
    this.ops.draw(
      opsCtx,
      this.scale,
      theme,
      opsWidthPx,
      viewHeightPx,
      this.opsScroll.scrollTop,
      this.hoverRes,
    );
    this.opsCount.textContent = `(${this.ops.rowCount})`;
  }

  private hoverAt(
    surface: 'threads' | 'ops' | 'ruler',
    xPx: number,
    yPx: number,
    clientX: number,
    clientY: number,
  ): void {
    if (surface === 'threads') {
      const span = this.threads.hitTest(xPx, yPx, this.scale);
      this.setHover(span < 0 ? -1 : this.model.spanRes.data[span], span, clientX, clientY);
    } else if (surface === 'ops') {
      const res = this.ops.hitTest(xPx, yPx, this.opsScroll.scrollTop, this.scale);
      this.setHover(res, -1, clientX, clientY);
    }
  }

  private setHover(res: number, span: number, clientX: number, clientY: number): void {
    const changed = res !== this.hoverRes || span !== this.hoverSpan;
    this.hoverRes = res;
    this.hoverSpan = span;
    if (span >= 0) {
      this.tooltip.showSpan(this.model, span, clientX, clientY);
    } else if (res >= 0) {
      this.tooltip.showOp(this.model, res, clientX, clientY);
    } else {
      this.tooltip.hide();
    }
    const position = positionOf(this.model, res);
    this.root.classList.toggle('clickable', position !== undefined);
    this.reporter.update(position);
    if (changed) {
      this.requestRedraw();
    }
  }

  private clickAt(surface: 'threads' | 'ops' | 'ruler', xPx: number, yPx: number): void {
    let res = -1;
    if (surface === 'threads') {
      const span = this.threads.hitTest(xPx, yPx, this.scale);
      res = span < 0 ? -1 : this.model.spanRes.data[span];
    } else if (surface === 'ops') {
      res = this.ops.hitTest(xPx, yPx, this.opsScroll.scrollTop, this.scale);
    }
    const position = positionOf(this.model, res);
    if (position) {
      this.post({ type: 'jump', position });
    }
  }
}
