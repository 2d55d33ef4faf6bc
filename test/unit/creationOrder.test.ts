import * as assert from 'node:assert/strict';
import { generateTrace } from '../fixtures/traces';
import { TraceDecoder } from '../../src/model/decoder';
import { FRAME_HEADER_BYTES } from '../../src/shared/traceFormat';
import { TraceModel } from '../../src/model/traceModel';
import { CreationOrder } from '../../src/model/creationOrder';

/** The reference: indices base + i by key, ties by index (Array.prototype.sort is stable). */
function referenceOrder(keys: Float64Array, base: number): number[] {
  return Array.from(keys.keys())
    .sort((a, b) => keys[a] - keys[b])
    .map((i) => i + base);
}

describe('operations order', () => {
  it('orders interleaved threads by creation time, ties by index, batch after batch', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const model = new TraceModel();
    const order = new CreationOrder(model);
    // Five threads with their own clocks, often on the same tick (ties across threads), fed
    // in batches of random size; a thread's records are in time order, as a tracer writes.
    const clock = [0, 0, 0, 0, 0];
    let id = 1;
    for (let batch = 0; batch < 40; batch++) {
      const size = Math.floor(random() * 300);
      for (let i = 0; i < size; i++) {
        const t = Math.floor(random() * clock.length);
        clock[t] += Math.floor(random() * 3) * 10;
        model.init(`1:${t}`, clock[t], id++, -1, 0, 'Timeout', undefined);
      }
      order.update();
      const created = Float64Array.from(
        { length: model.resourceCount },
        (_, res) => model.resInitNs.data[res],
      );
      assert.equal(order.length, model.resourceCount);
      const rows = Array.from({ length: order.length }, (_, row) => order.at(row));
      assert.deepEqual(rows, referenceOrder(created, 0), `after batch ${batch}`);
    }
  });

  it('keeps every operation in creation order as a live trace grows', () => {
    const { bytes } = generateTrace(30000, 8, 3);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const frameEnds: number[] = [];
    for (let at = 8; at < bytes.length; at += FRAME_HEADER_BYTES + view.getUint32(at, true)) {
      frameEnds.push(at + FRAME_HEADER_BYTES + view.getUint32(at, true));
    }
    assert.ok(frameEnds.length >= 6, `frames: ${frameEnds.length}`);
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    const track = new CreationOrder(model);
    // First a third, then frame by frame: appends in order and merges of interleaved threads.
    let cut = frameEnds[Math.floor(frameEnds.length / 3)];
    decoder.pushFile(bytes.subarray(0, cut));
    track.update();
    for (const end of frameEnds.filter((e) => e > cut)) {
      decoder.pushFrames(bytes.subarray(cut, end));
      cut = end;
      track.update();
    }
    const created = new Float64Array(model.resourceCount);
    for (let res = 0; res < model.resourceCount; res++) {
      const initNs = model.resInitNs.data[res];
      created[res] = Number.isNaN(initNs) ? model.firstRunNs(res) : initNs;
    }
    assert.equal(track.length, model.resourceCount);
    const rows = Array.from({ length: track.length }, (_, row) => track.at(row));
    assert.deepEqual(rows, referenceOrder(created, 0));
  });
  it('orders a large first batch as far as rows are read, then all of it when data comes', () => {
    const { bytes } = generateTrace(200000, 8, 5);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const frameEnds: number[] = [];
    for (let at = 8; at < bytes.length; at += FRAME_HEADER_BYTES + view.getUint32(at, true)) {
      frameEnds.push(at + FRAME_HEADER_BYTES + view.getUint32(at, true));
    }
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    const track = new CreationOrder(model);
    // Most of the trace first (a hydrate), the rest after (live appends).
    const cut = frameEnds[frameEnds.length - 4];
    decoder.pushFile(bytes.subarray(0, cut));
    track.update();
    const firstCount = model.resourceCount;
    assert.ok(firstCount > 1 << 16, `operations: ${firstCount}`);
    assert.equal(track.length, firstCount);
    assert.equal(track.merging, true, 'nothing read yet, nothing merged');
    const createdOf = (): Float64Array => {
      const created = new Float64Array(model.resourceCount);
      for (let res = 0; res < model.resourceCount; res++) {
        const initNs = model.resInitNs.data[res];
        created[res] = Number.isNaN(initNs) ? model.firstRunNs(res) : initNs;
      }
      return created;
    };
    const firstReference = referenceOrder(createdOf(), 0);
    // A selection reveals an early operation's row: merged only so far.
    assert.equal(track.rowOf(firstReference[5000]), 5000);
    assert.equal(track.merging, true, 'rowOf merged no further than it had to');
    // A screenful at the top, one far down: each the row a full merge gives.
    for (const row of [0, 1, 2, 30, 100_000]) {
      assert.equal(track.at(row), firstReference[row], `row ${row}`);
    }
    // compact() trims the threads' arrays into new ones: the merge goes on from those.
    model.compact();
    assert.equal(track.rowOf(firstReference[firstCount - 2]), firstCount - 2);
    assert.equal(track.at(firstCount - 1), firstReference[firstCount - 1]);
    assert.equal(track.merging, false, 'the last row read: all merged');
    assert.equal(track.rowOf(-5), -1);
    decoder.pushFrames(bytes.subarray(cut));
    track.update();
    assert.equal(track.length, model.resourceCount);
    const rows = Array.from({ length: track.length }, (_, row) => track.at(row));
    assert.deepEqual(rows, referenceOrder(createdOf(), 0));
  });

  it('merges what a large first batch left when more data comes before it is read', () => {
    const { bytes } = generateTrace(150000, 4, 7);
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    const track = new CreationOrder(model);
    const half = 8 + Math.floor((bytes.length - 8) / 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let cut = 8;
    while (cut < half) {
      cut += FRAME_HEADER_BYTES + view.getUint32(cut, true);
    }
    decoder.pushFile(bytes.subarray(0, cut));
    track.update();
    assert.equal(track.merging, true);
    track.at(10);
    decoder.pushFrames(bytes.subarray(cut));
    track.update();
    assert.equal(track.merging, false);
    const created = new Float64Array(model.resourceCount);
    for (let res = 0; res < model.resourceCount; res++) {
      const initNs = model.resInitNs.data[res];
      created[res] = Number.isNaN(initNs) ? model.firstRunNs(res) : initNs;
    }
    const rows = Array.from({ length: track.length }, (_, row) => track.at(row));
    assert.deepEqual(rows, referenceOrder(created, 0));
  });
});
