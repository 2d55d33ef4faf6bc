/**
 * The OS-threads track: per process a header, then one lane per OS thread showing how much of
 * each moment it was on a CPU (solid, by intensity) and waiting in a run queue (hatched).
 */
import { samplingCostNote } from '../../src/model/stacks';
import { OS_THREAD_KIND_LABELS } from '../../src/model/threadKinds';
import type { TraceModel } from '../../src/model/traceModel';
import { formatDuration, threadLabel } from '../format';
import type { Theme } from '../theme';
import { fitText } from '../timeline/canvasSurface';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from '../timeline/track';
import type { TimeScale } from '../timeline/timeScale';
import type { KindColors } from './kindColors';
import { BASIS_TEXT, OsThreadLayout, type OsRow } from './osThreadLayout';
import { fillLevels, forEachSampleIn, rasterThreads } from './sampleRaster';

/** Intensity levels of the CPU strip (fewer levels, fewer rectangles). */
const LEVELS = 8;

/** Where a track was last drawn, so other views (and tests) can map its x to the page. */
export class DrawnAt {
  /** The canvas it was drawn on, once drawn. */
  canvas: HTMLCanvasElement | undefined;
  /** CSS px from the canvas's left and top to the track's origin. */
  offsetXPx = 0;
  offsetYPx = 0;
  /** The scale it was drawn with. */
  scale: TimeScale | undefined;

  /** Records the context's translation (device px back to CSS px). */
  record(ctx: CanvasRenderingContext2D, scale: TimeScale): void {
    const canvas = ctx.canvas;
    const cssWidth = canvas.getBoundingClientRect().width || canvas.width;
    const dpr = canvas.width / cssWidth || 1;
    const m = ctx.getTransform();
    this.canvas = canvas;
    this.offsetXPx = m.e / dpr;
    this.offsetYPx = m.f / dpr;
    this.scale = scale;
  }

  /** Client (viewport) x of a time on the track, if drawn. */
  clientXOf(timeNs: number): number | undefined {
    const rect = this.canvas?.isConnected ? this.canvas.getBoundingClientRect() : undefined;
    // A collapsed section's canvas has no box: no position to align with.
    if (!rect || !this.scale || rect.width === 0) {
      return undefined;
    }
    return rect.left + this.offsetXPx + this.scale.timeToPx(timeNs);
  }

  /** Client (viewport) y of a y on the track, if drawn. */
  clientYOf(yPx: number): number | undefined {
    if (!this.canvas || !this.canvas.isConnected) {
      return undefined;
    }
    return this.canvas.getBoundingClientRect().top + this.offsetYPx + yPx;
  }
}

/** A diagonal hatch in `color`, for run-queue wait. */
export function hatchPattern(ctx: CanvasRenderingContext2D, color: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 6;
  tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) {
    return color;
  }
  t.strokeStyle = color;
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(-1, 7);
  t.lineTo(7, -1);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? color;
}

/** The theme's font one px smaller: lane labels hold "kind: name (tid N)" in the gutter. */
export function laneFont(font: string): string {
  return font.replace(
    /(\d+(?:\.\d+)?)px/,
    (_, size: string) => `${Math.max(9, Number(size) - 1)}px`,
  );
}

/** Lanes of OS threads, grouped by process. */
export class OsThreadsTrack implements TimelineTrack {
  readonly id = 'os-threads';
  readonly title = 'OS threads';
  /** The rows of the last layout. */
  readonly layout = new OsThreadLayout();
  /** Where it was last drawn. */
  readonly drawnAt = new DrawnAt();
  private hatch: { theme: number; pattern: CanvasPattern | string } | undefined;

  constructor(private readonly colors: () => KindColors) {}

  visible(model: TraceModel): boolean {
    return model.threads.length > 0 || model.os.threads.length > 0;
  }

  heightPx(model: TraceModel): number {
    this.layout.update(model);
    return this.layout.heightPx;
  }

