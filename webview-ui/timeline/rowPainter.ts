/** Draws one row of non-overlapping spans, aggregating what is narrower than a pixel. */
import type { Column } from '../../src/model/columns';
import { OP_KINDS } from '../../src/model/opKinds';
import type { TraceModel } from '../../src/model/traceModel';
import type { Theme } from '../theme';
import { fitText } from './canvasSurface';
import { MERGE_BELOW_PX } from './layout';
import { GROUP_SPANS, type SpanIndex } from './spanIndex';

const EMPTY = new Float64Array(0);
const EMPTY_KINDS = new Uint8Array(0);
/** A group of spans narrower than this (CSS px) is painted as one unit. */
const GROUP_UNIT_PX = 2;
import type { TimeScale } from './timeScale';

/** Spans at least this wide (CSS px) get their type written in them. */
const LABEL_MIN_PX = 28;

/** Rectangles of one kind, batched so a frame sets each fill colour once. */
class RectBatch {
  xPx = new Float64Array(256);
  widthPx = new Float64Array(256);
  count = 0;

  add(xPx: number, widthPx: number): void {
    if (this.count === this.xPx.length) {
      const x = new Float64Array(this.count * 2);
      const w = new Float64Array(this.count * 2);
      x.set(this.xPx);
      w.set(this.widthPx);
      this.xPx = x;
      this.widthPx = w;
    }
    this.xPx[this.count] = xPx;
    this.widthPx[this.count++] = widthPx;
  }
}

/** Narrow runs of one row: [x0, x1) in CSS px and the kind, in order. */
class RunList {
  x0 = new Float64Array(1024);
  x1 = new Float64Array(1024);
  kind = new Int32Array(1024);
  count = 0;

  add(x0: number, x1: number, kind: number): void {
    if (this.count === this.x0.length) {
      const n = this.count * 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, b: T): T => (b.set(a), b);
      this.x0 = grow(this.x0, new Float64Array(n));
      this.x1 = grow(this.x1, new Float64Array(n));
      this.kind = grow(this.kind, new Int32Array(n));
    }
    this.x0[this.count] = x0;
    this.x1[this.count] = x1;
    this.kind[this.count++] = kind;
  }
}

/** A row with more narrow runs than this is drawn as a pixel strip, not rectangle by rectangle. */
const STRIP_MIN_RUNS = 48;

/**
 * A zoomed-out row is thousands of one-pixel runs, and each fillRect costs the canvas about a
 * microsecond to record and more to rasterize. Instead the runs are written as pixels into a
 * one-pixel-high off-screen canvas, which is then stretched over the row with one drawImage
 * (smoothing off). Each row of a frame gets its own line canvas, kept for the next frames: a
 * canvas written again after a drawImage of it in the same frame would be copied first
 * (copy-on-write of the snapshot the pending draw holds), so no line is reused within a frame.
 */
class PixelStrip {
  private lines: StripLine[] = [];
  private line = 0;
  private readonly rgba = new Map<string, number>();
  private probe: CanvasRenderingContext2D | null | undefined;

  /** Starts a frame (lines are handed out again from the first). */
  begin(): void {
    this.line = 0;
  }

  /** Packed RGBA (as the platform's Uint32 view of ImageData holds it) of a CSS colour. */
  colour(css: string): number {
    let v = this.rgba.get(css);
    if (v === undefined) {
      this.probe ??= document
        .createElement('canvas')
        .getContext('2d', { willReadFrequently: true });
      const p = this.probe;
      if (!p) {
        return 0;
      }
      p.clearRect(0, 0, 1, 1);
      p.fillStyle = css;
      p.fillRect(0, 0, 1, 1);
      v = new Uint32Array(p.getImageData(0, 0, 1, 1).data.buffer)[0];
      this.rgba.set(css, v);
    }
    return v;
  }

  /** Draws `runs` (kinds coloured by `colours`) over [x0Px, x1Px) x [yPx, yPx + heightPx). */
  draw(
    ctx: CanvasRenderingContext2D,
    runs: RunList,
    colours: number[],
    x0Px: number,
    x1Px: number,
    yPx: number,
    heightPx: number,
  ): boolean {
    const left = Math.max(0, Math.floor(x0Px));
    const width = Math.ceil(x1Px) - left;
    if (width <= 0) {
      return true;
    }
    const line = this.lineFor(width);
    if (!line) {
      return false;
    }
    const pixels = line.pixels;
    pixels.fill(0, 0, width);
    for (let i = 0; i < runs.count; i++) {
      const a = Math.max(0, Math.round(runs.x0[i]) - left);
      const b = Math.min(
        width,
        Math.max(Math.round(runs.x0[i]) + 1, Math.round(runs.x1[i])) - left,
      );
      if (b > a) {
        pixels.fill(colours[runs.kind[i]], a, b);
      }
    }
    line.ctx.putImageData(line.image, 0, 0, 0, 0, width, 1);
    const smoothing = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(line.canvas, 0, 0, width, 1, left, yPx, width, heightPx);
    ctx.imageSmoothingEnabled = smoothing;
    return true;
  }

