/**
 * The source lines a profile's samples were on (issue #17 item 4). V8's profile gives no line
 * per sample, only per profile node: `positionTicks`, how many of the node's own samples were
 * on each line of its function (1-based, with the sampling profiler's default leaf-line mode).
 * They are written after each batch's samples as a StackInfo record's `lineTicks`, flat
 * triplets (frame id, line, ticks), so that a reader shares each sample of that batch out over
 * its leaf frame's lines; older readers ignore the field.
 */
import { fileURLToPath } from 'node:url';
import { Rec, STACK_LINE_TICKS_PER_RECORD, type StackInfo } from '../shared/traceFormat';
import type { FrameWriter } from './writer';

/** What the tracer reads of a profile node's line ticks. */
export interface PositionTicks {
  line: number;
  ticks: number;
}

/** What a source map lookup answers (node:module's SourceMap.findEntry). */
interface MapEntry {
  generatedLine?: number;
  originalSource?: string;
  originalLine?: number;
}
type FindSourceMap = (
  file: string,
) => { findEntry(line: number, column: number): MapEntry } | undefined;
let findSourceMap: FindSourceMap | null | undefined;

/**
 * Line `line` (1-based) of generated file `url`, in the original source that frame's file
 * `frameFile` names, where the program has a source map for it: the first mapping on that
 * generated line, else its last. Undefined when the line maps into another source or nowhere;
 * the line itself where there is no map.
 */
export function mappedLine(url: string, frameFile: string, line: number): number | undefined {
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return line;
    }
  }
  if (file === frameFile || file.startsWith('node:')) {
    return line; // the frame was not mapped: neither are its lines
  }
  if (findSourceMap === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      findSourceMap = (require('node:module') as { findSourceMap: FindSourceMap }).findSourceMap;
    } catch {
      findSourceMap = null;
    }
  }
  try {
    const map = findSourceMap?.(file);
    if (!map) {
      return line;
    }
    for (const column of [0, 1 << 30]) {
      const e = map.findEntry(line - 1, column);
      if (e.generatedLine === line - 1 && e.originalLine !== undefined && e.originalSource) {
        const source = e.originalSource.startsWith('file://')
          ? fileURLToPath(e.originalSource)
          : e.originalSource;
        return source === frameFile ? e.originalLine + 1 : undefined;
      }
    }
  } catch {
    // Unmappable: left out.
  }
  return undefined;
}

/** Line ticks of one batch, by our frame id, summed over the profile's nodes of each frame. */
export class BatchLineTicks {
  private readonly byFrame = new Map<number, Map<number, number>>();

  /** Adds a node's ticks to frame `frameId` (`frameFile`: the frame's file as written). */
  add(frameId: number, url: string, frameFile: string, ticks: readonly PositionTicks[]): void {
    let lines = this.byFrame.get(frameId);
    for (const t of ticks) {
      const line = t.line > 0 ? mappedLine(url, frameFile, t.line) : undefined;
      if (line === undefined || !(t.ticks > 0)) {
        continue;
      }
      if (!lines) {
        lines = new Map();
        this.byFrame.set(frameId, lines);
      }
      lines.set(line, (lines.get(line) ?? 0) + t.ticks);
    }
  }

  /** Writes them as StackInfo records (`info`'s other fields repeated), nothing when empty. */
  write(writer: FrameWriter, timeNs: number, info: StackInfo): void {
    let flat: number[] = [];
    const flush = (): void => {
      if (flat.length > 0) {
        writer.json(Rec.StackInfo, timeNs, { ...info, lineTicks: flat });
      }
      flat = [];
    };
    for (const [frameId, lines] of this.byFrame) {
      for (const [line, ticks] of lines) {
        flat.push(frameId, line, ticks);
        if (flat.length >= STACK_LINE_TICKS_PER_RECORD * 3) {
          flush();
        }
      }
    }
    flush();
  }
}
