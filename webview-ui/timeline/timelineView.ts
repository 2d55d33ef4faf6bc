/** The timeline: overview, ruler, Threads and Operations views and extension tracks on one axis. */
import { rangeStats } from '../../src/model/rangeStats';
import { TraceModel } from '../../src/model/traceModel';
import type {
  FromWebviewMessage,
  ProgramStatus,
  SourceTextMessage,
} from '../../src/shared/protocol';
import { DetailsPanel } from '../details';
import { el, setIfChanged } from '../dom';
import { Section } from '../section';
import { formatDuration } from '../format';
import { readTheme, type Theme } from '../theme';
import { HoverReporter, positionOf, Tooltip } from '../tooltip';
import { CanvasSurface } from './canvasSurface';
import { Controls } from './controls';
import { CausalIndex, drawFlows } from './flows';
import { bindTimelineInput, bindTimelineKeys, type InputHost } from './interaction';
import { GUTTER_PX, gutterPxFor, OP_ROW_PX, RULER_PX } from './layout';
import { OpsTrack } from './opsTrack';
import { Overview, OVERVIEW_PX } from './overview';
import { drawGrid, drawRuler } from './ruler';
import { SpanFilter, type FilterSpec } from './spanFilter';
import { SpanIndex } from './spanIndex';
import { ThreadsTrack, type SpanQuery } from './threadsTrack';
import { TimeScale } from './timeScale';
import { TimeWindow } from './timeWindow';
import type { TimelineHost, TimelineTrack, WindowChange } from './track';
import { TrackStack } from './trackStack';

/** Space right of the last time pixel, so the live edge is not glued to the border. */
const RIGHT_MARGIN_PX = 8;
/** The Operations view's scroll height is capped (browsers cap element heights near 33M px). */
const MAX_SCROLL_PX = 4_000_000;
/** Operations rows shown before the view scrolls: fewer on a short panel. */
const OPS_ROWS_SHORT = 8;
const OPS_ROWS_TALL = 12;
/** A panel at least this tall (CSS px) gets the taller Operations view. */
const TALL_PANEL_PX = 700;
/**
 * A model this large is drawn, once, at a few zoom levels right after its first draw (see
 * warmUp): the first zooms of a big trace then run optimized code instead of cold code.
 */
const WARM_UP_SPANS = 10_000;
/** The zoom levels of the warm-up, as fractions of the window. */
const WARM_UP_ZOOMS = [1 / 16, 1 / 256, 1 / 4096];

type Surface = 'threads' | 'ops' | 'ruler' | number;

/** What automation can read of the view (cvDebug). */
export interface ViewDebugState {
  startNs: number;
  endNs: number;
  mode: string;
  selectedSpan: number;
  selectedRes: number;
  range: { startNs: number; endNs: number } | undefined;
  matches: number;
  draws: number;
  lastDrawMs: number;
  /** performance.now() when the last draw ended. */
  lastDrawAt: number;
  flows: number;
  /** Thread rows the last draw painted as pixel strips. */
  stripRows: number;
  /** Warm-up draws done (see TimelineView.warmUp). */
  warmUpDraws: number;
}

/**
 * Owns every canvas of the timeline. Every change (data, status, size, theme, input) calls
 * `requestRedraw()`, and all of them together cost one draw on the next animation frame.
 */
