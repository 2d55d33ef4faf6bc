/**
 * The Stacks track (issue #17): a flame chart of each JS thread's sampled stacks on the shared
 * time axis, callers on top, one block of rows per thread in the order of the Threads lanes.
 * Consecutive samples with the same frame at a depth are one box; boxes narrower than a pixel
 * are merged into the box before them. Hover: the function, file:line, and its self and total
 * time in the visible range; click: jump to the function's line.
 */
import {
  hotFunctions,
  samplingCostNote,
  type HotFunction,
  type ThreadStacks,
} from '../../src/model/stacks';
import type { ThreadRow, TraceModel } from '../../src/model/traceModel';
import { formatDuration, threadLabel } from '../format';
import { fitText } from './canvasSurface';
import type { RenderContext, TimelineTrack, TrackHit, TrackQuery } from './track';

/** Height of one depth row, CSS px. */
const ROW_PX = 14;
/** The thread's label row above its flame chart, CSS px. */
const LABEL_PX = 16;
/** Depths shown per thread at most: deeper frames are left out (the hover still names them). */
const MAX_ROWS = 40;
/** Boxes at least this wide (CSS px) get their function's name. */
const TEXT_MIN_PX = 28;

/** What a thread's frames look like: fills, and name widths in `font`. */
interface FrameLooks {
  font: string;
  fills: string[];
  textPx: number[];
}

/** One thread's block of rows. */
interface Block {
  thread: ThreadRow;
  stacks: ThreadStacks;
  topPx: number;
  rows: number;
}

/** The flame chart of every sampled thread. */
export class FlameTrack implements TimelineTrack {
  readonly id = 'stacks';
  readonly title = 'Stacks';
  /** Hot functions of the last hovered thread and range, kept while the pointer moves. */
  private hotCache: { key: string; hot: HotFunction[] } | undefined;
  /** Per thread's stacks: each frame's fill and its name's width (NaN: not measured yet),
   * so that a draw neither builds colour strings nor measures a name twice. */
  private readonly frameLooks = new WeakMap<ThreadStacks, FrameLooks>();

  visible(model: TraceModel): boolean {
    return this.blocks(model).length > 0;
  }

  heightPx(model: TraceModel): number {
    const blocks = this.blocks(model);
    const last = blocks[blocks.length - 1];
    return last ? last.topPx + LABEL_PX + last.rows * ROW_PX : 0;
  }

  countText(model: TraceModel): string {
    return `(${model.stacks.sampleCount} samples)`;
  }

  /** The threads with stacks (sampled, or a note why not), laid out top to bottom. */
  private blocks(model: TraceModel): Block[] {
    const blocks: Block[] = [];
    let topPx = 0;
    for (const thread of model.threads) {
      const stacks = model.stacks.of(thread.stream);
      if (!stacks) {
        continue;
      }
      const rows = Math.max(1, Math.min(MAX_ROWS, stacks.maxDepth));
      blocks.push({ thread, stacks, topPx, rows });
      topPx += LABEL_PX + rows * ROW_PX;
    }
    return blocks;
  }

  draw(rc: RenderContext): void {
    const { ctx, model, theme } = rc;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    for (const block of this.blocks(model)) {
      const y0 = block.topPx - rc.topPx;
      if (y0 > rc.heightPx || y0 + LABEL_PX + block.rows * ROW_PX < 0) {
        continue;
      }
      const info = block.stacks.info;
      ctx.fillStyle = theme.muted;
      const note =
        info && !info.on
          ? `not sampled: ${info.reason ?? 'no reason given'}`
          : `sampled every ${formatDuration((info?.intervalUs ?? 0) * 1000)}`;
      fitText(ctx, `${threadLabel(block.thread)}, ${note}`, 6, y0 + LABEL_PX / 2, rc.widthPx - 12);
      this.drawFlames(rc, block, y0 + LABEL_PX);
    }
  }

