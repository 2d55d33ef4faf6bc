import * as assert from 'node:assert/strict';
import { generateTrace } from '../../bench/viewerTrace';
import { TraceDecoder } from '../../src/model/decoder';
import { topBusyBefore } from '../../src/model/timeIndex';
import { TraceModel } from '../../src/model/traceModel';

describe('time index', () => {
  it("gives each thread's top-level run time in a window, as a full scan does", () => {
    const { bytes } = generateTrace(20000, 4, 7);
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    // Fed in two halves, as a live trace grows, so the index is extended, not rebuilt.
    const half = Math.floor(bytes.length / 2);
    let cut = 8;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (cut + 12 + view.getUint32(cut, true) < half) {
      cut += 12 + view.getUint32(cut, true);
    }
    decoder.pushFile(bytes.subarray(0, cut));
    // Asked once half-decoded (some callbacks still open), so the sums are extended, not rebuilt.
    for (let t = 0; t < model.threads.length; t++) {
      topBusyBefore(model, t, model.endNs);
    }
    decoder.pushFrames(bytes.subarray(cut));
    const span = model.endNs - model.startNs;
    for (let k = 0; k < 50; k++) {
      const from = model.startNs + (((k * 7919) % 1000) / 1000) * span;
      const to = from + (((k * 104729) % 1000) / 10000) * span;
      for (let t = 0; t < model.threads.length; t++) {
        let expected = 0;
        for (let s = 0; s < model.spanCount; s++) {
          if (model.spanDepth.data[s] !== 0 || model.spanThread.data[s] !== t) {
            continue;
          }
          const endNs = model.spanEndNs.data[s];
          const end = Number.isNaN(endNs) ? (model.threads[t].endNs ?? model.endNs) : endNs;
          expected += Math.max(0, Math.min(end, to) - Math.max(model.spanStartNs.data[s], from));
        }
        const found = topBusyBefore(model, t, to) - topBusyBefore(model, t, from);
        assert.ok(
          Math.abs(found - expected) <= 1e-6 * Math.max(1, expected),
          `window ${k}, thread ${t}: ${found} != ${expected}`,
        );
      }
    }
  });
});