export class TimelineView implements TimelineHost {
  /** The views' container element. */
  readonly root: HTMLElement;
  /** The shared time window (fit / follow / zoom / pan). */
  readonly window = new TimeWindow();
  /** Duration (ms) of recent draws, newest last (the benchmark reads it). */
  readonly drawTimesMs: number[] = [];
  private model = new TraceModel();
  private index = new SpanIndex(this.model);
  private threads = new ThreadsTrack(this.model, this.index);
  private ops = new OpsTrack(this.model);
  private overview = new Overview(this.model);
  private filter = new SpanFilter(this.model);
  private causal = new CausalIndex(this.model);
  private theme: Theme;
  private scale = new TimeScale(0, 1e9, GUTTER_PX, 1000);
  private frame = 0;
  private draws = 0;
  private warmedModel?: TraceModel;
  private warming = false;
  private warmUpDraws = 0;
  private lastDrawAt = 0;
  private flowsDrawn = 0;
  private hoverRes = -1;
  private hoverSpan = -1;
  private pointerXPx: number | undefined;
  private selectedSpan = -1;
  private selectedRes = -1;
  private range: { startNs: number; endNs: number } | undefined;
  private showFlows = true;
  private live = false;
  private readonly listeners: ((change: WindowChange) => void)[] = [];
  private readonly stack = new TrackStack();
  private readonly controls: Controls;
  private readonly details: DetailsPanel;
  private readonly overviewSurface: CanvasSurface;
  private readonly ruler: CanvasSurface;
  private readonly threadsSurface: CanvasSurface;
  private readonly opsSurface: CanvasSurface;
  private readonly threadsBox: HTMLElement;
  private readonly opsScroll: HTMLElement;
  private readonly opsSpacer: HTMLElement;
  private readonly opsCount: HTMLElement;
  private readonly threadsSection: Section;
  private readonly opsSection: Section;
  private readonly tooltip: Tooltip;
  private readonly reporter: HoverReporter;

