/**
 * The cores chart (chart.js): cores busy over the visible window, stacked by thread kind, with
 * the machine's core count as a dashed line. Its plot area is pinned to the tracks' time area,
 * so a time has the same x in the chart as on the lanes above it.
 */
import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartDataset,
  type Scale,
} from 'chart.js';
import { coresBusySeries, machineCores, type CoresBusySeries } from '../../src/model/parallelism';
import { OS_THREAD_KIND_LABELS, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import type { TraceModel } from '../../src/model/traceModel';
import { el } from '../dom';
import { rulerTicks, type Tick, type TimeScale } from '../timeline/timeScale';
import type { WindowChange } from '../timeline/track';
import { withAlpha, type KindColors } from './kindColors';
import type { DrawnAt } from './osThreadsTrack';

// Only what a line chart with filled areas needs: the bundle stays small.
Chart.register(LineController, LineElement, PointElement, LinearScale, Filler);

/** Chart height, CSS px. */
const HEIGHT_PX = 130;
/** Target bucket width, CSS px (1 bucket per 2-4 px). */
const BUCKET_PX = 3;
/** While a live trace grows, recompute the series at most this often, ms. */
const SERIES_MS = 250;
/** A series that took longer than this to compute is recomputed at most every SERIES_MS. */
const SLOW_MS = 8;

type Point = { x: number; y: number };

/** Colours the chart draws with, from VS Code's variables. */
function chartTheme(): { fg: string; muted: string; grid: string; font: string; size: number } {
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

/** The chart, its caption and a readout of the value under the pointer. */
export class CoresChart {
  /** The chart's element (caption, readout, canvas). */
  readonly root: HTMLElement;
  /** The canvas chart.js draws on. */
  readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly readout: HTMLElement;
  private chart: Chart<'line', Point[]> | undefined;
  private key = '';
  private series: CoresBusySeries | undefined;
  private machine = 1;
  private ticks: Tick[] = [];
  private model: TraceModel | undefined;
  private version = -1;
  private seriesAt = 0;
  private costMs = 0;
  private seriesKey = '';
  private timer = 0;
  private yWidthPx = 0;

  constructor(private readonly colors: () => KindColors) {
    this.canvas = el('canvas', { id: 'cores-chart' });
    this.canvas.setAttribute('role', 'img');
    this.caption = el('span', { className: 'pl-caption' });
    this.readout = el('span', { className: 'pl-readout' });
    this.readout.setAttribute('aria-live', 'polite');
    this.root = el(
      'div',
      { className: 'pl-chart' },
      el('div', { className: 'pl-chart-head' }, this.caption, this.readout),
      this.canvas,
    );
    this.canvas.addEventListener('mousemove', (e) => this.showReadout(e.offsetX));
    this.canvas.addEventListener('mouseleave', () => (this.readout.textContent = ''));
  }

  /** Forgets the drawn state (theme change), so the next update redraws everything. */
  invalidate(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.key = '';
    this.seriesKey = '';
  }

  /**
   * Follows the tracks' window. `track` says where the tracks were drawn: the plot area is put
   * at the same client x as their time area (else at the scale's own startPx/endPx).
   */
  update(change: WindowChange, track: DrawnAt): void {
    const { model, scale } = change;
    const widthPx = Math.max(this.root.clientWidth, 50);
    const trackLeft = track.clientXOf(scale.startNs);
    const plotLeftPx =
      trackLeft === undefined
        ? scale.startPx
        : trackLeft - this.canvas.getBoundingClientRect().left;
    const plotRightPx = plotLeftPx + (scale.endPx - scale.startPx);
    const view = [scale.startNs, scale.endNs, plotLeftPx, plotRightPx, widthPx].join();
    const want = `${view}|${model.version}`;
    if (model === this.model && want === this.seriesKey && view === this.key) {
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
      const bucketNs = Math.max(
        1,
        (BUCKET_PX * (scale.endNs - scale.startNs)) / (plotRightPx - plotLeftPx),
      );
      const t0 = performance.now();
      this.series = coresBusySeries(model, scale.startNs, scale.endNs, bucketNs);
      this.costMs = performance.now() - t0;
      this.model = model;
      this.version = model.version;
      this.seriesAt = now;
      this.seriesKey = want;
    }
    const series = this.series;
    this.machine = machineCores(model);
    this.caption.textContent = `Cores busy, by thread kind, of ${this.machine}${series.estimate ? ' (estimate from JS callbacks: no OS thread samples)' : ''}`;
    this.canvas.setAttribute('aria-label', this.caption.textContent);
    this.ticks = rulerTicks(scale);
    const datasets = this.datasets(series, scale);
    let peak = 0;
    series.total.forEach((v) => (peak = Math.max(peak, v)));
    const yMax = Math.max(this.machine, Math.ceil(peak));
    const chart = this.ensureChart();
    if (chart.width !== widthPx || chart.height !== HEIGHT_PX) {
      chart.resize(widthPx, HEIGHT_PX);
    }
    const current = chart.data.datasets;
    if (
      current.length === datasets.length &&
      current.every((d, i) => d.label === datasets[i].label)
    ) {
      // Same areas as before: new points only, so chart.js keeps its dataset controllers.
      current.forEach((d, i) => Object.assign(d, datasets[i]));
    } else {
      chart.data.datasets = datasets;
    }
    const x = chart.options.scales!.x!;
    x.min = scale.startNs / 1e6;
    x.max = scale.endNs / 1e6;
    chart.options.scales!.y!.max = yMax;
    this.yWidthPx = Math.max(0, plotLeftPx);
    // Pin the plot area: a fixed-width y axis fills the gutter, padding takes the rest.
    const padding = { left: 0, right: Math.max(0, widthPx - plotRightPx), top: 8, bottom: 0 };
    chart.options.layout = { padding };
    chart.update('none');
    // Chart.js may still nudge the area (label overflow); correct once by what it did.
    const dl = chart.chartArea.left - plotLeftPx;
    const dr = chart.chartArea.right - plotRightPx;
    if (Math.abs(dl) > 0.5 || Math.abs(dr) > 0.5) {
      this.yWidthPx = Math.max(0, this.yWidthPx - dl);
      padding.right = Math.max(0, padding.right + dr);
      chart.update('none');
    }
  }

  /** Client x of a time on the chart's x axis, once drawn. */
  clientXOf(timeNs: number): number | undefined {
    if (!this.chart) {
      return undefined;
    }
    return (
      this.canvas.getBoundingClientRect().left + this.chart.scales.x.getPixelForValue(timeNs / 1e6)
    );
  }

  /** The plot area's left and right, CSS px from the canvas's left, once drawn. */
  plotArea(): { left: number; right: number } | undefined {
    return this.chart
      ? { left: this.chart.chartArea.left, right: this.chart.chartArea.right }
      : undefined;
  }

  private datasets(series: CoresBusySeries, scale: TimeScale): ChartDataset<'line', Point[]>[] {
    const colors = this.colors();
    const n = series.total.length;
    // Bucket centres; the ends stretched to the series' own window (the plot clips the rest).
    const xs = Array.from({ length: n }, (_, i) => series.startNs + (i + 0.5) * series.bucketNs);
    if (n) {
      xs[0] = series.startNs;
      xs[n - 1] = series.startNs + n * series.bucketNs;
    }
    const cumulative = new Float64Array(n);
    // Kinds with nothing in the window are left out: fewer areas for chart.js to fill.
    const sets: ChartDataset<'line', Point[]>[] = [];
    OS_THREAD_KINDS.forEach((kind, k) => {
      if (!series.byKind[k].some((v) => v > 0)) {
        return;
      }
      const data = xs.map((xNs, i) => {
        cumulative[i] += series.byKind[k][i];
        return { x: xNs / 1e6, y: cumulative[i] };
      });
      const color = colors[k] ?? '#888888';
      sets.push({
        label: OS_THREAD_KIND_LABELS[kind],
        data,
        fill: sets.length === 0 ? 'origin' : '-1',
        backgroundColor: withAlpha(color, 0.7),
        borderColor: color,
        borderWidth: 0,
      });
    });
    const theme = chartTheme();
    sets.push({
      label: `${this.machine} cores`,
      data: [
        { x: scale.startNs / 1e6, y: this.machine },
        { x: scale.endNs / 1e6, y: this.machine },
      ],
      fill: false,
      borderColor: theme.fg,
      borderWidth: 1.5,
      borderDash: [6, 4],
    });
    return sets;
  }

  private ensureChart(): Chart<'line', Point[]> {
    if (this.chart) {
      return this.chart;
    }
    const theme = chartTheme();
    const font = { family: theme.font, size: theme.size };
    this.chart = new Chart<'line', Point[]>(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: false,
        maintainAspectRatio: false,
        devicePixelRatio: window.devicePixelRatio || 1,
        parsing: false,
        normalized: true,
        events: [],
        elements: { point: { radius: 0, hitRadius: 0 }, line: { tension: 0 } },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: {
            type: 'linear',
            grid: { color: theme.grid },
            border: { color: theme.grid },
            ticks: {
              color: theme.muted,
              font,
              maxRotation: 0,
              autoSkip: false,
              callback: (_value, index) => this.ticks[index]?.label ?? '',
            },
            afterBuildTicks: (axis: Scale) => {
              // The tracks' ruler ticks, so both grids line up.
              axis.ticks = this.ticks.map((t) => ({ value: t.timeNs / 1e6 }));
            },
            afterFit: (axis: Scale) => {
              // Labels may overflow the ends; never let that move the plot area.
              axis.paddingLeft = 0;
              axis.paddingRight = 0;
            },
          },
          y: {
            type: 'linear',
            min: 0,
            grid: { color: theme.grid },
            border: { color: theme.grid },
            title: { display: true, text: 'cores busy', color: theme.muted, font },
            ticks: { color: theme.muted, font, precision: 0, stepSize: 1 },
            afterFit: (axis: Scale) => {
              axis.width = this.yWidthPx;
            },
          },
        },
      },
    });
    return this.chart;
  }

  private showReadout(xPx: number): void {
    const s = this.series;
    const chart = this.chart;
    if (!s || !chart || xPx < chart.chartArea.left || xPx > chart.chartArea.right) {
      this.readout.textContent = '';
      return;
    }
    const timeNs = chart.scales.x.getValueForPixel(xPx)! * 1e6;
    const i = Math.floor((timeNs - s.startNs) / s.bucketNs);
    if (i < 0 || i >= s.total.length) {
      return;
    }
    const parts = OS_THREAD_KINDS.map((kind, k) => [kind, s.byKind[k][i]] as const)
      .filter(([, v]) => v >= 0.05)
      .map(([kind, v]) => `${kind} ${v.toFixed(2)}`);
    this.readout.textContent = `${s.total[i].toFixed(2)} of ${this.machine} cores busy${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
}