  /** This frame's next line canvas, at least `width` pixels wide. */
  private lineFor(width: number): StripLine | undefined {
    let line: StripLine | undefined = this.lines[this.line];
    if (!line || line.image.width < width) {
      const canvas = line?.canvas ?? document.createElement('canvas');
      canvas.width = width;
      canvas.height = 1;
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        return undefined;
      }
      const image = ctx.createImageData(width, 1);
      line = { canvas, ctx, image, pixels: new Uint32Array(image.data.buffer) };
      this.lines[this.line] = line;
    }
    this.line++;
    return line;
  }
}

/** One row's line of a frame's pixel strip. */
interface StripLine {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  image: ImageData;
  pixels: Uint32Array;
}

/**
 * Paints the visible spans of a (thread, depth) row. Cost is bounded by the pixels, not the
 * spans: a span narrower than a pixel paints that pixel in its kind's colour, and a binary
 * search skips every other span ending inside the same pixel. Neighbouring boxes of one kind
 * narrower than MERGE_BELOW_PX merge into one rectangle.
 */
export class RowPainter {
  private readonly batches = OP_KINDS.map(() => new RectBatch());
  private readonly runs = new RunList();
  private readonly strip = new PixelStrip();
  private labels: number[] = [];
  /** Rows drawn as pixel strips during the last frame (for tests and the benchmark). */
  stripRows = 0;

  /** Starts a frame. */
  begin(): void {
    this.strip.begin();
    this.stripRows = 0;
  }
  /** Spans looked at during the last `paint` (for the benchmark). */
  visited = 0;

