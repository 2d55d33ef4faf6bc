import * as assert from 'node:assert/strict';
import { generateTrace } from '../fixtures/traces';
import { TraceDecoder } from '../../src/model/decoder';
import { FRAME_HEADER_BYTES } from '../../src/shared/traceFormat';
import { addTopBusyShares, topBusyBefore } from '../../src/model/timeIndex';
import { TraceModel } from '../../src/model/traceModel';

/** Run time of thread t's top-level callbacks in [from, to), by a scan of every span. */
function scanBusy(model: TraceModel, t: number, from: number, to: number): number {
  let busy = 0;
  for (let s = 0; s < model.spanCount; s++) {
    if (model.spanDepth.data[s] !== 0 || model.spanThread.data[s] !== t) {
      continue;
    }
    const endNs = model.spanEndNs.data[s];
    const end = Number.isNaN(endNs) ? (model.threads[t].endNs ?? model.endNs) : endNs;
    busy += Math.max(0, Math.min(end, to) - Math.max(model.spanStartNs.data[s], from));
  }
  return busy;
}

describe('time index', () => {
  it("gives each bucket's busy share as a full scan does, zoomed in and out, callbacks open", () => {
    const { bytes } = generateTrace(20000, 4, 11);
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let cut = 8;
    while (cut + FRAME_HEADER_BYTES + view.getUint32(cut, true) < (bytes.length * 2) / 3) {
      cut += FRAME_HEADER_BYTES + view.getUint32(cut, true);
    }
    // Asked two thirds decoded (some callbacks still open), then whole.
    for (const whole of [false, true]) {
      if (whole) {
        decoder.pushFrames(bytes.subarray(cut));
      } else {
        decoder.pushFile(bytes.subarray(0, cut));
      }
      const span = model.endNs - model.startNs;
      // From a few callbacks a bucket to thousands; windows starting inside callbacks and
      // reaching past the trace's end.
      for (const [zoom, buckets] of [
        [1, 40],
        [1, 7],
        [1 / 8, 60],
        [1 / 200, 50],
        [1 / 5000, 30],
      ]) {
        const from = model.startNs + span * (0.37 - zoom / 3);
        const bucketNs = (span * zoom) / buckets;
        for (let t = 0; t < model.threads.length; t++) {
          const out = new Float64Array(buckets);
          addTopBusyShares(model, t, from, bucketNs, out);
          for (let b = 0; b < buckets; b++) {
            const expected = scanBusy(model, t, from + b * bucketNs, from + (b + 1) * bucketNs);
            assert.ok(
              Math.abs(out[b] * bucketNs - expected) <= 1e-6 * Math.max(1, bucketNs),
              `zoom ${zoom}, thread ${t}, bucket ${b}: ${out[b] * bucketNs} != ${expected}`,
            );
          }
        }
      }
    }
  });

  it("gives each thread's top-level run time in a window, as a full scan does", () => {
    const { bytes } = generateTrace(20000, 4, 7);
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    // Fed in two halves, as a live trace grows, so the index is extended, not rebuilt.
    const half = Math.floor(bytes.length / 2);
    let cut = 8;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (cut + FRAME_HEADER_BYTES + view.getUint32(cut, true) < half) {
      cut += FRAME_HEADER_BYTES + view.getUint32(cut, true);
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
        const expected = scanBusy(model, t, from, to);
        const found = topBusyBefore(model, t, to) - topBusyBefore(model, t, from);
        assert.ok(
          Math.abs(found - expected) <= 1e-6 * Math.max(1, expected),
          `window ${k}, thread ${t}: ${found} != ${expected}`,
        );
      }
    }
  });
});
