/**
 * The timeline: the overview and the ruler over the tracks (Threads, Operations, and the tracks
 * added through `TimelineHost`), all on one time axis. It composes: the tracks and where they
 * are mounted (trackMount.ts, builtinMounts.ts), the selection (selection.ts), the pointer
 * (pointer.ts), the draw scheduling and warm-up (frameLoop.ts), the controls and the details.
 */
import { rangeStats } from '../../src/model/rangeStats';
import { TraceModel } from '../../src/model/traceModel';
import type {
  FromWebviewMessage,
  ProgramStatus,
  SourceTextMessage,
} from '../../src/shared/protocol';
import { DetailsPanel } from '../details';
import { axisStartNs } from '../flightRecorderText';
import { el, setIfChanged } from '../dom';
import { DrawStats } from './drawStats';
import { readTheme, type Theme } from '../theme';
import { Tooltip } from '../tooltip';
import { mountOps, mountThreads, type OpsMount, type ThreadsMount } from './builtinMounts';
import { CanvasSurface } from './canvasSurface';
import { Controls } from './controls';
import { CausalIndex } from './causalIndex';
import { FrameLoop } from './frameLoop';
import { GUTTER_PX, gutterPxFor, OP_ROW_PX, RULER_PX } from './layout';
import { Overview, OVERVIEW_PX } from './overview';
import { TrackPointer } from './pointer';
import { drawRange, RIGHT_MARGIN_PX } from './rangeOverlay';
import { drawRuler } from './ruler';
import { Selection } from './selection';
import { SpanFilter, type FilterSpec } from './spanFilter';
import { SpanIndex } from './spanIndex';
import { TimeScale } from './timeScale';
import { TimelineInput } from './timelineInput';
import { TimeWindow } from './timeWindow';
import type { ModelIndexes, TimelineHost, TimelineTrack, TrackQuery, WindowChange } from './track';
import {
  drawMountedTrack,
  mountAddedTrack,
  type MountedTrack,
  type TrackFrame,
} from './trackMount';

/**
 * Owns every canvas of the timeline. Every change (data, status, size, theme, input, selection)
 * calls `requestRedraw()`, and all of them together cost one draw on the next animation frame.
 */
export class TimelineView implements TimelineHost {
  /** The views' container element. */
  readonly root: HTMLElement;
  /** The shared time window (fit / follow / zoom / pan). */
  readonly window = new TimeWindow();
  /** What is selected and hovered. */
  readonly selection = new Selection();
  /** Draw counters, in builds with test hooks only. */
  readonly stats = CV_TEST_HOOKS ? new DrawStats() : undefined;
  private model = new TraceModel();
  private indexes = TimelineView.indexesOf(this.model);
  private overview = new Overview(this.model);
  private theme: Theme;
  private scale = new TimeScale(0, 1e9, GUTTER_PX, 1000);
  private showFlows = true;
  /** Presenter mode's magnification of the tracks (RenderContext.uiScale). */
  private uiScale = 1;
  private live = false;
  private readonly loop: FrameLoop;
  private readonly listeners: ((change: WindowChange) => void)[] = [];
  private readonly threadsMount: ThreadsMount;
  private readonly opsMount: OpsMount;
  /** Every track, top to bottom: the built-in ones, then the added ones. */
  private readonly mounts: MountedTrack[];
  private readonly addedMounts: MountedTrack[] = [];
  /** Container of the added tracks' sections (#tracks), below the details. */
  private readonly added = el('div', { id: 'tracks', className: 'tracks' });
  private readonly overviewSurface: CanvasSurface;
  private readonly ruler: CanvasSurface;
  private readonly controls: Controls;
  private readonly details: DetailsPanel;
  private readonly pointer: TrackPointer;
  private readonly input: TimelineInput;

