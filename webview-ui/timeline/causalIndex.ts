/** The causality index: the operations each operation created (its trigger inverted). */
import type { TraceModel } from '../../src/model/traceModel';

/** Children of every operation (resTrigger inverted), rebuilt when operations were added. */
export class CausalIndex {
  private builtFor = -1;
  private offsets = new Int32Array(1);
  private children = new Int32Array(0);

  constructor(private readonly model: TraceModel) {}

  /** Operations whose trigger is `res`, in creation order. */
  childrenOf(res: number): Int32Array {
    this.build();
    return this.children.subarray(this.offsets[res], this.offsets[res + 1]);
  }

  private build(): void {
    const m = this.model;
    const n = m.resourceCount;
    if (this.builtFor === n) {
      return;
    }
    const trig = m.resTrigger.data;
    const offsets = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) {
      if (trig[r] >= 0) {
        offsets[trig[r] + 1]++;
      }
    }
    for (let r = 0; r < n; r++) {
      offsets[r + 1] += offsets[r];
    }
    const fill = offsets.slice(0, n);
    const children = new Int32Array(offsets[n]);
    for (let r = 0; r < n; r++) {
      if (trig[r] >= 0) {
        children[fill[trig[r]]++] = r;
      }
    }
    this.offsets = offsets;
    this.children = children;
    this.builtFor = n;
  }
}
