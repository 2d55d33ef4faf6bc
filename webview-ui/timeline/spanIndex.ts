/** Per-lane, per-depth lists of spans in time order, so a view finds its visible spans fast. */
import { Column, f64, u8 } from '../../src/model/columns';
import type { TraceModel } from '../../src/model/traceModel';

/** Spans per group of `SpanIndex.groupsOf` (a power of two). */
export const GROUP_SPANS = 32;

/** Consecutive spans of a row in groups: first start, last end and dominant kind of each. */
export interface SpanGroups {
  startNs: Column<Float64Array>;
  endNs: Column<Float64Array>;
  /** Index into OP_KINDS of the kind that ran longest in the group. */
  kind: Column<Uint8Array>;
}

/**
 * Per-lane, per-depth lists of spans in time order (the model keeps them as it decodes:
 * ThreadRow.spansAtDepth), and groups of consecutive spans for zoomed-out painting, built
 * incrementally as the model grows. Spans of one thread at one depth never overlap, so ordered
 * by start they are ordered by end too: a binary search on the end finds the first visible span.
 */
export class SpanIndex {
  private readonly groups = new Map<Column<Int32Array>, SpanGroups>();

  constructor(readonly model: TraceModel) {}

  /** The span lists of thread `lane`, by depth (empty for an unknown lane). */
  lanesOf(lane: number): readonly Column<Int32Array>[] {
    return this.model.threads[lane]?.spansAtDepth ?? [];
  }

  /** Groups the spans that ended since the last call. */
  update(): void {
    const { model } = this;
    const starts = model.spanStartNs.data;
    const ends = model.spanEndNs.data;
    const res = model.spanRes.data;
    const resType = model.resType.data;
    const kindOfType = model.kindOfType;
    // A loop, not a spread: a hostile trace may define up to 65,536 types.
    let maxKind = 1;
    for (const kind of kindOfType) {
      maxKind = Math.max(maxKind, kind);
    }
    const byKind = new Float64Array(maxKind + 1);
    for (const thread of model.threads) {
      for (const list of thread.spansAtDepth) {
        let groups = this.groups.get(list);
        if (!groups) {
          groups = { startNs: f64(), endNs: f64(), kind: u8() };
          this.groups.set(list, groups);
        }
        // A group is final once its last span has ended (spans of a row end in order).
        for (let g = groups.endNs.length; (g + 1) * GROUP_SPANS <= list.length; g++) {
          const first = g * GROUP_SPANS;
          const endNs = ends[list.data[first + GROUP_SPANS - 1]];
          if (endNs !== endNs) {
            break;
          }
          // Its colour: the kind that ran longest in it.
          byKind.fill(0);
          let best = 0;
          for (let k = first; k < first + GROUP_SPANS; k++) {
            const span = list.data[k];
            const kind = kindOfType[resType[res[span]]];
            byKind[kind] += ends[span] - starts[span];
            if (byKind[kind] > byKind[best]) {
              best = kind;
            }
          }
          groups.startNs.push(starts[list.data[first]]);
          groups.endNs.push(endNs);
          groups.kind.push(best);
        }
      }
    }
  }

  /**
   * Groups of GROUP_SPANS consecutive spans of `list` whose spans have all ended (undefined for
   * lists this index did not build): a zoomed-out painter draws a group narrower than a pixel
   * as one unit, reading these small contiguous arrays instead of every span.
   */
  groupsOf(list: Column<Int32Array>): SpanGroups | undefined {
    return this.groups.get(list);
  }

  /**
   * Position in `list` of the first span at or after `from` that ends at or after `timeNs`
   * (open spans never end). Gallops from `from` before bisecting: a painter stepping pixel by
   * pixel finds the answer a few spans ahead, so it reads memory near where it already is
   * instead of bisecting the whole rest of the list.
   */
  firstEndingAfter(list: Column<Int32Array>, timeNs: number, from = 0): number {
    const ends = this.model.spanEndNs.data;
    const spans = list.data;
    const n = list.length;
    const reached = (k: number): boolean => {
      const endNs = ends[spans[k]];
      return endNs >= timeNs || endNs !== endNs;
    };
    if (from >= n || reached(from)) {
      return from;
    }
    // reached(lo) is false; find hi with reached(hi) (or hi = n), doubling the step.
    let lo = from;
    let step = 1;
    let hi = from + 1;
    while (hi < n && !reached(hi)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    if (hi > n) {
      hi = n;
    }
    // Bisect (lo, hi]: the first reached position.
    lo++;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reached(mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The deepest span of thread `lane` running at `timeNs`, or -1. */
  spanAt(lane: number, timeNs: number): number {
    const rows = this.lanesOf(lane);
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
