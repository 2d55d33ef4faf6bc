import * as assert from 'node:assert/strict';
import { generateTrace } from '../../bench/viewerTrace';
import { TraceDecoder } from '../../src/model/decoder';
import { forTopSpansIn } from '../../src/model/timeIndex';
import { TraceModel } from '../../src/model/traceModel';

describe('time index', () => {
  it('finds exactly the top-level callbacks overlapping a window, as a full scan does', () => {
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
    forTopSpansIn(model, model.startNs, model.endNs, () => undefined);
    decoder.pushFrames(bytes.subarray(cut));
    const span = model.endNs - model.startNs;
    for (let k = 0; k < 50; k++) {
      const from = model.startNs + (((k * 7919) % 1000) / 1000) * span;
      const to = from + (((k * 104729) % 1000) / 10000) * span;
      const found: number[] = [];
      forTopSpansIn(model, from, to, (s) => found.push(s));
      const expected: number[] = [];
      for (let s = 0; s < model.spanCount; s++) {
        const end = Number.isNaN(model.spanEndNs.data[s]) ? Infinity : model.spanEndNs.data[s];
        if (model.spanDepth.data[s] === 0 && model.spanStartNs.data[s] < to && end > from) {
          expected.push(s);
        }
      }
      assert.deepEqual(
        found.sort((a, b) => a - b),
        expected,
        `window ${k}`,
      );
    }
  });
});
