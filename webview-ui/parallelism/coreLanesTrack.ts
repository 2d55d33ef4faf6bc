/**
 * The core lanes (optional): one lane per CPU core, coloured by the kind of thread that held
 * it. Approximate: the sampler only knows the core a thread was last on at each sample.
 */
import { OS_THREAD_KIND_LABELS, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import { machineCores } from '../../src/model/parallelism';
import type { TraceModel } from '../../src/model/traceModel';
import { fitText } from '../timeline/canvasSurface';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from '../timeline/track';
import { TimeScale } from '../timeline/timeScale';
import type { KindColors } from './kindColors';
import type { OsThreadLayout } from './osThreadLayout';
import { DrawnAt } from './osThreadsTrack';
import { fillLevels, rasterCores } from './sampleRaster';

/** Height of the caption row and of one core lane, CSS px. */
const CAPTION_PX = 20;
const CORE_PX = 16;
const LEVELS = 6;

/** One lane per core; shown only when toggled on and the trace has CPU samples. */
export class CoreLanesTrack implements TimelineTrack {
  readonly id = 'core-lanes';
  readonly title = 'Cores (approximate)';
  /** Off by default: the toggle in the parallelism bar turns it on. */
  enabled = false;
  /** Where it was last drawn. */
  readonly drawnAt = new DrawnAt();

  constructor(
    private readonly layout: OsThreadLayout,
    private readonly colors: () => KindColors,
  ) {}

  visible(model: TraceModel): boolean {
    // Estimates (no /proc) know no cores.
    return this.enabled && model.os.sampleCount > 0 && !model.os.info?.estimate;
  }

  heightPx(model: TraceModel): number {
    return CAPTION_PX + machineCores(model) * CORE_PX;
  }

  draw(rc: RenderContext): void {
    const { ctx, model, scale, theme } = rc;
    this.drawnAt.record(ctx, scale);
    this.layout.update(model);
    const cores = machineCores(model);
    const kinds = OS_THREAD_KINDS.length;
    const colors = this.colors();
    const rightPx = scale.endPx;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.laneBackground;
    ctx.fillRect(0, 0, rightPx, CAPTION_PX);
    ctx.fillStyle = theme.foreground;
    fitText(
      ctx,
      `${cores} cores (approximate: each sample is put on the core its thread was last seen on)`,
      6,
      CAPTION_PX / 2,
      rightPx - 12,
    );
    const { run, columns } = rasterCores(model.os, scale, this.layout.kindOfThread, cores, kinds);
    // Per column: the kind that held the core most, and how busy the core was.
    const busy = new Float32Array(columns);
    const top = new Int8Array(columns);
    for (let core = 0; core < cores; core++) {
      const topPx = CAPTION_PX + core * CORE_PX;
      ctx.fillStyle = theme.grid;
      ctx.fillRect(0, topPx + CORE_PX - 1, rightPx, 1);
      ctx.fillStyle = theme.foreground;
      fitText(ctx, `core ${core}`, 14, topPx + CORE_PX / 2, scale.startPx - 20);
      busy.fill(0);
      top.fill(-1);
      for (let c = 0; c < columns; c++) {
        let best = 0;
        for (let k = 0; k < kinds; k++) {
          const v = run[(core * kinds + k) * columns + c];
          busy[c] += v;
          if (v > best) {
            best = v;
            top[c] = k;
          }
        }
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(scale.startPx, topPx, rightPx - scale.startPx, CORE_PX);
      ctx.clip();
      for (let k = 0; k < kinds; k++) {
        const mine = busy.map((v, c) => (top[c] === k ? Math.min(1, v) : 0));
        ctx.fillStyle = colors[k] ?? theme.muted;
        fillLevels(mine, 0, columns, LEVELS, (x0, x1, level) => {
          ctx.globalAlpha = 0.2 + 0.8 * level;
          ctx.fillRect(scale.startPx + x0, topPx + 2, x1 - x0, CORE_PX - 4);
        });
      }
      ctx.globalAlpha = 1;
      ctx.restore();
    }
    ctx.fillStyle = theme.grid;
    ctx.fillRect(scale.startPx - 1, CAPTION_PX, 1, cores * CORE_PX);
  }

  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit | undefined {
    const { model, scale } = query;
    if (yPx < CAPTION_PX) {
      return { lines: [this.title, 'each sample is put on the core its thread was last seen on'] };
    }
    const core = Math.floor((yPx - CAPTION_PX) / CORE_PX);
    if (core >= machineCores(model) || xPx < scale.startPx) {
      return undefined;
    }
    const kinds = OS_THREAD_KINDS.length;
    const one = new TimeScale(scale.pxToTime(xPx), scale.pxToTime(xPx + 1), 0, 1);
    const { run } = rasterCores(model.os, one, this.layout.kindOfThread, core + 1, kinds);
    const lines = [`core ${core} (approximate)`];
    OS_THREAD_KINDS.forEach((kind, k) => {
      const v = run[core * kinds + k];
      if (v >= 0.01) {
        lines.push(`${OS_THREAD_KIND_LABELS[kind]}: ${Math.round(100 * v)}%`);
      }
    });
    if (lines.length === 1) {
      lines.push('idle (no traced thread on it)');
    }
    return { lines };
  }
}
