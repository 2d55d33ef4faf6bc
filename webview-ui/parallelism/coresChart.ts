/**
 * The cores chart: cores busy over the visible window, stacked by thread kind, with the
 * machine's core count as a dashed line. Its plot area is pinned to the tracks' time area, so a
 * time has the same x in the chart as on the lanes above it.
 *
 * The page computes the series and a ChartSpec (plain data); chart.js draws it in a worker on an
 * OffscreenCanvas (coresChartWorker.ts), so zooming and panning never wait for chart.js's layout
 * and painting. Where a worker cannot be made (no OffscreenCanvas, a policy that forbids blob
 * workers) the same renderer draws on the page.
 *
 * Its size (a little over 450 lines) is earned: the worker protocol (latest spec wins, warm-up
 * specs), the page fallback and the axis alignment with the lanes are one state machine, and
 * splitting it would spread that state over files that each need all of it.
 */
import { coresBusySeries, machineCores, type CoresBusySeries } from '../../src/model/parallelism';
import { OS_THREAD_KIND_LABELS, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import type { TraceModel } from '../../src/model/traceModel';
import { el } from '../dom';
import { rulerTicks } from '../timeline/timeScale';
import type { WindowChange } from '../timeline/track';
import {
  CoresChartRenderer,
  type ChartArea,
  type ChartSpec,
  type ChartTheme,
  type DrawnChart,
} from './coresChartRenderer';
import type { FromChartWorker, ToChartWorker } from './coresChartWorker';
import { OTHER_PROCESSES, withAlpha, type KindColors } from './kindColors';
import type { DrawnAt } from './osThreadsTrack';

/** The worker's bundle, inlined at build time (scripts/webviewBundle.js); absent: no worker. */
declare const CV_CHART_WORKER_SOURCE: string | undefined;

/** Chart height, CSS px. */
const HEIGHT_PX = 130;
/** Target bucket width, CSS px (1 bucket per 2-4 px). */
const BUCKET_PX = 3;
/** While a live trace grows, recompute the series at most this often, ms. */
const SERIES_MS = 250;
/** A series that took longer than this to compute is recomputed at most every SERIES_MS. */
const SLOW_MS = 8;

/** Colours the chart draws with, from VS Code's variables. */
function chartTheme(): ChartTheme {
  const body = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string =>
    body.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--vscode-foreground', body.color || '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    grid: v('--vscode-editorIndentGuide-background', 'rgba(128, 128, 128, 0.25)'),
    font: body.fontFamily || 'sans-serif',
    size: Math.max(10, Math.round((parseFloat(body.fontSize) || 13) * 0.85)),
  };
}

/**
 * A chart that took longer than this (posted to drawn, ms) makes the worker rest as long before
 * the next: on a machine with few cores a worker drawing back to back took a core from the page
 * for the whole of a zoom (cold chart.js: 20-30 ms a chart), and the lanes' frames came late.
 */
const WORKER_REST_ABOVE_MS = 10;

/**
 * Draws specs in a worker, one at a time: while one is being drawn, only the newest of those
 * that arrive meanwhile is kept (a fast zoom skips intermediate charts, never queues them).
 */
class WorkerDrawer {
  private busy = false;
  private postedAt = 0;
  private restUntil = 0;
  private restTimer = 0;
  private pending: ChartSpec | undefined;
  /** Warm-up charts to draw before the next pending one, in the same worker task. */
  private warm: ChartSpec[] = [];

  private constructor(
    private readonly worker: Worker,
    private readonly onDrawn: (drawn: DrawnChart) => void,
    private readonly onFailed: (spec: ChartSpec | undefined) => void,
  ) {
    worker.onmessage = (event: MessageEvent<FromChartWorker>) => {
      const message = event.data;
      this.busy = false;
      const now = performance.now();
      const costMs = now - this.postedAt;
      this.restUntil = costMs > WORKER_REST_ABOVE_MS ? now + costMs : 0;
      if (message.type === 'drawn') {
        this.onDrawn(message.drawn);
      } else {
        console.warn(`cores chart: ${message.message}`);
      }
      this.next();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.dispose();
      this.onFailed(this.pending);
    };
  }