  constructor(
    private readonly swatches: HTMLElement[],
    tooltipElement: HTMLElement,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {
    const overviewCanvas = el('canvas', { id: 'overview-canvas' });
    const rulerCanvas = el('canvas', { id: 'ruler-canvas' });
    const threadsCanvas = el('canvas', { id: 'threads-canvas' });
    const opsCanvas = el('canvas', { id: 'ops-canvas' });
    this.threadsBox = el('div', { id: 'threads', className: 'threads-box' }, threadsCanvas);
    this.opsSpacer = el('div', { className: 'ops-spacer' });
    this.opsScroll = el('div', { id: 'ops', className: 'ops-scroll' }, opsCanvas, this.opsSpacer);
    this.opsCount = el('span', { id: 'ops-count', className: 'view-count' });
    this.threadsBox.dataset.lanes = '0';
    this.threadsBox.dataset.spans = '0';
    overviewCanvas.setAttribute('aria-label', 'Overview of the whole run; click to move the view');
    threadsCanvas.setAttribute('aria-label', 'Callbacks on each JS thread over time');
    threadsCanvas.tabIndex = 0;
    opsCanvas.setAttribute('aria-label', 'Async operations over time');
    this.controls = new Controls({
      setFilter: (spec) => this.setFilter(spec),
      step: (dir) => this.step(dir),
      setFlows: (on) => {
        this.showFlows = on;
        this.requestRedraw();
      },
      fit: () => this.fit(),
      followLive: () => this.followLive(),
    });
    this.details = new DetailsPanel({
      jump: (position) => this.post({ type: 'jump', position }),
      selectRes: (res) => this.select(this.model.resFirstSpan.data[res], res, true),
      zoomToSelection: () => this.zoomToSelection(),
      close: () => this.clearSelection(),
      requestSource: (id, file, line) => this.post({ type: 'source', id, file, line }),
    });
    const redraw = (): void => this.requestRedraw();
    this.threadsSection = new Section(
      'Threads',
      { className: 'threads-view', onToggle: redraw },
      overviewCanvas,
      rulerCanvas,
      this.threadsBox,
    );
    this.opsSection = new Section(
      'Operations',
      { className: 'ops-view', extras: [this.opsCount], onToggle: redraw },
      this.opsScroll,
    );
    this.stack.onToggle = redraw;
    // The details sit in the flow under the views (or in a drawer on wide panels, panel.css),
    // so they never cover the sections below.
    this.root = el(
      'main',
      { className: 'views' },
      this.controls.root,
      this.threadsSection.root,
      this.opsSection.root,
      this.details.root,
      this.stack.root,
    );
    this.overviewSurface = new CanvasSurface(overviewCanvas);
    this.ruler = new CanvasSurface(rulerCanvas);
    this.threadsSurface = new CanvasSurface(threadsCanvas);
    this.opsSurface = new CanvasSurface(opsCanvas);
    this.tooltip = new Tooltip(tooltipElement);
    this.reporter = new HoverReporter((position) =>
      this.post(position ? { type: 'hover', position } : { type: 'hover' }),
    );
    this.theme = readTheme(swatches);
    bindTimelineInput(rulerCanvas, this.inputHost('ruler'), false, true);
    bindTimelineInput(threadsCanvas, this.inputHost('threads'), false);
    bindTimelineInput(opsCanvas, this.inputHost('ops'), true);
    this.bindOverview(overviewCanvas);
    bindTimelineKeys({
      window: this.window,
      scale: () => this.scale,
      redraw: () => this.requestRedraw(),
      moved: () => this.moved(),
      pointerNs: () =>
        this.pointerXPx === undefined ? undefined : this.scale.pxToTime(this.pointerXPx),
      fit: () => this.fit(),
      zoomToSelection: () => this.zoomToSelection(),
      clearSelection: () => this.clearSelection(),
      step: (dir) => this.step(dir),
      focusSearch: () => this.controls.search.focus(),
    });
    this.opsScroll.addEventListener('scroll', () => this.requestRedraw(), { passive: true });
    const resize = new ResizeObserver(() => this.requestRedraw());
    resize.observe(this.root);
    resize.observe(this.threadsBox);
    resize.observe(this.opsScroll);
    // The Operations view's height follows the panel's (a height change resizes no observed box).
    window.addEventListener('resize', () => this.requestRedraw());
  }

  /** Shows another model (after a hydrate); the view fits it and forgets the selection. */
  setModel(model: TraceModel): void {
    this.model = model;
    this.index = new SpanIndex(model);
    this.threads = new ThreadsTrack(model, this.index);
    this.ops = new OpsTrack(model);
    this.overview = new Overview(model);
    this.filter = new SpanFilter(model, this.filter.spec);
    this.causal = new CausalIndex(model);
    this.window.follow();
    this.selectedSpan = -1;
    this.selectedRes = -1;
    this.range = undefined;
    this.details.clear();
    this.setHover(-1, -1, 0, 0);
    this.requestRedraw();
  }

  /** The program's state: a live trace shows "Follow live" once the user pans away from the edge. */
  setStatus(status: ProgramStatus | undefined): void {
    this.live = status?.state === 'running' || status?.state === 'starting';
    this.requestRedraw();
  }

  /** A code excerpt the host sent for the details panel. */
  sourceText(message: SourceTextMessage): void {
    this.details.sourceText(message);
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

  /** Adds a track below the built-in views (TimelineHost). */
  addTrack(track: TimelineTrack): void {
    const stacked = this.stack.add(track);
    const i = this.stack.tracks.length - 1;
    bindTimelineInput(stacked.canvas, this.inputHost(i), false);
    this.requestRedraw();
  }

  /** Calls `listener` after every redraw with the window drawn (TimelineHost). */
  onWindowChange(listener: (change: WindowChange) => void): void {
    this.listeners.push(listener);
    this.requestRedraw();
  }

  /** Draws now if a redraw is pending (so automation sees what the user would). */
  flush(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.draw();
    }
  }

  /**
   * Centre (CSS px, relative to #threads-canvas) of the first drawn span matching `query`. The
   * Threads view is expanded and scrolled (and the page too) so that the point is on screen.
   */
  findSpan(query: SpanQuery): { x: number; y: number } | undefined {
    if (!this.threadsSection.expanded) {
      this.threadsSection.setExpanded(true);
      this.requestRedraw();
    }
    this.flush();
    const point = this.threads.findSpan(query, this.scale, this.threadsSurface.widthPx);
    if (point) {
      this.scrollToThreadsPoint(point.y);
    }
    return point;
  }

  /** What automation reads (cvDebug). */
  debugState(): ViewDebugState {
    this.flush();
    return {
      startNs: this.window.startNs,
      endNs: this.window.endNs,
      mode: this.window.mode,
      selectedSpan: this.selectedSpan,
      selectedRes: this.selectedRes,
      range: this.range && { ...this.range },
      matches: this.filter.active ? this.filter.count : 0,
      draws: this.draws,
      lastDrawMs: this.drawTimesMs.at(-1) ?? 0,
      lastDrawAt: this.lastDrawAt,
      flows: this.flowsDrawn,
      stripRows: this.threads.stripRows,
      warmUpDraws: this.warmUpDraws,
    };
  }

  /** Scrolls the Threads box, then the page, so that `yPx` of #threads-canvas is visible. */
  private scrollToThreadsPoint(yPx: number): void {
    const box = this.threadsBox;
    const marginPx = 12;
    if (yPx < box.scrollTop + marginPx || yPx > box.scrollTop + box.clientHeight - marginPx) {
      box.scrollTop = Math.max(0, yPx - box.clientHeight / 2);
    }
    const clientY = this.threadsSurface.canvas.getBoundingClientRect().top + yPx;
    if (clientY < marginPx || clientY > window.innerHeight - marginPx) {
      window.scrollBy(0, clientY - window.innerHeight / 2);
    }
  }

  private inputHost(surface: Surface): InputHost {
    return {
      window: this.window,
      scale: () => this.scale,
      redraw: () => this.requestRedraw(),
      moved: () => this.moved(),
      hover: (xPx, yPx, clientX, clientY) => this.hoverAt(surface, xPx, yPx, clientX, clientY),
      leave: () => {
        this.pointerXPx = undefined;
        this.setHover(-1, -1, 0, 0);
      },
      click: (xPx, yPx) => this.clickAt(surface, xPx, yPx),
      selectRange: (startNs, endNs, done) => this.selectRange(startNs, endNs, done),
    };
  }

  private bindOverview(canvas: HTMLCanvasElement): void {
    let dragging = false;
    const centre = (ev: PointerEvent): void => {
      const xPx = ev.clientX - canvas.getBoundingClientRect().left;
      if (xPx >= this.overview.scale.startPx) {
        this.window.centreOn(this.overview.scale.pxToTime(xPx));
        this.moved();
        this.requestRedraw();
      }
    };
    canvas.addEventListener('pointerdown', (ev) => {
      dragging = true;
      canvas.setPointerCapture(ev.pointerId);
      centre(ev);
    });
    canvas.addEventListener('pointermove', (ev) => dragging && centre(ev));
    canvas.addEventListener('pointerup', () => (dragging = false));
    canvas.addEventListener('dblclick', () => this.fit());
  }

  private moved(): void {
    this.window.settle(this.live, this.model.endNs);
  }

  private fit(): void {
    this.window.follow();
    this.requestRedraw();
  }

  private followLive(): void {
    const m = this.model;
    if (this.window.endNs - this.window.startNs >= m.endNs - m.startNs) {
      this.window.follow();
    } else {
      this.window.followTail();
    }
    this.requestRedraw();
  }

  private setFilter(spec: FilterSpec): void {
    this.filter = new SpanFilter(this.model, spec);
    this.filter.update();
    this.requestRedraw();
  }

  private step(dir: 1 | -1): void {
    this.filter.update();
    if (!this.filter.active) {
      return;
    }
    const span = this.filter.step(this.selectedSpan, dir);
    if (span < 0) {
      return;
    }
    this.select(span, this.model.spanRes.data[span], true);
  }

  /** Selects a span (or an operation that never ran: span -1); `reveal` brings it into view. */
  private select(span: number, res: number, reveal: boolean): void {
    this.selectedSpan = span;
    this.selectedRes = res;
    this.range = undefined;
    if (res < 0) {
      this.details.clear();
    } else {
      this.details.showSpan(this.model, res, span, this.causal.childrenOf(res));
      if (reveal) {
        this.reveal(span, res);
      }
    }
    this.requestRedraw();
  }

  private reveal(span: number, res: number): void {
    const m = this.model;
    const startNs = span >= 0 ? m.spanStartNs.data[span] : m.resInitNs.data[res];
    if (
      Number.isFinite(startNs) &&
      (startNs < this.window.startNs || startNs > this.window.endNs)
    ) {
      this.window.centreOn(startNs);
      this.moved();
    }
    const row = this.ops.rowOf(res);
    if (row >= 0) {
      const viewPx = this.opsScroll.clientHeight;
      const topPx = this.opsTopPx();
      const rowPx = row * OP_ROW_PX;
      if (rowPx < topPx || rowPx > topPx + viewPx - OP_ROW_PX) {
        this.setOpsTopPx(rowPx - viewPx / 2);
      }
    }
  }

  private clearSelection(): void {
    this.selectedSpan = -1;
    this.selectedRes = -1;
    this.range = undefined;
    this.details.clear();
    this.requestRedraw();
  }

  private selectRange(startNs: number, endNs: number, done: boolean): void {
    this.range = { startNs: Math.min(startNs, endNs), endNs: Math.max(startNs, endNs) };
    this.selectedSpan = -1;
    this.selectedRes = -1;
    if (done) {
      this.details.showRange(this.model, rangeStats(this.model, startNs, endNs));
    }
  }

  private zoomToSelection(): void {
    const m = this.model;
    if (this.range) {
      this.window.zoomTo(this.range.startNs, this.range.endNs, 0.02);
    } else if (this.selectedSpan >= 0) {
      const endNs = m.spanEndNs.data[this.selectedSpan];
      this.window.zoomTo(
        m.spanStartNs.data[this.selectedSpan],
        Number.isNaN(endNs) ? m.endNs : endNs,
      );
    } else {
      return;
    }
    this.moved();
    this.requestRedraw();
  }

  /** Top of the Operations view's visible rows in content px (the scroll range may be scaled). */
  private opsTopPx(): number {
    const contentPx = this.ops.contentHeightPx;
    const viewPx = this.opsScroll.clientHeight;
    if (contentPx <= MAX_SCROLL_PX) {
      return this.opsScroll.scrollTop;
    }
    const ratio = this.opsScroll.scrollTop / Math.max(1, MAX_SCROLL_PX - viewPx);
    return ratio * (contentPx - viewPx);
  }

  private setOpsTopPx(topPx: number): void {
    const contentPx = this.ops.contentHeightPx;
    const viewPx = this.opsScroll.clientHeight;
    this.opsScroll.scrollTop =
      contentPx <= MAX_SCROLL_PX
        ? topPx
        : (topPx / Math.max(1, contentPx - viewPx)) * (MAX_SCROLL_PX - viewPx);
  }

  private draw(): void {
    const t0 = performance.now();
    const { model, theme } = this;
    this.index.update();
    this.ops.update();
    this.filter.update();
    this.controls.updateThreads(model);
    this.sizeOps();
    // A collapsed view has no width: it is drawn (empty) at the views' width.
    const fullWidthPx = this.root.clientWidth;
    const threadsWidthPx = this.threadsBox.clientWidth || fullWidthPx;
    const opsWidthPx = this.opsScroll.clientWidth || fullWidthPx;
    // One time axis for every view: the narrowest (a scrollbar) bounds it.
    const axisWidthPx = Math.min(threadsWidthPx, opsWidthPx, this.stack.widthPx() || fullWidthPx);
    const gutterPx = gutterPxFor(fullWidthPx);
    this.window.track(model.startNs, model.endNs);
    this.scale = new TimeScale(
      this.window.startNs,
      this.window.endNs,
      gutterPx,
      Math.max(gutterPx + 10, axisWidthPx - RIGHT_MARGIN_PX),
    );
    const overviewCtx = this.overviewSurface.begin(threadsWidthPx, OVERVIEW_PX, theme.background);
    this.overview.draw(overviewCtx, this.scale, theme, threadsWidthPx, OVERVIEW_PX);
    const rulerCtx = this.ruler.begin(threadsWidthPx, RULER_PX, theme.background);
    const ticks = drawRuler(rulerCtx, this.scale, theme, threadsWidthPx, RULER_PX);
    this.drawRange(rulerCtx, RULER_PX, true);

    const lanesHeightPx = this.threads.layout();
    const threadsCtx = this.threadsSurface.begin(threadsWidthPx, lanesHeightPx, theme.background);
    drawGrid(threadsCtx, ticks, this.scale, theme, threadsWidthPx, lanesHeightPx);
    if (model.threads.length === 0) {
      threadsCtx.fillStyle = theme.muted;
      threadsCtx.font = theme.font;
      threadsCtx.textBaseline = 'middle';
      threadsCtx.fillText('No JS thread has reported yet.', 6, lanesHeightPx / 2);
    }
    this.threads.draw(
      threadsCtx,
      this.scale,
      theme,
      threadsWidthPx,
      this.hoverRes,
      this.selectedSpan,
      this.filter,
    );
    this.drawRange(threadsCtx, lanesHeightPx, false);
    this.flowsDrawn = this.showFlows
      ? drawFlows(
          threadsCtx,
          model,
          this.index,
          this.threads,
          this.causal,
          this.scale,
          theme,
          this.selectedSpan,
        )
      : 0;
    this.threadsBox.dataset.lanes = String(model.threads.length);
    this.threadsBox.dataset.spans = String(model.spanCount);

    const viewHeightPx = this.opsScroll.clientHeight;
    const scrollPx = Math.min(this.ops.contentHeightPx, MAX_SCROLL_PX);
    // Each DOM write only when its value changes: a write, even of the same value, makes the
    // next layout read in this frame (the tracks' and the chart's widths) lay the page out again.
    setIfChanged(this.opsSpacer.style, 'height', `${Math.max(0, scrollPx - viewHeightPx)}px`);
    const opsCtx = this.opsSurface.begin(opsWidthPx, viewHeightPx, theme.background);
    drawGrid(opsCtx, ticks, this.scale, theme, opsWidthPx, viewHeightPx);
    this.ops.draw(
      opsCtx,
      this.scale,
      theme,
      opsWidthPx,
      viewHeightPx,
      this.opsTopPx(),
      this.hoverRes,
      this.selectedRes,
      this.filter,
    );
    this.drawRange(opsCtx, viewHeightPx, false);
    setIfChanged(this.opsCount, 'textContent', `(${this.ops.rowCount})`);
    this.stack.draw(model, this.scale, theme, ticks, fullWidthPx);
    this.controls.setCount(
      this.filter.active,
      this.filter.rankOf(this.selectedSpan),
      this.filter.count,
    );
    setIfChanged(this.controls.followLive, 'hidden', !(this.live && !this.window.following));
    if (!this.warming) {
      this.draws++;
      // Draw time is the timeline's own; the listeners (charts) are timed apart.
      this.lastDrawAt = performance.now();
      this.drawTimesMs.push(this.lastDrawAt - t0);
      if (this.drawTimesMs.length > 2000) {
        this.drawTimesMs.splice(0, 1000);
      }
    }
    const change: WindowChange = { scale: this.scale, model, warmUp: this.warming };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        console.warn('window listener failed', err);
      }
    }
    if (!this.warming && this.warmedModel !== model && model.spanCount >= WARM_UP_SPANS) {
      this.warmedModel = model;
      setTimeout(() => this.warmUp(model), 0);
    }
  }

  /**
   * Draws a large model zoomed in around the middle of the window at a few levels, then as it
   * was, all in one task: nothing of it reaches the screen (the page paints after the task),
   * but V8 has run the painters' zoomed-in paths on this trace and compiled them, so the
   * user's first zooms are not slowed by cold code (they were: two to five frames late).
   * Listeners are told it is a warm-up (the cores chart draws its own, unseen, with the next
   * real draw).
   */
  private warmUp(model: TraceModel): void {
    if (model !== this.model) {
      return;
    }
    const { startNs, endNs, mode } = this.window;
    const midNs = (startNs + endNs) / 2;
    this.warming = true;
    try {
      for (const zoom of WARM_UP_ZOOMS) {
        const halfNs = ((endNs - startNs) * zoom) / 2;
        this.window.mode = 'free';
        this.window.startNs = midNs - halfNs;
        this.window.endNs = midNs + halfNs;
        this.draw();
        this.warmUpDraws++;
      }
    } finally {
      this.warming = false;
      this.window.startNs = startNs;
      this.window.endNs = endNs;
      this.window.mode = mode;
    }
    this.draw();
  }

  /** Sizes the Operations box to its rows, up to 8 or 12 rows (a taller panel shows more). */
  private sizeOps(): void {
    const rows = window.innerHeight >= TALL_PANEL_PX ? OPS_ROWS_TALL : OPS_ROWS_SHORT;
    const contentPx = Math.max(this.ops.contentHeightPx, 2 * OP_ROW_PX);
    const heightPx = `${Math.min(contentPx, rows * OP_ROW_PX)}px`;
    if (this.opsScroll.style.height !== heightPx) {
      this.opsScroll.style.height = heightPx;
    }
  }

  /** Shades the selected range; on the ruler, writes its duration. */
  private drawRange(ctx: CanvasRenderingContext2D, heightPx: number, label: boolean): void {
    if (!this.range) {
      return;
    }
    const { theme, scale } = this;
    const x0 = Math.max(scale.startPx, scale.timeToPx(this.range.startNs));
    const x1 = Math.min(scale.endPx + RIGHT_MARGIN_PX, scale.timeToPx(this.range.endNs));
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
      const text = formatDuration(this.range.endNs - this.range.startNs);
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

  private hoverAt(
    surface: Surface,
    xPx: number,
    yPx: number,
    clientX: number,
    clientY: number,
  ): void {
    this.pointerXPx = xPx >= this.scale.startPx ? xPx : undefined;
    if (surface === 'threads') {
      const span = this.threads.hitTest(xPx, yPx, this.scale);
      this.setHover(span < 0 ? -1 : this.model.spanRes.data[span], span, clientX, clientY);
    } else if (surface === 'ops') {
      const res = this.ops.hitTest(xPx, yPx, this.opsTopPx(), this.scale);
      this.setHover(res, -1, clientX, clientY);
    } else if (typeof surface === 'number') {
      const track = this.stack.tracks[surface]?.track;
      const hover = track?.hoverAt?.(this.model, this.scale, xPx, yPx);
      this.setHover(-1, -1, 0, 0);
      if (hover?.lines.length) {
        this.tooltip.showLines(hover.lines, clientX, clientY);
        this.reporter.update(hover.position);
      }
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

  private clickAt(surface: Surface, xPx: number, yPx: number): void {
    let res = -1;
    let span = -1;
    if (surface === 'threads') {
      span = this.threads.hitTest(xPx, yPx, this.scale);
      res = span < 0 ? -1 : this.model.spanRes.data[span];
    } else if (surface === 'ops') {
      res = this.ops.hitTest(xPx, yPx, this.opsTopPx(), this.scale);
      span = res < 0 ? -1 : this.model.resFirstSpan.data[res];
    } else if (typeof surface === 'number') {
      const track = this.stack.tracks[surface]?.track;
      const position = track?.hoverAt?.(this.model, this.scale, xPx, yPx)?.position;
      if (position) {
        this.post({ type: 'jump', position });
      }
      return;
    }
    if (res < 0) {
      this.clearSelection();
      return;
    }
    this.select(span, res, false);
    const position = positionOf(this.model, res);
    if (position) {
      this.post({ type: 'jump', position });
    }
  }
}
