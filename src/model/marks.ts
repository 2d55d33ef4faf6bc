/**
 * The program's own marks and measures (`performance.mark` / `measure`, `console.time` /
 * `timeEnd`), as the tracer recorded them (Rec.Mark): columns of their lane, times and names,
 * and the per-range figures of the measures (rangeStats).
 */
import { MarkKind } from '../shared/traceFormat';
import { f64, u16, u32, u8 } from './columns';

/** A mark's kind as the model keeps it (MarkKind of the trace format). */
export type MarkKindValue = (typeof MarkKind)[keyof typeof MarkKind];

/** Every mark and measure of a trace, in the order recorded (per thread: the order made). */
export class MarkStore {
  /** Interned names. */
  readonly names: string[] = [];
  /** Index of the JS thread (TraceModel.threads) that made each one. */
  readonly thread = u16(16);
  readonly startNs = f64(16);
  /** 0 for a mark. */
  readonly durationNs = f64(16);
  /** MarkKind. */
  readonly kind = u8(16);
  /** Index into `names`. */
  readonly name = u32(16);
  private readonly nameIndex = new Map<string, number>();

  /** Number of marks and measures. */
  get count(): number {
    return this.startNs.length;
  }

  /** Adds one; returns its index. */
  add(lane: number, startNs: number, durationNs: number, name: string, kind: number): number {
    let n = this.nameIndex.get(name);
    if (n === undefined) {
      n = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, n);
    }
    this.thread.push(lane);
    this.durationNs.push(durationNs);
    this.kind.push(kind);
    this.name.push(n);
    return this.startNs.push(startNs);
  }

  /** The name of mark `i`. */
  nameOf(i: number): string {
    return this.names[this.name.data[i]];
  }

  /** True for a span (a measure or a console.time), false for a point (a mark). */
  isSpan(i: number): boolean {
    return this.kind.data[i] !== MarkKind.Mark;
  }
}

/** The measures of one name in a range. */
export interface MeasureRangeStats {
  name: string;
  /** Measures (and console.time spans) of this name that ran at some point of the range. */
  count: number;
  /** Their time inside the range, summed. */
  insideNs: number;
  /** The longest of them, whole. */
  longestNs: number;
}

/** The measures that overlap [a, b), by name, longest total first; and the marks in it. */
export function measuresInRange(
  marks: MarkStore,
  a: number,
  b: number,
): { measures: MeasureRangeStats[]; marks: number } {
  const byName = new Map<number, MeasureRangeStats>();
  let points = 0;
  const starts = marks.startNs.data;
  const durations = marks.durationNs.data;
  for (let i = 0; i < marks.count; i++) {
    const s = starts[i];
    const e = s + durations[i];
    if (!marks.isSpan(i)) {
      if (s >= a && s < b) {
        points++;
      }
      continue;
    }
    if (s >= b || e < a || (e === a && e !== s)) {
      continue;
    }
    const n = marks.name.data[i];
    let stats = byName.get(n);
    if (!stats) {
      stats = { name: marks.names[n], count: 0, insideNs: 0, longestNs: 0 };
      byName.set(n, stats);
    }
    stats.count++;
    stats.insideNs += Math.max(0, Math.min(e, b) - Math.max(s, a));
    stats.longestNs = Math.max(stats.longestNs, durations[i]);
  }
  const measures = [...byName.values()].sort(
    (x, y) => y.insideNs - x.insideNs || x.name.localeCompare(y.name),
  );
  return { measures, marks: points };
}