  constructor(
    private readonly swatches: HTMLElement[],
    tooltipElement: HTMLElement,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {
    const redraw = (): void => this.requestRedraw();
    this.threadsMount = mountThreads(redraw);
    this.opsMount = mountOps(redraw);
    this.mounts = [this.threadsMount, this.opsMount];
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
    // The details sit in the flow under the views (or in a drawer on wide panels, panel.css),
    // so they never cover the sections below.
    this.root = el(
      'main',
      { className: 'views' },
      this.controls.root,
      this.threadsMount.section.root,
      this.opsMount.section.root,
      this.details.root,
      this.added,
    );
    this.overviewSurface = new CanvasSurface(this.threadsMount.overview);
    this.ruler = new CanvasSurface(this.threadsMount.ruler);
    this.pointer = new TrackPointer(
      {
        model: () => this.model,
        selection: this.selection,
        select: (span, res) => this.select(span, res, false),
        clearSelection: () => this.clearSelection(),
        jump: (position) => this.post({ type: 'jump', position }),
        reportHover: (position) =>
          this.post(position ? { type: 'hover', position } : { type: 'hover' }),
        root: this.root,
      },
      new Tooltip(tooltipElement),
    );
    this.selection.onChange(redraw);
    this.loop = new FrameLoop(
      () => this.draw(),
      this.window,
      CV_TEST_HOOKS ? () => this.stats!.warmUpDraws++ : undefined,
    );
    this.theme = readTheme(swatches);
    this.input = new TimelineInput({
      window: this.window,
      pointer: this.pointer,
      query: () => this.query(),
      uiScale: () => this.uiScale,
      overview: () => this.overview,
      redraw,
      moved: () => this.moved(),
      fit: () => this.fit(),
      zoomToSelection: () => this.zoomToSelection(),
      clearSelection: () => this.clearSelection(),
      selectRange: (startNs, endNs, done) => this.selectRange(startNs, endNs, done),
      step: (dir) => this.step(dir),
      focusSearch: () => this.controls.search.focus(),
    });
    this.input.bindAxis(this.threadsMount.ruler, this.threadsMount.overview);
    for (const mount of this.mounts) {
      this.input.bindTrack(mount);
    }
    this.opsMount.viewport.box.addEventListener('scroll', redraw, { passive: true });
    const resize = new ResizeObserver(redraw);
    resize.observe(this.root);
    resize.observe(this.threadsMount.viewport.box);
    resize.observe(this.opsMount.viewport.box);
    // The Operations view's height follows the panel's (a height change resizes no observed box).
    window.addEventListener('resize', redraw);
  }

  /** The Threads view's track where it is mounted (automation reads what it drew). */
  get threads(): ThreadsMount {
    return this.threadsMount;
  }

  /** Spans matching the active search and filters (0 without one). */
  get matchCount(): number {
    const filter = this.indexes.filter;
    return filter.active ? filter.count : 0;
  }

  /** Shows another model (after a hydrate); the view fits it and forgets the selection. */
  setModel(model: TraceModel): void {
    this.model = model;
    this.indexes = TimelineView.indexesOf(model, this.indexes.filter.spec);
    this.overview = new Overview(model);
    this.window.follow();
    this.details.clear();
    this.selection.clear();
    this.pointer.leave();
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
    this.loop.request();
  }

  /** Adds a track below the built-in views and the details (TimelineHost). */
  addTrack(track: TimelineTrack): void {
    const mount = mountAddedTrack(track, () => this.requestRedraw());
    this.mounts.push(mount);
    this.addedMounts.push(mount);
    this.added.append(mount.section.root);
    this.input.bindTrack(mount);
    this.requestRedraw();
  }

  /** Calls `listener` after every redraw with the window drawn (TimelineHost). */
  onWindowChange(listener: (change: WindowChange) => void): void {
    this.listeners.push(listener);
    this.requestRedraw();
  }

  /** Draws now if a redraw is pending (so automation sees what the user would). */
  flush(): void {
    this.loop.flush();
  }

  /** Magnifies the tracks `uiScale` times (presenter mode); the window and selection stay. */
  setUiScale(uiScale: number): void {
    this.uiScale = uiScale;
    this.requestRedraw();
  }

  /** Selects callback `span`, shows its details and brings it into view (replay steps). */
  showSpan(span: number): void {
    this.select(span, this.model.spanRes.data[span], true);
  }

  /** Selects nothing and closes the details (replay's "what runs next?"). */
  unselect(): void {
    this.clearSelection();
  }

  /** The model, its indexes and the scale of the last draw: what tracks are hit-tested with. */
  query(): TrackQuery {
    return { model: this.model, indexes: this.indexes, scale: this.scale };
  }

  private static indexesOf(model: TraceModel, spec?: FilterSpec): ModelIndexes {
    return {
      spans: new SpanIndex(model),
      causal: new CausalIndex(model),
      filter: new SpanFilter(model, spec),
    };
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
    this.indexes = { ...this.indexes, filter: new SpanFilter(this.model, spec) };
    this.indexes.filter.update();
    this.requestRedraw();
  }

  private step(dir: 1 | -1): void {
    const filter = this.indexes.filter;
    filter.update();
    if (!filter.active) {
      return;
    }
    const span = filter.step(this.selection.span, dir);
    if (span < 0) {
      return;
    }
    this.select(span, this.model.spanRes.data[span], true);
  }

  /** Selects a callback span and zooms to it (the headline's findings). */
  revealSpan(span: number): void {
    this.select(span, this.model.spanRes.data[span], true);
    this.zoomToSelection();
  }

  /** Selects a stretch of time and zooms to it (a finding about a stretch, not one callback). */
  revealRange(startNs: number, endNs: number): void {
    this.selectRange(startNs, endNs, true);
    this.zoomToSelection();
  }

  /** Selects a span (or an operation that never ran: span -1); `reveal` brings it into view. */
  private select(span: number, res: number, reveal: boolean): void {
    this.selection.select(span, res);
    if (res < 0) {
      this.details.clear();
    } else {
      this.details.showSpan(this.model, res, span, this.indexes.causal.childrenOf(res));
      if (reveal) {
        this.reveal(span, res);
      }
    }
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
    const ops = this.opsMount.track;
    const row = ops.rowOf(res);
    if (row >= 0) {
      this.opsMount.viewport.reveal(row * OP_ROW_PX, ops.heightPx(m));
    }
  }

  private clearSelection(): void {
    this.selection.clear();
    this.details.clear();
  }

  private selectRange(startNs: number, endNs: number, done: boolean): void {
    this.selection.selectRange(startNs, endNs);
    if (done) {
      this.details.showRange(this.model, rangeStats(this.model, startNs, endNs));
    }
  }

  private zoomToSelection(): void {
    const m = this.model;
    const { range, span } = this.selection;
    if (range) {
      this.window.zoomTo(range.startNs, range.endNs, 0.02);
    } else if (span >= 0) {
      const endNs = m.spanEndNs.data[span];
      this.window.zoomTo(m.spanStartNs.data[span], Number.isNaN(endNs) ? m.endNs : endNs);
    } else {
      return;
    }
    this.moved();
    this.requestRedraw();
  }

  private draw(): void {
    const t0 = performance.now();
    const { model, theme, indexes } = this;
    indexes.spans.update();
    indexes.filter.update();
    this.controls.updateThreads(model);
    // Sizes first (DOM writes), then widths (layout reads), then drawing.
    for (const m of this.mounts) {
      const visible = m.track.visible(model);
      setIfChanged(m.section.root, 'hidden', !visible);
      if (visible) {
        m.viewport.layout(m.track.heightPx(model) * this.uiScale);
      }
      if (m.count && m.track.countText) {
        setIfChanged(m.count, 'textContent', m.track.countText(model));
      }
    }
    setIfChanged(this.added, 'hidden', !this.addedMounts.some((m) => !m.section.root.hidden));
    // A collapsed view has no width: the views' width stands in for it.
    const fullWidthPx = this.root.clientWidth;
    // One time axis for every view: the narrowest (a scrollbar) bounds it.
    let axisWidthPx = fullWidthPx;
    for (const m of this.mounts) {
      const widthPx = m.viewport.box.clientWidth;
      if (widthPx > 0 && widthPx < axisWidthPx) {
        axisWidthPx = widthPx;
      }
    }
    const threadsWidthPx = this.threadsMount.viewport.box.clientWidth || fullWidthPx;
    const gutterPx = gutterPxFor(fullWidthPx);
    this.window.track(axisStartNs(model), model.endNs);
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
    drawRange(rulerCtx, this.scale, theme, this.selection.range, RULER_PX, true);
    const frame: TrackFrame = {
      model,
      indexes,
      scale: this.scale,
      theme,
      selection: this.selection,
      options: { showFlows: this.showFlows },
      warmUp: this.loop.warming,
      uiScale: this.uiScale,
    };
    for (const m of this.mounts) {
      if (!m.section.root.hidden && m.section.expanded) {
        drawMountedTrack(m, frame, ticks, fullWidthPx);
      }
    }
    const threadsBox = this.threadsMount.viewport.box;
    threadsBox.dataset.lanes = String(model.threads.length);
    threadsBox.dataset.spans = String(model.spanCount);
    const filter = indexes.filter;
    this.controls.setCount(filter.active, filter.rankOf(this.selection.span), filter.count);
    setIfChanged(this.controls.followLive, 'hidden', !(this.live && !this.window.following));
    const warmUp = this.loop.warming;
    if (CV_TEST_HOOKS && !warmUp) {
      // Draw time is the timeline's own; the listeners (charts) are timed apart.
      this.stats!.recordDraw(t0);
    }
    const change: WindowChange = { scale: this.scale, model, warmUp };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        console.warn('window listener failed', err);
      }
    }
    this.loop.drawn(model, () => this.model);
  }
}