  draw(rc: RenderContext): void {
    const { ctx, model, scale, theme } = rc;
    this.drawnAt.record(ctx, scale);
    const layout = this.layout;
    layout.update(model);
    const colors = this.colors();
    const rightPx = scale.endPx;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    for (const row of layout.rows) {
      const kind = row.thread >= 0 ? layout.kindOfThread[row.thread] : -1;
      this.drawRowChrome(ctx, model, row, scale, theme, colors[kind] ?? theme.muted);
    }
    ctx.fillStyle = theme.grid;
    ctx.fillRect(scale.startPx - 1, 0, 1, layout.heightPx);
    if (!model.os.sampleCount) {
      return;
    }
    const lanes = layout.rows.length;
    const { run, wait, columns } = rasterThreads(model.os, scale, layout.laneOfThread, lanes);
    if (!this.hatch || this.hatch.theme !== theme.version) {
      this.hatch = { theme: theme.version, pattern: hatchPattern(ctx, theme.muted) };
    }
    const hatch = this.hatch.pattern;
    ctx.save();
    ctx.beginPath();
    ctx.rect(scale.startPx, 0, rightPx - scale.startPx, layout.heightPx);
    ctx.clip();
    layout.rows.forEach((row, lane) => {
      if (row.type !== 'thread') {
        return;
      }
      const color = colors[layout.kindOfThread[row.thread]] ?? theme.muted;
      const barTop = row.topPx + 2;
      const barHeight = row.heightPx - 4;
      ctx.fillStyle = color;
      fillLevels(run, lane * columns, columns, LEVELS, (x0, x1, level) => {
        ctx.globalAlpha = 0.15 + 0.85 * level;
        ctx.fillRect(scale.startPx + x0, barTop, x1 - x0, barHeight);
      });
      // Waiting for a core: hatched over the lane's lower half.
      ctx.fillStyle = hatch;
      fillLevels(wait, lane * columns, columns, 4, (x0, x1, level) => {
        ctx.globalAlpha = 0.35 + 0.65 * level;
        ctx.fillRect(scale.startPx + x0, barTop + barHeight / 2, x1 - x0, barHeight / 2);
      });
      ctx.globalAlpha = 1;
    });
    ctx.restore();
  }

  private drawRowChrome(
    ctx: CanvasRenderingContext2D,
    model: TraceModel,
    row: OsRow,
    scale: TimeScale,
    theme: Theme,
    color: string,
  ): void {
    const midPx = row.topPx + row.heightPx / 2;
    const rightPx = scale.endPx;
    if (row.type === 'note') {
      ctx.fillStyle = theme.muted;
      fitText(ctx, row.text, 6, midPx, rightPx - 6);
      return;
    }
    if (row.type === 'process') {
      ctx.fillStyle = theme.laneBackground;
      ctx.fillRect(0, row.topPx, rightPx, row.heightPx);
      ctx.fillStyle = theme.foreground;
      fitText(ctx, row.text, 6, midPx, rightPx - 12);
      return;
    }
    const t = model.os.threads[row.thread];
    const cls = this.layout.classes[row.thread];
    // Its life: first seen to gone (or the last sample).
    const fromPx = Math.max(scale.startPx, scale.timeToPx(t.firstNs));
    const endNs = Number.isNaN(t.exitNs) ? t.lastNs : t.exitNs;
    const toPx = Math.min(rightPx, scale.timeToPx(endNs));
    if (toPx > fromPx) {
      ctx.fillStyle = theme.laneBackground;
      ctx.fillRect(fromPx, row.topPx + 1, toPx - fromPx, row.heightPx - 2);
    }
    ctx.fillStyle = theme.grid;
    ctx.fillRect(0, row.topPx + row.heightPx - 1, rightPx, 1);
    ctx.fillStyle = color;
    ctx.fillRect(4, midPx - 4, 6, 8);
    const font = ctx.font;
    // Inferred from activity, not reported: set apart in italics.
    ctx.font = `${cls.basis === 'activity' ? 'italic ' : ''}${laneFont(font)}`;
    ctx.fillStyle = cls.kind === 'unknown' ? theme.muted : theme.foreground;
    fitText(ctx, row.text, 13, midPx, scale.startPx - 16);
    ctx.font = font;
  }

  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit | undefined {
    const { model, scale } = query;
    const row = this.layout.rowAt(yPx);
    if (!row) {
      return undefined;
    }
    if (row.type !== 'thread') {
      return { lines: [row.text] };
    }
    const os = model.os;
    const t = os.threads[row.thread];
    const cls = this.layout.classes[row.thread];
    const lines = [
      row.text,
      `${OS_THREAD_KIND_LABELS[cls.kind]}: ${cls.label}`,
      `kind ${BASIS_TEXT[cls.basis]}`,
      `pid ${t.pid}, OS name "${t.name}"`,
    ];
    if (cls.jsThread >= 0) {
      lines.push(`callbacks: Threads view, lane "${threadLabel(model.threads[cls.jsThread])}"`);
      const cost = samplingCostNote(model.stacks.of(model.threads[cls.jsThread].stream)?.info);
      if (cost) {
        lines.push(cost);
      }
    }
    if (xPx >= scale.startPx) {
      const timeNs = scale.pxToTime(xPx);
      forEachSampleIn(os, timeNs, timeNs + 1, (s) => {
        if (os.sampleThread.data[s] !== row.thread) {
          return;
        }
        const spanNs = os.sampleEndNs.data[s] - os.sampleStartNs.data[s];
        const runPct = Math.round((100 * os.sampleRunNs.data[s]) / spanNs);
        const waitPct = Math.round((100 * os.sampleWaitNs.data[s]) / spanNs);
        lines.push(
          `over ${formatDuration(spanNs)} here: on a CPU ${runPct}%, waiting for a core ${waitPct}%, last on core ${os.sampleCore.data[s]}`,
        );
      });
    }
    lines.push(
      `in total: on a CPU ${formatDuration(t.runNs)}, waited for a core ${formatDuration(t.waitNs)}`,
    );
    return { lines };
  }
}
