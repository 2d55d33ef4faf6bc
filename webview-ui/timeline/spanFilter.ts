/** Search and filter: which spans match (kind, thread, text in type or file, minimum duration). */
import { Column, i32 } from '../../src/model/columns';
import type { TraceModel } from '../../src/model/traceModel';

/** What the user filters by; empty text, -1 and 0 mean "any". */
export interface FilterSpec {
  /** Case-insensitive text found in the type name or in the creation site "file:line". */
  text: string;
  /** Index into OP_KINDS, or -1. */
  kind: number;
  /** Lane (index into model.threads), or -1. */
  thread: number;
  /** Shortest callback duration to match. */
  minDurationNs: number;
}

/** The empty filter. */
export const NO_FILTER: FilterSpec = { text: '', kind: -1, thread: -1, minDurationNs: 0 };

/**
 * The matching spans of a model, kept as a mask and as per-lane, per-depth lists in the same
 * order as SpanIndex's (so the painter draws matches with the same binary searches). Spans
 * are evaluated once, as they arrive.
 */
export class SpanFilter {
  /** matchRows[lane][depth] = matching span indices in time order. */
  matchRows: Column<Int32Array>[][] = [];
  /** 1 for a matching span. */
  mask = new Uint8Array(0);
  /** Number of matching spans. */
  count = 0;
  private evaluated = 0;
  private typeOk: boolean[] = [];
  private locOk: boolean[] = [];

  constructor(
    private readonly model: TraceModel,
    readonly spec: FilterSpec = NO_FILTER,
  ) {}

  /** True when the filter restricts anything. */
  get active(): boolean {
    const s = this.spec;
    return s.text !== '' || s.kind >= 0 || s.thread >= 0 || s.minDurationNs > 0;
  }

  /** Whether an operation matches everything but the duration (for the Operations view). */
  resMatches(res: number): boolean {
    const m = this.model;
    const { kind, thread } = this.spec;
    if (
      (kind >= 0 && m.kindIndexOf(res) !== kind) ||
      (thread >= 0 && m.resThread.data[res] !== thread)
    ) {
      return false;
    }
    if (!this.spec.text) {
      return true;
    }
    this.extendText();
    const loc = m.resLoc.data[res];
    return this.typeOk[m.resType.data[res]] || (loc >= 0 && this.locOk[loc]);
  }

  /** Evaluates the spans added since the last call. */
  update(): void {
    const m = this.model;
    const count = m.spanCount;
    if (!this.active || count === this.evaluated) {
      return;
    }
    if (this.mask.length < count) {
      const grown = new Uint8Array(Math.max(count, this.mask.length * 2, 1024));
      grown.set(this.mask);
      this.mask = grown;
    }
    const { minDurationNs } = this.spec;
    const starts = m.spanStartNs.data;
    const ends = m.spanEndNs.data;
    const res = m.spanRes.data;
    const threads = m.spanThread.data;
    const depths = m.spanDepth.data;
    for (let span = this.evaluated; span < count; span++) {
      const endNs = ends[span];
      const durNs = (endNs === endNs ? endNs : m.endNs) - starts[span];
      if (durNs >= minDurationNs && this.resMatches(res[span])) {
        this.mask[span] = 1;
        this.count++;
        const lanes = (this.matchRows[threads[span]] ??= []);
        (lanes[depths[span]] ??= i32()).push(span);
      }
    }
    this.evaluated = count;
  }

  /** Whether a span matches (call `update` first). */
  matches(span: number): boolean {
    return this.mask[span] === 1;
  }

  /**
   * The next matching span after `fromSpan` in time order (`dir` 1) or the one before it
   * (`dir` -1); from nothing (-1) the first or last. Wraps around; -1 if none.
   */
  step(fromSpan: number, dir: 1 | -1): number {
    const m = this.model;
    const starts = m.spanStartNs.data;
    const n = this.evaluated;
    const fromNs = fromSpan >= 0 ? starts[fromSpan] : dir > 0 ? -Infinity : Infinity;
    let best = -1;
    let bestNs = dir > 0 ? Infinity : -Infinity;
    let wrap = -1;
    let wrapNs = dir > 0 ? Infinity : -Infinity;
    for (let span = 0; span < n; span++) {
      if (this.mask[span] !== 1 || span === fromSpan) {
        continue;
      }
      const t = starts[span];
      const after = t > fromNs || (t === fromNs && span > fromSpan);
      if (dir > 0) {
        if (after && (t < bestNs || (t === bestNs && span < best))) {
          best = span;
          bestNs = t;
        }
        if (t < wrapNs) {
          wrap = span;
          wrapNs = t;
        }
      } else {
        if (!after && (t > bestNs || (t === bestNs && span > best))) {
          best = span;
          bestNs = t;
        }
        if (t > wrapNs) {
          wrap = span;
          wrapNs = t;
        }
      }
    }
    return best >= 0 ? best : wrap;
  }

  /** Position (1-based) of `span` among the matches in time order, 0 if it is not one. */
  rankOf(span: number): number {
    if (span < 0 || this.mask[span] !== 1) {
      return 0;
    }
    const starts = this.model.spanStartNs.data;
    const t = starts[span];
    let rank = 1;
    for (let s = 0; s < this.evaluated; s++) {
      if (this.mask[s] === 1 && (starts[s] < t || (starts[s] === t && s < span))) {
        rank++;
      }
    }
    return rank;
  }

  /** Evaluates the text against types and locations interned since the last call. */
  private extendText(): void {
    const m = this.model;
    const needle = this.spec.text.toLowerCase();
    for (let i = this.typeOk.length; i < m.types.length; i++) {
      this.typeOk.push(m.types[i].toLowerCase().includes(needle));
    }
    for (let i = this.locOk.length; i < m.locations.length; i++) {
      const loc = m.locations[i];
      this.locOk.push(`${loc.file}:${loc.line}`.toLowerCase().includes(needle));
    }
  }
}