  /** A drawer for `canvas`, or undefined where no worker can draw it. */
  static create(
    canvas: HTMLCanvasElement,
    onDrawn: (drawn: DrawnChart) => void,
    onFailed: (spec: ChartSpec | undefined) => void,
  ): WorkerDrawer | undefined {
    if (
      typeof CV_CHART_WORKER_SOURCE !== 'string' ||
      typeof Worker === 'undefined' ||
      typeof canvas.transferControlToOffscreen !== 'function'
    ) {
      return undefined;
    }
    let url = '';
    try {
      url = URL.createObjectURL(new Blob([CV_CHART_WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(url, { name: 'cores chart' });
      const offscreen = canvas.transferControlToOffscreen();
      const init: ToChartWorker = { type: 'init', canvas: offscreen };
      worker.postMessage(init, [offscreen]);
      return new WorkerDrawer(worker, onDrawn, onFailed);
    } catch (err) {
      // A content security policy without `worker-src blob:` lands here.
      console.warn('cores chart: drawing on the page, no worker:', err);
      return undefined;
    } finally {
      // The worker has fetched its script by the time it runs; the URL is not needed after.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  }

  draw(spec: ChartSpec, warm: ChartSpec[] = []): void {
    this.pending = spec;
    this.warm.push(...warm);
    this.next();
  }

  reset(): void {
    this.post({ type: 'reset' });
  }

  dispose(): void {
    clearTimeout(this.restTimer);
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
  }

  private next(): void {
    if (this.busy || !this.pending || this.restTimer) {
      return;
    }
    const restMs = this.restUntil - performance.now();
    if (restMs > 0) {
      this.restTimer = window.setTimeout(() => {
        this.restTimer = 0;
        this.next();
      }, restMs);
      return;
    }
    const spec = this.pending;
    this.pending = undefined;
    this.busy = true;
    this.postedAt = performance.now();
    this.post({ type: 'draw', spec, warm: this.warm.splice(0) });
  }

  private post(message: ToChartWorker): void {
    this.worker.postMessage(message);
  }
}

/** The chart, its caption and a readout of the value under the pointer. */
export class CoresChart {
  /** The chart's element (caption, readout, canvas). */
  readonly root: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly readout: HTMLElement;
  /** The canvas the chart is drawn on (replaced if the worker fails after taking it). */
  private canvas: HTMLCanvasElement;
  private worker: WorkerDrawer | undefined;
  private inline: CoresChartRenderer | undefined;
  private key = '';
  private series: CoresBusySeries | undefined;
  private machine = 1;
  private model: TraceModel | undefined;
  private version = -1;
  private seriesAt = 0;
  private costMs = 0;
  private seriesKey = '';
  private timer = 0;
  private seq = 0;
  private lastSpec: ChartSpec | undefined;
  private drawn: DrawnChart | undefined;
  private theme: ChartTheme | undefined;
  /** Warm-up charts waiting for the next real draw (see warmUp). */
  private warmSpecs: ChartSpec[] = [];
  private warmedDraws = 0;

  constructor(private readonly colors: () => KindColors) {
    this.caption = el('span', { className: 'pl-caption' });
    this.readout = el('span', { className: 'pl-readout' });
    this.readout.setAttribute('aria-live', 'polite');
    this.canvas = this.newCanvas();
    this.root = el(
      'div',
      { className: 'pl-chart' },
      el('div', { className: 'pl-chart-head' }, this.caption, this.readout),
      this.canvas,
    );
    this.worker = WorkerDrawer.create(
      this.canvas,
      (drawn) => (this.drawn = drawn),
      (spec) => this.fallBack(spec),
    );
  }

  /** True when the chart is drawn by a worker (false: on the page). */
  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  /** True while the newest spec has not been drawn yet (the worker is behind). */
  get pending(): boolean {
    return !!this.lastSpec && this.drawn?.seq !== this.lastSpec.seq;
  }

  /** Forgets the drawn state (theme change), so the next update redraws everything. */
  invalidate(): void {
    this.theme = undefined;
    this.key = '';
    this.seriesKey = '';
    this.inline?.destroy();
    this.worker?.reset();
  }

  /**
   * Follows the tracks' window. `track` says where the tracks were drawn: the plot area is put
   * at the same client x as their time area (else at the scale's own startPx/endPx).
   */
  update(change: WindowChange, track: DrawnAt): void {
    const { model, scale } = change;
    const { plotLeftPx, plotRightPx, widthPx } = this.plotOf(change, track);
    const view = [scale.startNs, scale.endNs, plotLeftPx, plotRightPx, widthPx].join();
    const want = `${view}|${model.version}`;
    if (model === this.model && want === this.seriesKey && view === this.key) {
      if (this.warmSpecs.length && this.lastSpec) {
        // After a warm-up: its charts go now, with the one shown drawn again last.
        this.draw(this.lastSpec);
      }
      return;
    }
    // A growing live trace recomputes the series at most every SERIES_MS, and so does any change
    // while a series costs more than a frame can spare (a huge trace); the axes follow the
    // window at once either way (the data catches up on the trailing recompute), so the chart
    // never drifts from the lanes.
    const now = Date.now();
    const windowOnly = model === this.model && model.version === this.version;
    const recompute =
      model !== this.model ||
      !this.series ||
      (windowOnly && this.costMs < SLOW_MS) ||
      now - this.seriesAt >= SERIES_MS;
    clearTimeout(this.timer);
    if (!recompute) {
      this.timer = window.setTimeout(() => this.update(change, track), SERIES_MS);
    }
    this.key = view;
    if (recompute || !this.series) {
      const t0 = performance.now();
      this.series = this.seriesOf(change, plotLeftPx, plotRightPx);
      this.costMs = performance.now() - t0;
      this.model = model;
      this.version = model.version;
      this.seriesAt = now;
      this.seriesKey = want;
    }
    const series = this.series;
    const spec = this.specOf(series, change, plotLeftPx, plotRightPx, widthPx);
    this.machine = spec.machine;
    const others = series.hasOther ? '; other processes stacked on top, in grey' : '';
    const caption = `Cores busy, by thread kind, of ${this.machine}${series.estimate ? ' (estimate from JS callbacks: no OS thread samples)' : ''}${others}`;
    if (this.caption.textContent !== caption) {
      this.caption.textContent = caption;
      this.canvas.setAttribute('aria-label', caption);
    }
    this.draw(spec);
  }

  /**
   * A warm-up window (TimelineView.warmUp): its series and chart are computed and drawn with the
   * next real update, in the same task, so the user's first zooms run compiled code in the page
   * and in the chart's worker. Nothing of it is shown, and the chart's state is left alone.
   */
  warmUp(change: WindowChange, track: DrawnAt): void {
    const { plotLeftPx, plotRightPx, widthPx } = this.plotOf(change, track);
    const series = this.seriesOf(change, plotLeftPx, plotRightPx);
    this.warmSpecs.push(this.specOf(series, change, plotLeftPx, plotRightPx, widthPx));
  }

  /** The window last drawn, ms (the worker's answer when it draws). */
  get drawnWindow(): { startMs: number; endMs: number } | undefined {
    return this.drawn && { startMs: this.drawn.xMinMs, endMs: this.drawn.xMaxMs };
  }

  /** Warm-up draws made so far (in the worker: posted to it). */
  get warmUpDraws(): number {
    return this.warmedDraws;
  }

  /** Where the plot area goes: at the client x of the tracks' time area. */
  private plotOf(
    change: WindowChange,
    track: DrawnAt,
  ): { plotLeftPx: number; plotRightPx: number; widthPx: number } {
    const { scale } = change;
    const widthPx = Math.max(this.root.clientWidth, 50);
    const trackLeft = track.clientXOf(scale.startNs);
    const plotLeftPx =
      trackLeft === undefined
        ? scale.startPx
        : trackLeft - this.canvas.getBoundingClientRect().left;
    return { plotLeftPx, plotRightPx: plotLeftPx + (scale.endPx - scale.startPx), widthPx };
  }

  private seriesOf(change: WindowChange, plotLeftPx: number, plotRightPx: number): CoresBusySeries {
    const { model, scale } = change;
    const bucketNs = Math.max(
      1,
      (BUCKET_PX * (scale.endNs - scale.startNs)) / (plotRightPx - plotLeftPx),
    );
    return coresBusySeries(model, scale.startNs, scale.endNs, bucketNs);
  }

  private specOf(
    series: CoresBusySeries,
    change: WindowChange,
    plotLeftPx: number,
    plotRightPx: number,
    widthPx: number,
  ): ChartSpec {
    const { model, scale } = change;
    const machine = machineCores(model);
    let peak = 0;
    series.total.forEach((v) => (peak = Math.max(peak, v)));
    const yMax = Math.max(machine, Math.ceil(peak));
    return {
      seq: ++this.seq,
      widthPx,
      heightPx: HEIGHT_PX,
      dpr: window.devicePixelRatio || 1,
      theme: (this.theme ??= chartTheme()),
      xMinMs: scale.startNs / 1e6,
      xMaxMs: scale.endNs / 1e6,
      ticks: rulerTicks(scale).map((t) => ({ valueMs: t.timeNs / 1e6, label: t.label })),
      yMax,
      // About six labels at most, on whole cores (a 64-core machine gets 0, 12, 24...).
      yStep: Math.max(1, Math.ceil(yMax / 6)),
      plotLeftPx,
      plotRightPx,
      machine,
      ...this.areas(series),
    };
  }

  /** Client x of a time on the chart's x axis, once drawn. */
  clientXOf(timeNs: number): number | undefined {
    const d = this.drawn;
    if (!d) {
      return undefined;
    }
    const f = (timeNs / 1e6 - d.xMinMs) / (d.xMaxMs - d.xMinMs || 1);
    return this.canvas.getBoundingClientRect().left + d.left + f * (d.right - d.left);
  }

  /** The plot area's left and right, CSS px from the canvas's left, once drawn. */
  plotArea(): { left: number; right: number } | undefined {
    return this.drawn && { left: this.drawn.left, right: this.drawn.right };
  }

  private draw(spec: ChartSpec): void {
    this.lastSpec = spec;
    // The element keeps its CSS size; the backing store (device px) is the renderer's.
    const w = `${spec.widthPx}px`;
    const h = `${spec.heightPx}px`;
    if (this.canvas.style.width !== w || this.canvas.style.height !== h) {
      this.canvas.style.width = w;
      this.canvas.style.height = h;
    }
    const warm = this.warmSpecs.splice(0);
    this.warmedDraws += warm.length;
    if (this.worker) {
      this.worker.draw(spec, warm);
      return;
    }
    try {
      const renderer = (this.inline ??= new CoresChartRenderer(this.canvas));
      // In this task, before the real chart: the page shows only the last drawn.
      warm.forEach((w) => renderer.draw(w));
      this.drawn = renderer.draw(spec);
    } catch (err) {
      console.warn('cores chart failed to draw', err);
    }
  }

  /** The worker died: a fresh canvas (the old one belongs to the worker) drawn on the page. */
  private fallBack(spec: ChartSpec | undefined): void {
    console.warn('cores chart: the worker failed; drawing on the page');
    this.worker = undefined;
    const canvas = this.newCanvas();
    this.canvas.replaceWith(canvas);
    this.canvas = canvas;
    const latest = spec ?? this.lastSpec;
    if (latest) {
      this.draw(latest);
    }
  }

  private newCanvas(): HTMLCanvasElement {
    const canvas = el('canvas', { id: 'cores-chart' });
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', this.caption.textContent || 'Cores busy');
    canvas.addEventListener('mousemove', (e) => this.showReadout(e.offsetX));
    canvas.addEventListener('mouseleave', () => (this.readout.textContent = ''));
    return canvas;
  }

  /** Bucket positions and the stacked areas (cumulative), kinds with nothing left out. */
  private areas(series: CoresBusySeries): { xsMs: Float64Array; areas: ChartArea[] } {
    const colors = this.colors();
    const n = series.total.length;
    // Bucket centres; the ends stretched to the series' own window (the plot clips the rest).
    const xsMs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xsMs[i] = (series.startNs + (i + 0.5) * series.bucketNs) / 1e6;
    }
    if (n) {
      xsMs[0] = series.startNs / 1e6;
      xsMs[n - 1] = (series.startNs + n * series.bucketNs) / 1e6;
    }
    const cumulative = new Float64Array(n);
    const areas: ChartArea[] = [];
    OS_THREAD_KINDS.forEach((kind, k) => {
      const values = series.byKind[k];
      if (!values.some((v) => v > 0)) {
        return;
      }
      for (let i = 0; i < n; i++) {
        cumulative[i] += values[i];
      }
      const color = colors[k] ?? '#888888';
      areas.push({
        label: OS_THREAD_KIND_LABELS[kind],
        ys: cumulative.slice(),
        fill: withAlpha(color, 0.7),
        border: color,
      });
    });
    // The rest of the machine on top of ours: the cores up to the dashed line that were taken.
    if (series.hasOther && series.other.some((v) => v > 0)) {
      for (let i = 0; i < n; i++) {
        cumulative[i] += series.other[i];
      }
      const color = colors[OTHER_PROCESSES] ?? 'rgba(157, 157, 157, 0.45)';
      areas.push({ label: 'other processes', ys: cumulative.slice(), fill: color, border: color });
    }
    return { xsMs, areas };
  }

  private showReadout(xPx: number): void {
    const s = this.series;
    const d = this.drawn;
    if (!s || !d || xPx < d.left || xPx > d.right) {
      this.readout.textContent = '';
      return;
    }
    const timeNs = (d.xMinMs + ((xPx - d.left) / (d.right - d.left)) * (d.xMaxMs - d.xMinMs)) * 1e6;
    const i = Math.floor((timeNs - s.startNs) / s.bucketNs);
    if (i < 0 || i >= s.total.length) {
      return;
    }
    const parts = OS_THREAD_KINDS.map((kind, k) => [kind, s.byKind[k][i]] as const)
      .filter(([, v]) => v >= 0.05)
      .map(([kind, v]) => `${kind} ${v.toFixed(2)}`);
    const other = s.hasOther ? `; other processes ${s.other[i].toFixed(2)}` : '';
    this.readout.textContent = `${s.total[i].toFixed(2)} of ${this.machine} cores busy${parts.length ? ` (${parts.join(', ')})` : ''}${other}`;
  }
}
