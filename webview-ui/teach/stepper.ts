/**
 * Every callback of a trace in the order it started, across all threads: what "step forward one
 * callback" walks. Ties (two threads starting a callback at the same ns) keep thread order.
 */
import type { TraceModel } from '../../src/model/traceModel';

/** The spans of a model sorted by start time, rebuilt when the model grows. */
export class CallbackStepper {
  private model: TraceModel | undefined;
  private builtCount = -1;
  /** Span indices, by start time. */
  private order = new Int32Array(0);

  /** Number of callbacks. */
  get length(): number {
    return this.order.length;
  }

  /** Sorts `model`'s spans if they changed since the last call. */
  update(model: TraceModel): void {
    if (model === this.model && model.spanCount === this.builtCount) {
      return;
    }
    this.model = model;
    this.builtCount = model.spanCount;
    const starts = model.spanStartNs.data;
    const threads = model.spanThread.data;
    const order = new Int32Array(model.spanCount);
    for (let i = 0; i < order.length; i++) {
      order[i] = i;
    }
    order.sort((a, b) => starts[a] - starts[b] || threads[a] - threads[b] || a - b);
    this.order = order;
  }

  /** The span at rank `rank` (0 = the first callback to start). */
  spanAt(rank: number): number {
    return this.order[rank];
  }

  /** The rank of the last callback that started at or before `timeNs` (-1: none). */
  rankAtOrBefore(timeNs: number): number {
    const model = this.model;
    if (!model) {
      return -1;
    }
    const starts = model.spanStartNs.data;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[this.order[mid]] <= timeNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
