/**
 * The chart.js half of the cores chart: draws a ChartSpec (plain data, built on the page) on a
 * canvas. It runs in a worker on an OffscreenCanvas (the page's frames then never wait for
 * chart.js) or, where that is impossible, on the page itself. No DOM access here.
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

// Only what a line chart with filled areas needs: the bundle stays small.
Chart.register(LineController, LineElement, PointElement, LinearScale, Filler);

/** Colours and font the chart draws with (read from VS Code's variables on the page). */
export interface ChartTheme {
  fg: string;
  muted: string;
  grid: string;
  font: string;
  size: number;
}

/** One stacked area: its cumulative top per bucket. */
export interface ChartArea {
  label: string;
  /** Cumulative cores busy at each of the spec's `xsMs`. */
  ys: Float64Array;
  fill: string;
  border: string;
}

/** Everything one drawing of the chart needs; structured-cloneable. */
export interface ChartSpec {
  /** Increases with every spec; echoed back in the DrawnChart. */
  seq: number;
  widthPx: number;
  heightPx: number;
  dpr: number;
  theme: ChartTheme;
  /** The visible window, ms. */
  xMinMs: number;
  xMaxMs: number;
  /** The tracks' ruler ticks, so both grids line up. */
  ticks: { valueMs: number; label: string }[];
  yMax: number;
  yStep: number;
  /** Where the plot area must be, CSS px from the canvas's left. */
  plotLeftPx: number;
  plotRightPx: number;
  /** Bucket positions, ms. */
  xsMs: Float64Array;
  areas: ChartArea[];
  /** The machine's core count (the dashed line). */
  machine: number;
}

/** Where a spec was drawn: the plot area actually obtained, CSS px from the canvas's left. */
export interface DrawnChart {
  seq: number;
  left: number;
  right: number;
  xMinMs: number;
  xMaxMs: number;
}

type Point = { x: number; y: number };
type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

/** Draws specs on one canvas, keeping the chart (and its dataset controllers) across specs. */
export class CoresChartRenderer {
  private chart: Chart<'line', Point[]> | undefined;
  private themeKey = '';
  private spec: ChartSpec | undefined;
  private yWidthPx = 0;

  constructor(private readonly canvas: AnyCanvas) {}

  /** Draws `spec`; returns the plot area obtained. */
  draw(spec: ChartSpec): DrawnChart {
    this.spec = spec;
    const themeKey = JSON.stringify([spec.theme, spec.dpr]);
    if (themeKey !== this.themeKey) {
      this.destroy();
      this.themeKey = themeKey;
    }
    const chart = this.ensureChart(spec);
    if (chart.width !== spec.widthPx || chart.height !== spec.heightPx) {
      chart.resize(spec.widthPx, spec.heightPx);
    }
    const datasets = this.datasets(spec);
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
    const scales = chart.options.scales!;
    scales.x!.min = spec.xMinMs;
    scales.x!.max = spec.xMaxMs;
    const y = scales.y as { max?: number; ticks?: { stepSize?: number } };
    y.max = spec.yMax;
    y.ticks!.stepSize = spec.yStep;
    this.yWidthPx = Math.max(0, spec.plotLeftPx);
    // Pin the plot area: a fixed-width y axis fills the gutter, padding takes the rest.
    const padding = {
      left: 0,
      right: Math.max(0, spec.widthPx - spec.plotRightPx),
      top: 8,
      bottom: 0,
    };
    chart.options.layout = { padding };
    chart.update('none');
    // Chart.js may still nudge the area (label overflow); correct once by what it did.
    const dl = chart.chartArea.left - spec.plotLeftPx;
    const dr = chart.chartArea.right - spec.plotRightPx;
    if (Math.abs(dl) > 0.5 || Math.abs(dr) > 0.5) {
      this.yWidthPx = Math.max(0, this.yWidthPx - dl);
      padding.right = Math.max(0, padding.right + dr);
      chart.update('none');
    }
    return {
      seq: spec.seq,
      left: chart.chartArea.left,
      right: chart.chartArea.right,
      xMinMs: spec.xMinMs,
      xMaxMs: spec.xMaxMs,
    };
  }

  /** Forgets the chart (a theme change rebuilds it). */
  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  private datasets(spec: ChartSpec): ChartDataset<'line', Point[]>[] {
    const xs = spec.xsMs;
    const sets: ChartDataset<'line', Point[]>[] = spec.areas.map((area, k) => {
      const data: Point[] = new Array(xs.length);
      for (let i = 0; i < xs.length; i++) {
        data[i] = { x: xs[i], y: area.ys[i] };
      }
      return {
        label: area.label,
        data,
        fill: k === 0 ? 'origin' : '-1',
        backgroundColor: area.fill,
        borderColor: area.border,
        borderWidth: 0,
      };
    });
    sets.push({
      label: `${spec.machine} cores`,
      data: [
        { x: spec.xMinMs, y: spec.machine },
        { x: spec.xMaxMs, y: spec.machine },
      ],
      fill: false,
      borderColor: spec.theme.fg,
      borderWidth: 1.5,
      borderDash: [6, 4],
    });
    return sets;
  }

  private ensureChart(spec: ChartSpec): Chart<'line', Point[]> {
    if (this.chart) {
      return this.chart;
    }
    const theme = spec.theme;
    const font = { family: theme.font, size: theme.size };
    const ticks = (): ChartSpec['ticks'] => this.spec?.ticks ?? [];
    // chart.js draws on an OffscreenCanvas as on a canvas element (its typings omit it).
    this.chart = new Chart<'line', Point[]>(this.canvas as HTMLCanvasElement, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: false,
        maintainAspectRatio: false,
        devicePixelRatio: spec.dpr,
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
              // Label sizes are measured on a sample only (chart.js measures every label else).
              sampleSize: 4,
              callback: (_value, index) => ticks()[index]?.label ?? '',
            },
            afterBuildTicks: (axis: Scale) => {
              axis.ticks = ticks().map((t) => ({ value: t.valueMs }));
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
            ticks: {
              color: theme.muted,
              font,
              precision: 0,
              stepSize: 1,
              // A handful of labels on whole cores, all of which fit: no auto-skipping pass.
              autoSkip: false,
              sampleSize: 4,
            },
            afterFit: (axis: Scale) => {
              axis.width = this.yWidthPx;
            },
          },
        },
      },
    });
    return this.chart;
  }
}
