// The model's memory-saving paths: derived fields (first run, trigger ids), the id tables of
// ended threads, and compact() on a finished trace, including data that arrives after it.
import * as assert from 'node:assert/strict';
import { TraceModel } from '../../src/model/traceModel';

const S = '1:0';

/** Span indices of a resource, following its chain. */
function spansOf(m: TraceModel, res: number): number[] {
  const out: number[] = [];
  for (let s = m.resFirstSpan.data[res]; s >= 0; s = m.spanNextOfRes.data[s]) {
    out.push(s);
  }
  return out;
}

/** An interval (id 10) that fires `n` times, each firing starting a timeout. */
function interval(m: TraceModel, n: number, fromNs = 0, firstId = 100): void {
  for (let i = 0; i < n; i++) {
    const t = fromNs + i * 1000;
    m.before(S, t, 10);
    m.init(S, t + 10, firstId + i, 10, 10, 'Timeout', undefined);
    m.after(S, t + 100, 10);
  }
}

describe('model: derived fields and compact()', () => {
  it('derives the first run and the trigger id instead of storing them', () => {
    const m = new TraceModel();
    m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
    interval(m, 3, 1000);
    assert.equal(m.firstRunNs(0), 1000);
    assert.ok(Number.isNaN(m.firstRunNs(1)), 'a timeout that has not run');
    assert.equal(m.triggerIdOf(0), 1, 'an unresolved trigger (the top level) keeps its id');
    assert.equal(m.resTrigger.data[0], -1);
    assert.equal(m.triggerIdOf(1), 10, 'a resolved trigger gives its resource id');
    assert.equal(m.resTrigger.data[1], 0);
  });

  it('gives back spare capacity and keeps chaining spans that arrive after compact()', () => {
    const m = new TraceModel();
    m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
    interval(m, 1500, 1000);
    m.end(S, 2_000_000, { reason: 'exit', exitCode: 0 });
    assert.ok(m.spanStartNs.data.length > m.spanCount, 'columns grew by doubling');
    m.compact();
    assert.equal(m.spanStartNs.data.length, m.spanCount);
    assert.equal(m.resInitNs.data.length, m.resourceCount);
    assert.deepEqual(
      spansOf(m, 0),
      Array.from({ length: 1500 }, (_, i) => i),
    );
    // More data after all (a late append): an ended thread's ids are forgotten, so it is a new
    // operation, and its spans chain as before.
    m.before(S, 3_000_000, 10);
    m.after(S, 3_000_100, 10);
    m.before(S, 3_001_000, 10);
    m.after(S, 3_001_100, 10);
    assert.equal(spansOf(m, 0).length, 1500, 'the old chain is intact');
    const fresh = m.resourceCount - 1;
    assert.deepEqual(spansOf(m, fresh), [m.spanCount - 2, m.spanCount - 1]);
  });

  it("keeps each thread's operations and each depth's spans in order as it decodes", () => {
    const m = new TraceModel();
    const W = '1:1';
    m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
    m.init(W, 5, 7, 1, 1, 'MESSAGEPORT', undefined);
    interval(m, 50, 1000);
    // Nested: a promise reaction inside a worker callback, and one before tracing (no init).
    m.before(W, 100, 7);
    m.init(W, 110, 8, 7, 7, 'PROMISE', undefined);
    m.before(W, 120, 8);
    m.after(W, 130, 8);
    m.after(W, 140, 7);
    m.before(W, 200, 99);
    m.after(W, 210, 99);
    m.compact();
    for (const row of m.threads) {
      const ops = Array.from(row.ops.data.subarray(0, row.ops.length));
      const expectedOps = [...Array(m.resourceCount).keys()].filter(
        (res) => m.resThread.data[res] === row.index,
      );
      assert.deepEqual(ops, expectedOps, `ops of ${row.stream}`);
      assert.equal(row.spansAtDepth.length, row.maxDepth + 1, `depths of ${row.stream}`);
      row.spansAtDepth.forEach((lane, depth) => {
        const expected = [...Array(m.spanCount).keys()].filter(
          (s) => m.spanThread.data[s] === row.index && m.spanDepth.data[s] === depth,
        );
        assert.deepEqual(Array.from(lane.data.subarray(0, lane.length)), expected);
        assert.equal(lane.data.length, lane.length, 'compact() trims the lists too');
      });
    }
    assert.equal(m.threads[1].spansAtDepth[1].length, 1, 'the nested promise reaction');
  });

  it('keeps promise resolve times only once a trace has one, NaN for the rest', () => {
    const m = new TraceModel();
    m.reserve(100, 100);
    for (let id = 1; id <= 3; id++) {
      m.init(S, id * 10, id, -1, 0, 'PROMISE', undefined);
    }
    assert.ok(Number.isNaN(m.resolveNsOf(1)), 'no resolve yet');
    m.promiseResolve(S, 45, 2);
    for (let id = 4; id <= 5; id++) {
      m.init(S, id * 10, id, -1, 0, 'PROMISE', undefined);
    }
    m.promiseResolve(S, 65, 5);
    m.compact();
    const times = [0, 1, 2, 3, 4].map((res) => m.resolveNsOf(res));
    assert.deepEqual(times, [NaN, 45, NaN, NaN, 65]);
    assert.ok(Number.isNaN(m.resolveNsOf(99)), 'beyond the operations');
  });

  it('reserve() sizes the columns up front without changing what they hold', () => {
    const grown = new TraceModel();
    const reserved = new TraceModel();
    reserved.reserve(5000, 5000);
    assert.equal(reserved.spanStartNs.data.length, 5000);
    assert.equal(reserved.resAsyncId.data.length, 5000);
    for (const m of [grown, reserved]) {
      m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
      interval(m, 3000, 1000);
    }
    assert.equal(reserved.spanStartNs.data.length, 5000, 'no growth within the reservation');
    for (const key of ['spanStartNs', 'spanEndNs', 'spanRes', 'resAsyncId', 'resInitNs'] as const) {
      const a = grown[key];
      const b = reserved[key];
      assert.deepEqual([...b.data.subarray(0, b.length)], [...a.data.subarray(0, a.length)], key);
    }
    // Past the reservation the columns grow again; a smaller reservation changes nothing.
    interval(reserved, 3000, 10_000_000, 100_000);
    reserved.reserve(10, 10);
    assert.equal(reserved.spanCount, 6000);
    assert.equal(spansOf(reserved, 0).length, 6000);
    assert.equal(reserved.spanStartNs.data[5999], 10_000_000 + 2999 * 1000);
  });

  it('writes rows in place across reserve(), a late promise column, compact() and growth', () => {
    // A model told small capacities and per-stream sizes, and one told nothing: every column
    // must end the same, whatever capacity each had when a row was written.
    const plain = new TraceModel();
    const told = new TraceModel();
    told.reserve(3, 3, new Map([[S, 48_000]]));
    for (const m of [plain, told]) {
      m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
      if (m === told) {
        assert.equal(m.threads[0].ops.data.length, 3000, 'its list sized from its bytes / 16');
      }
      interval(m, 1000, 1000);
      m.init(S, 2_000_000, 5000, 10, 10, 'PROMISE', {
        file: 'a.js',
        line: 3,
        column: 1,
        inferred: false,
      });
      m.promiseResolve(S, 2_000_010, 5000);
      interval(m, 1000, 3_000_000, 20_000);
      m.compact();
      interval(m, 700, 5_000_000, 40_000);
    }
    const columns = [
      'resThread',
      'resAsyncId',
      'resType',
      'resLoc',
      'resInitNs',
      'resDestroyNs',
      'resTrigger',
      'resFirstSpan',
      'spanThread',
      'spanRes',
      'spanStartNs',
      'spanEndNs',
      'spanDepth',
      'spanNextOfRes',
    ] as const;
    for (const key of columns) {
      const a = plain[key];
      const b = told[key];
      assert.equal(b.length, a.length, key);
      assert.deepEqual([...b.data.subarray(0, b.length)], [...a.data.subarray(0, a.length)], key);
    }
    for (const m of [plain, told]) {
      for (const key of columns) {
        assert.ok(m[key].data.length >= m[key].length, `${key} holds every row written`);
      }
      // The last rows, written after compact() trimmed every column to its length.
      const lastSpan = m.spanCount - 1;
      assert.equal(m.spanStartNs.data[lastSpan], 5_000_000 + 699 * 1000);
      assert.equal(m.spanEndNs.data[lastSpan], 5_000_000 + 699 * 1000 + 100);
      assert.equal(m.resAsyncId.data[m.resourceCount - 1], 40_000 + 699);
      assert.equal(m.resInitNs.data[m.resourceCount - 1], 5_000_000 + 699 * 1000 + 10);
      assert.equal(m.resType.data[m.resourceCount - 1], m.resType.data[2], 'a Timeout');
    }
    assert.equal(told.resourceCount, 2 + 2700);
    assert.equal(told.resolveNsOf(1001), 2_000_010, 'the promise, resolved');
    assert.ok(Number.isNaN(told.resolveNsOf(2702)), 'an operation after the promise column came');
    assert.equal(told.locationOf(1001)?.file, 'a.js');
    assert.deepEqual(spansOf(told, 0).length, 2700, 'the interval chains across compact()');
  });

  it("forgets an ended thread's async ids (later events for it start new operations)", () => {
    const m = new TraceModel();
    m.init(S, 0, 10, 1, 1, 'Timeout', undefined);
    m.end(S, 10, { reason: 'exit' });
    m.before(S, 20, 10);
    assert.equal(m.resourceCount, 2, 'id 10 is no longer known after the end');
    assert.equal(m.typeOf(1), '(before tracing)');
  });

  it("names a flight recording's operations of unknown start 'before the window'", () => {
    const m = new TraceModel();
    m.discarded(S, 5_000, 2_000);
    m.before(S, 6_000, 42);
    m.after(S, 7_000, 42);
    assert.equal(m.typeOf(0), '(before the window)', 'created in a discarded segment');
  });
});

describe('model: id columns', () => {
  it('keeps async ids that do not fit in 32 bits exactly', () => {
    const m = new TraceModel();
    m.init(S, 0, 7, 1, 1, 'Timeout', undefined);
    m.init(S, 1, 2 ** 40 + 3, 7, 7, 'Timeout', undefined);
    m.init(S, 2, -5, 7, 7, 'PROMISE', undefined);
    assert.deepEqual([...m.resAsyncId.data.subarray(0, 3)], [7, 2 ** 40 + 3, -5]);
    m.before(S, 3, 2 ** 40 + 3);
    assert.equal(m.spanRes.data[0], 1, 'the big id is found again');
    assert.equal(m.triggerIdOf(2), 7);
  });
});