  /** Paints `list`'s spans within [clipX0Px, clipX1Px] at rows yPx..yPx+heightPx. */
  paint(
    ctx: CanvasRenderingContext2D,
    model: TraceModel,
    index: SpanIndex,
    list: Column<Int32Array>,
    scale: TimeScale,
    clipX0Px: number,
    clipX1Px: number,
    yPx: number,
    heightPx: number,
    theme: Theme,
    labels: boolean,
  ): void {
    const spans = list.data;
    const count = list.length;
    const starts = model.spanStartNs.data;
    const ends = model.spanEndNs.data;
    const res = model.spanRes.data;
    const resType = model.resType.data;
    const kindOfType = model.kindOfType;
    const liveEndNs = model.endNs;
    // The scale's mapping, inlined in the loop (TimeScale.timeToPx / pxToTime, same arithmetic):
    // the first zooms of a big trace run this before V8 has optimized it, and calls cost there.
    const originPx = scale.startPx;
    const originNs = scale.startNs;
    const pxPerNs = scale.pxPerNs;
    const lastNs = scale.pxToTime(clipX1Px);
    const batches = this.batches;
    const runs = this.runs;
    runs.count = 0;
    this.labels.length = 0;
    let pendKind = -1;
    let pendX0 = 0;
    let pendX1 = 0;
    let visited = 0;
    const groups = index.groupsOf(list);
    const groupStarts = groups ? groups.startNs.data : EMPTY;
    const groupEnds = groups ? groups.endNs.data : EMPTY;
    const groupKinds = groups ? groups.kind.data : EMPTY_KINDS;
    const validGroups = groups ? groups.endNs.length : 0;
    let k = index.firstEndingAfter(list, scale.pxToTime(clipX0Px));
    while (k < count) {
      // Zoomed out: a whole group narrower than a pixel is one unit, in its dominant kind.
      if ((k & (GROUP_SPANS - 1)) === 0 && k / GROUP_SPANS < validGroups) {
        const g = k / GROUP_SPANS;
        const groupStartNs = groupStarts[g];
        if (groupStartNs > lastNs) {
          break;
        }
        const gx0 = originPx + (groupStartNs - originNs) * pxPerNs;
        const gx1 = originPx + (groupEnds[g] - originNs) * pxPerNs;
        // 32 spans within two pixels: at least 16 a pixel, so the gaps between them are far
        // below a pixel and the group paints as solid as its spans would.
        if (gx1 - gx0 < GROUP_UNIT_PX) {
          visited++;
          const kind = groupKinds[g];
          const px0 = Math.floor(Math.max(gx0, clipX0Px - 1));
          const px1 = Math.max(px0 + 1, Math.ceil(Math.min(gx1, clipX1Px + 1)));
          if (kind === pendKind && px0 <= pendX1 + 0.5) {
            pendX1 = Math.max(pendX1, px1);
          } else {
            if (pendKind >= 0) {
              runs.add(pendX0, pendX1, pendKind);
            }
            pendKind = kind;
            pendX0 = px0;
            pendX1 = px1;
          }
          const nextNs = originNs + (px1 - originPx) / pxPerNs;
          let h = g + 1;
          while (h < validGroups && groupEnds[h] < nextNs) {
            h++;
          }
          k = h * GROUP_SPANS;
          continue;
        }
      }
      const span = spans[k];
      const startNs = starts[span];
      if (startNs > lastNs) {
        break;
      }
      visited++;
      const endNs = ends[span];
      const x0 = originPx + (startNs - originNs) * pxPerNs;
      const x1 = originPx + ((endNs === endNs ? endNs : liveEndNs) - originNs) * pxPerNs;
      const kind = kindOfType[resType[res[span]]];
      if (x1 - x0 >= 1) {
        const a = Math.max(x0, clipX0Px - 2);
        const b = Math.min(x1, clipX1Px + 2);
        if (b - a < MERGE_BELOW_PX) {
          if (kind === pendKind && a <= pendX1 + 0.5) {
            pendX1 = Math.max(pendX1, b);
          } else {
            if (pendKind >= 0) {
              runs.add(pendX0, pendX1, pendKind);
            }
            pendKind = kind;
            pendX0 = a;
            pendX1 = b;
          }
        } else {
          batches[kind].add(a, b - a);
          if (labels && b - a > LABEL_MIN_PX) {
            this.labels.push(span);
          }
        }
        k++;
        continue;
      }
      // Narrower than a pixel: it stands for its whole pixel; skip the rest of that pixel.
      const px = Math.floor(Math.max(x0, clipX0Px - 1));
      if (kind === pendKind && px <= pendX1 + 0.5) {
        pendX1 = Math.max(pendX1, px + 1);
      } else {
        if (pendKind >= 0) {
          runs.add(pendX0, pendX1, pendKind);
        }
        pendKind = kind;
        pendX0 = px;
        pendX1 = px + 1;
      }
      // The next span ending after this pixel: whole groups of spans that ended before it are
      // skipped by their group end (a small contiguous array); the answer is the start of the
      // next group, or is bisected inside the current one.
      const nextNs = originNs + (px + 1 - originPx) / pxPerNs;
      let lo = k + 1;
      let hi = count;
      let g = (lo / GROUP_SPANS) | 0;
      if (g < validGroups) {
        while (g < validGroups && groupEnds[g] < nextNs) {
          g++;
        }
        if (g < validGroups && g * GROUP_SPANS > k) {
          // A later group: start there (it may be a whole sub-pixel unit).
          k = g * GROUP_SPANS;
          continue;
        }
        lo = Math.max(lo, g * GROUP_SPANS);
        hi = g < validGroups ? (g + 1) * GROUP_SPANS : count;
      }
      if (g >= validGroups) {
        // Past the ended groups (a live row's tail): gallop.
        let step = 1;
        let probe = lo;
        while (probe < count && ends[spans[probe]] < nextNs) {
          lo = probe + 1;
          probe = lo + step;
          step *= 2;
        }
        hi = Math.min(count, probe);
      }
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ends[spans[mid]] < nextNs) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      k = lo;
    }
    if (pendKind >= 0) {
      runs.add(pendX0, pendX1, pendKind);
    }
    this.visited += visited;
    // Many narrow runs: one pixel strip; a few: rectangles like the wide boxes (crisper edges,
    // high-contrast outlines).
    const stripped =
      runs.count > STRIP_MIN_RUNS &&
      this.strip.draw(
        ctx,
        runs,
        theme.kinds.map((c) => this.strip.colour(c)),
        clipX0Px - 2,
        clipX1Px + 2,
        yPx,
        heightPx,
      );
    if (stripped) {
      this.stripRows++;
    } else {
      for (let i = 0; i < runs.count; i++) {
        batches[runs.kind[i]].add(runs.x0[i], runs.x1[i] - runs.x0[i]);
      }
    }
    runs.count = 0;
    for (let kind = 0; kind < batches.length; kind++) {
      const batch = batches[kind];
      if (!batch.count) {
        continue;
      }
      ctx.fillStyle = theme.kinds[kind];
      for (let i = 0; i < batch.count; i++) {
        ctx.fillRect(batch.xPx[i], yPx, batch.widthPx[i], heightPx);
      }
      if (theme.contrastBorder) {
        ctx.strokeStyle = theme.contrastBorder;
        ctx.lineWidth = 1;
        for (let i = 0; i < batch.count; i++) {
          if (batch.widthPx[i] >= 3) {
            ctx.strokeRect(batch.xPx[i] + 0.5, yPx + 0.5, batch.widthPx[i] - 1, heightPx - 1);
          }
        }
      }
      batch.count = 0;
    }
    for (const span of this.labels) {
      const r = res[span];
      const kind = model.kindIndexOf(r);
      const endNs = ends[span];
      const a = Math.max(scale.timeToPx(starts[span]), clipX0Px) + 4;
      const b = Math.min(scale.timeToPx(endNs === endNs ? endNs : liveEndNs), clipX1Px);
      ctx.fillStyle = theme.kindText[kind];
      fitText(ctx, model.typeOf(r), a, yPx + heightPx / 2, b - a - 3);
    }
  }
}