  /** Paints one thread's boxes, merging runs of samples with the same frame at each depth. */
  private drawFlames(rc: RenderContext, block: Block, topPx: number): void {
    const { ctx, scale, theme } = rc;
    const stacks = block.stacks;
    const starts = stacks.sampleStartNs.data;
    const durations = stacks.sampleDurationNs.data;
    const leaves = stacks.sampleFrame.data;
    const n = stacks.sampleCount;
    const rows = block.rows;
    // The box open at each depth: its frame, left and right edges (px).
    const runFrame = new Int32Array(rows + 1);
    const runStart = new Float64Array(rows + 1);
    const runEnd = new Float64Array(rows + 1);
    const path = new Int32Array(stacks.maxDepth + 1);
    const looks = this.looksOf(stacks, theme.font);
    let lastFill = '';
    const paint = (depth: number): void => {
      const frame = runFrame[depth];
      if (frame === 0) {
        return;
      }
      const x0 = Math.max(scale.startPx, runStart[depth]);
      const x1 = Math.min(rc.widthPx, runEnd[depth]);
      const w = Math.max(1, x1 - x0);
      const y = topPx + (depth - 1) * ROW_PX;
      let fill = looks.fills[frame];
      if (fill === undefined) {
        fill = looks.fills[frame] = colourOf(stacks.nameOf(frame), stacks.fileOf(frame));
      }
      if (fill !== lastFill) {
        // A fillStyle string is parsed on every assignment: only when it changes.
        ctx.fillStyle = lastFill = fill;
      }
      ctx.fillRect(x0, y, w, ROW_PX - 1);
      if (theme.contrastBorder) {
        ctx.strokeStyle = theme.contrastBorder;
        ctx.strokeRect(x0 + 0.5, y + 0.5, w - 1, ROW_PX - 2);
      }
      if (w >= TEXT_MIN_PX) {
        ctx.fillStyle = lastFill = '#000';
        const name = stacks.nameOf(frame);
        let textPx = looks.textPx[frame];
        if (textPx === undefined) {
          textPx = looks.textPx[frame] = ctx.measureText(name).width;
        }
        if (textPx <= w - 6) {
          ctx.fillText(name, x0 + 3, y + ROW_PX / 2);
        } else {
          // Cut by the name's mean glyph width: no measuring per box (a draw has thousands).
          const chars = Math.floor(((w - 6) / textPx) * name.length) - 1;
          if (chars >= 2) {
            ctx.fillText(`${name.slice(0, chars)}…`, x0 + 3, y + ROW_PX / 2);
          }
        }
      }
      runFrame[depth] = 0;
    };
    // Zoomed out, many samples share a pixel column: one stands for the column (the boxes
    // around it stretch over the rest), so a draw walks at most a stack per column.
    let columnPx = -Infinity;
    for (let i = stacks.firstSampleEndingAfter(scale.startNs); i < n; i++) {
      const s = starts[i];
      if (s > scale.endNs) {
        break;
      }
      const x0 = scale.timeToPx(s);
      const x1 = scale.timeToPx(s + durations[i]);
      if (x1 < columnPx + 1) {
        continue;
      }
      columnPx = Math.floor(x0);
      // The sample's stack, root first.
      let depth = 0;
      for (let f = leaves[i]; f !== 0; f = stacks.frameParent[f]) {
        path[depth++] = f;
      }
      for (let d = 1; d <= rows; d++) {
        const frame = d <= depth ? path[depth - d] : 0;
        if (frame !== 0 && frame === runFrame[d] && x0 - runEnd[d] < 1) {
          runEnd[d] = x1;
          continue;
        }
        if (runFrame[d] !== 0 && frame !== 0 && x1 - runStart[d] < 1) {
          // Still within the open box's pixel: it takes this sample too.
          runEnd[d] = x1;
          continue;
        }
        paint(d);
        if (frame !== 0) {
          runFrame[d] = frame;
          runStart[d] = x0;
          runEnd[d] = x1;
        }
      }
    }
    for (let d = 1; d <= rows; d++) {
      paint(d);
    }
  }

