/** Per-lane, per-depth lists of spans in time order, so a view finds its visible spans fast. */
import { Column, i32 } from '../../src/model/columns';
import type { TraceModel } from '../../src/model/traceModel';

/**
 * Spans of one thread at one depth never overlap (a callback at depth d starts only once the
 * previous one at depth d has returned), so ordered by start they are ordered by end too: a
 * binary search on the end finds the first visible span. Built incrementally as the model grows.
 */
export class SpanIndex {
  /** byThread[threadIndex][depth] = span indices in time order. */
  readonly byThread: Column<Int32Array>[][] = [];
  private indexed = 0;

  constructor(readonly model: TraceModel) {}

  /** Indexes the spans added to the model since the last call. */
  update(): void {
    const { model } = this;
    const count = model.spanCount;
    const threads = model.spanThread.data;
    const depths = model.spanDepth.data;
    for (let span = this.indexed; span < count; span++) {
      const lanes = (this.byThread[threads[span]] ??= []);
      (lanes[depths[span]] ??= i32()).push(span);
    }
    this.indexed = count;
  }

  /** Position in `list` of the first span that ends at or after `timeNs` (open spans never end). */
  firstEndingAfter(list: Column<Int32Array>, timeNs: number, from = 0): number {
    const ends = this.model.spanEndNs.data;
    const spans = list.data;
    let lo = from;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const endNs = ends[spans[mid]];
      if (endNs >= timeNs || Number.isNaN(endNs)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The deepest span of thread `lane` running at `timeNs`, or -1. */
  spanAt(lane: number, timeNs: number): number {
    const rows = this.byThread[lane] ?? [];
    const starts = this.model.spanStartNs.data;
    for (let depth = rows.length - 1; depth >= 0; depth--) {
      const list = rows[depth];
      if (!list) {
        continue;
      }
      const k = this.firstEndingAfter(list, timeNs);
      if (k < list.length && starts[list.data[k]] <= timeNs) {
        return list.data[k];
      }
    }
    return -1;
  }
}