  /** The cached fills and name widths of `stacks`' frames (widths reset with the font). */
  private looksOf(stacks: ThreadStacks, font: string): FrameLooks {
    let looks = this.frameLooks.get(stacks);
    if (!looks || looks.font !== font) {
      looks = { font, fills: looks?.fills ?? [], textPx: [] };
      this.frameLooks.set(stacks, looks);
    }
    return looks;
  }

  hitTest(query: TrackQuery, xPx: number, yPx: number): TrackHit | undefined {
    const { model, scale } = query;
    const block = this.blocks(model).find(
      (b) => yPx >= b.topPx && yPx < b.topPx + LABEL_PX + b.rows * ROW_PX,
    );
    if (!block || yPx < block.topPx + LABEL_PX) {
      const cost = block && samplingCostNote(block.stacks.info);
      return block ? { lines: [threadLabel(block.thread), ...(cost ? [cost] : [])] } : undefined;
    }
    const depth = Math.floor((yPx - block.topPx - LABEL_PX) / ROW_PX) + 1;
    const stacks = block.stacks;
    const timeNs = scale.pxToTime(xPx);
    // Within half a pixel, so that a sample narrower than a pixel can still be hovered.
    const slopNs = scale.nsPerPx / 2;
    const i = stacks.firstSampleEndingAfter(timeNs - slopNs);
    if (i >= stacks.sampleCount || stacks.sampleStartNs.data[i] > timeNs + slopNs) {
      return undefined;
    }
    let frame = stacks.sampleFrame.data[i];
    const frameDepth = stacks.frameDepth[frame];
    if (depth > frameDepth) {
      return undefined;
    }
    for (let d = frameDepth; d > depth; d--) {
      frame = stacks.frameParent[frame];
    }
    const name = stacks.nameOf(frame);
    const file = stacks.fileOf(frame);
    const line = stacks.frameLine[frame];
    const hot = this.hotInView(block, scale.startNs, scale.endNs).find(
      (h) => h.function === name && h.file === file && h.line === line,
    );
    const lines = [
      name,
      file ? `${file}:${line}` : '(no file)',
      hot
        ? `in view: self ${formatDuration(hot.selfMs * 1e6)}, total ${formatDuration(hot.totalMs * 1e6)}`
        : 'in view: no time',
    ];
    const jumpable = file !== '' && line > 0 && !file.startsWith('node:');
    return {
      lines,
      ...(jumpable ? { position: { file, line, column: stacks.frameColumn[frame] || 1 } } : {}),
    };
  }

  /** Every function's self and total time in [fromNs, toNs) on one thread, cached. */
  private hotInView(block: Block, fromNs: number, toNs: number): HotFunction[] {
    const key = `${block.thread.stream}:${fromNs}:${toNs}:${block.stacks.sampleCount}`;
    if (this.hotCache?.key !== key) {
      this.hotCache = { key, hot: hotFunctions(block.stacks, fromNs, toNs, Infinity) };
    }
    return this.hotCache.hot;
  }
}

/** Colour cache: a function keeps its colour across draws. */
const colours = new Map<string, string>();

/** A stable, light fill per function: user code warm, node: internals grey, libraries cool. */
function colourOf(name: string, file: string): string {
  const key = `${name}\0${file}`;
  let colour = colours.get(key);
  if (colour === undefined) {
    let h = 0;
    for (let i = 0; i < key.length; i++) {
      h = (h * 31 + key.charCodeAt(i)) | 0;
    }
    const jitter = ((h >>> 0) % 30) - 15;
    colour =
      file === '' || file.startsWith('node:')
        ? `hsl(220, 8%, ${62 + (jitter % 8)}%)`
        : /[\\/]node_modules[\\/]/.test(file)
          ? `hsl(${200 + jitter}, 45%, 68%)`
          : `hsl(${30 + jitter}, 75%, 66%)`;
    colours.set(key, colour);
  }
  return colour;
}
