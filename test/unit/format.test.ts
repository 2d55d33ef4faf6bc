import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { traceFileHeader } from '../../src/launch/tail';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { IdIndex } from '../../src/model/idIndex';
import { TraceModel } from '../../src/model/traceModel';
import { FRAME_HEADER_BYTES, Rec, sealFrame } from '../../src/shared/traceFormat';
import { FrameWriter } from '../../src/tracer/writer';

/** Writes records with the tracer's own writer into a temp file; returns header + frames. */
function writeTrace(write: (w: FrameWriter) => void, pid = 42, threadId = 0): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-unit-'));
  const file = path.join(dir, 's.cvt');
  const fd = fs.openSync(file, 'w');
  const w = new FrameWriter(fd, pid, threadId);
  write(w);
  w.flush();
  fs.closeSync(fd);
  const frames = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  const out = new Uint8Array(8 + frames.length);
  out.set(traceFileHeader(), 0);
  out.set(frames, 8);
  return out;
}

const info = (pid: number, threadId: number) => ({
  pid,
  threadId,
  osTid: 7,
  kind: threadId ? ('worker' as const) : ('main' as const),
  name: threadId ? 'w' : 'main',
  parentPid: 1,
  parentThreadId: -1,
  nodeVersion: 'v20',
  platform: 'linux',
  arch: 'x64',
  cores: 2,
  argv: [],
  startNs: 0,
});

describe('trace format', () => {
  it('round-trips every record kind through the writer and the decoder', () => {
    const big = 2 ** 40 + 123; // times far past 32 bits stay exact
    const bytes = writeTrace((w) => {
      w.json(Rec.Thread, 1000, info(42, 0));
      const type = w.stringId('Timeout');
      const loc = w.locationId('/src/ünïcode app.js', 12, 5, false);
      const inferred = w.locationId('/src/ünïcode app.js', 12, 5, true);
      w.init(2000, 10, 1, 1, type, loc);
      w.init(2500, 11, 10, 10, w.stringId('PROMISE'), inferred);
      w.event(Rec.Before, 3000, 10);
      w.event(Rec.Before, 3100, 11);
      w.event(Rec.After, 3200, 11);
      w.event(Rec.After, 4000, 10);
      w.event(Rec.PromiseResolve, 4100, 11);
      w.event(Rec.Destroy, big, 10);
      w.event(Rec.Dropped, big + 1, 3);
      w.json(Rec.End, big + 2, { reason: 'exit', exitCode: 0 });
    });
    const m = new TraceModel();
    new TraceDecoder(m).pushFile(bytes);
    assert.equal(m.threads.length, 1);
    assert.equal(m.threads[0].info.osTid, 7);
    assert.equal(m.resourceCount, 2);
    assert.equal(m.typeOf(0), 'Timeout');
    assert.deepEqual(m.locationOf(0), {
      file: '/src/ünïcode app.js',
      line: 12,
      column: 5,
      inferred: false,
    });
    assert.equal(m.locationOf(1)?.inferred, true);
    assert.equal(m.resTrigger.data[1], 0, 'the promise was triggered by the timeout');
    assert.equal(m.spanCount, 2);
    assert.equal(m.spanDepth.data[0], 0);
    assert.equal(m.spanDepth.data[1], 1, 'a callback inside another is nested one level down');
    assert.equal(m.spanEndNs.data[0], 4000);
    assert.equal(m.resolveNsOf(1), 4100);
    assert.equal(m.resDestroyNs.data[0], big);
    assert.equal(m.threads[0].dropped, 3);
    assert.deepEqual(m.threads[0].end, { reason: 'exit', exitCode: 0 });
    assert.equal(m.endNs, big + 2);
  });

  it('writes every field exactly at each varint length, on the fast path and past it', () => {
    // Values around each varint byte boundary, up to and past the hooks' 4-byte fast path (2^28).
    const edges = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000];
    const values = [...edges, 2 ** 31 - 1, 2 ** 31, 2 ** 33 + 5];
    const expected: string[] = [];
    // Canonical varints only: the shortest encoding of each field.
    const len = (v: number): number => (v < 0x80 ? 1 : 1 + len(Math.floor(v / 128)));
    const zlen = (d: number): number => len(d >= 0 ? d * 2 : -d * 2 - 1);
    let payload = 1 + len(1) + len(9) + 9; // the String record of 'Immediate'
    let t = 0;
    const bytes = writeTrace((w) => {
      const type = w.stringId('Immediate');
      for (const v of values) {
        const asyncId = v + 3; // ids are positive
        for (const [trigger, exec] of [
          [asyncId, asyncId],
          [asyncId - v, asyncId + v], // deltas of v either way
          [v, 1],
        ]) {
          t += v; // every dt once, up to far past 2^32 in total
          w.init(t, asyncId, trigger, exec, type, 0);
          expected.push(`init ${t} ${asyncId} ${trigger} ${exec}`);
          payload += 1 + len(v) + len(asyncId) + zlen(asyncId - trigger) + zlen(asyncId - exec) + 2;
        }
        t += v;
        w.event(Rec.Before, t, asyncId);
        expected.push(`before ${t} ${asyncId}`);
        w.destroy(asyncId);
        expected.push(`destroy ${t} ${asyncId}`);
        payload += 1 + len(v) + len(asyncId) + 2 + len(asyncId);
      }
    });
    const seen: string[] = [];
    const sink = new (class extends TraceModel {
      override init(...a: Parameters<TraceModel['init']>): void {
        seen.push(`init ${a[1]} ${a[2]} ${a[3]} ${a[4]}`);
      }
      override before(_s: string, timeNs: number, asyncId: number): void {
        seen.push(`before ${timeNs} ${asyncId}`);
      }
      override destroy(_s: string, timeNs: number, asyncId: number): void {
        seen.push(`destroy ${timeNs} ${asyncId}`);
      }
    })();
    new TraceDecoder(sink).pushFile(bytes);
    assert.deepEqual(seen, expected);
    assert.equal(
      bytes.length,
      8 + FRAME_HEADER_BYTES + payload,
      'no field takes more bytes than it needs',
    );
  });

  it('files promises recorded by promise hooks under their own id space', () => {
    const bytes = writeTrace((w) => {
      w.json(Rec.Thread, 0, info(1, 0));
      w.init(10, 7, 1, 1, w.stringId('Timeout'), 0);
      w.promiseInit(20, 1, 0, 7, 0); // made while Timeout 7 ran
      w.promiseInit(30, 2, 1, 7, 0); // chained on promise 1
      w.event(Rec.PromiseSettled, 40, 1);
      w.event(Rec.PromiseBefore, 50, 2);
      w.event(Rec.PromiseAfter, 60, 2);
    });
    const m = new TraceModel();
    new TraceDecoder(m).pushFile(bytes);
    assert.equal(m.resourceCount, 3);
    assert.equal(m.typeOf(1), 'PROMISE');
    assert.equal(m.resAsyncId.data[1], -1);
    assert.equal(m.resTrigger.data[1], 0, 'an unchained promise is triggered by what ran');
    assert.equal(m.resTrigger.data[2], 1, 'a chained promise is triggered by its parent');
    assert.equal(m.resolveNsOf(1), 40);
    assert.equal(m.spanCount, 1);
    assert.equal(m.spanRes.data[0], 2);
    assert.equal(m.spanEndNs.data[0], 60);
  });

  it('keeps streams of several threads apart and closes spans a dying thread left open', () => {
    const a = writeTrace(
      (w) => {
        w.json(Rec.Thread, 0, info(1, 0));
        w.init(10, 5, 1, 1, w.stringId('Timeout'), 0);
        w.event(Rec.Before, 20, 5);
        w.json(Rec.End, 90, { reason: 'uncaught', exitCode: 1 });
      },
      1,
      0,
    );
    const b = writeTrace(
      (w) => {
        w.json(Rec.Thread, 0, info(1, 1));
        w.init(15, 5, 1, 1, w.stringId('Immediate'), 0); // same asyncId, other thread
      },
      1,
      1,
    );
    const m = new TraceModel();
    const d = new TraceDecoder(m);
    d.pushFile(a);
    d.pushFrames(b.subarray(8));
    assert.equal(m.threads.length, 2);
    assert.equal(m.typeOf(0), 'Timeout');
    assert.equal(m.typeOf(1), 'Immediate');
    assert.equal(m.spanEndNs.data[0], 90);
  });

  it('names the offset of a truncated frame and keeps what came before', () => {
    const whole = writeTrace((w) => {
      w.json(Rec.Thread, 0, info(1, 0));
      w.flush();
      w.init(10, 5, 1, 1, w.stringId('Timeout'), 0);
    });
    const firstFrameEnd = 8 + FRAME_HEADER_BYTES + new DataView(whole.buffer, 8).getUint32(0, true);
    const cut = whole.subarray(0, whole.length - 3);
    const m = new TraceModel();
    assert.throws(
      () => new TraceDecoder(m).pushFile(cut),
      (err: unknown) =>
        err instanceof TraceError &&
        err.offset === firstFrameEnd &&
        /Truncated.*offset/.test(err.message),
    );
    assert.equal(m.threads.length, 1, 'the first frame was decoded');
  });

  it('rejects garbage with a message, not a crash', () => {
    const m = new TraceModel();
    assert.throws(
      () => new TraceDecoder(m).pushFile(new TextEncoder().encode('hello world')),
      /Not a trace file/,
    );
    const bad = new Uint8Array(8 + FRAME_HEADER_BYTES + 4);
    bad.set(traceFileHeader());
    bad.set([99, 1, 2, 3], 8 + FRAME_HEADER_BYTES);
    sealFrame(bad.subarray(8), 4, 1, 0, 0);
    assert.throws(() => new TraceDecoder(m).pushFile(bad), /unknown record kind 99 .* offset 28/);
  });
});

describe('IdIndex', () => {
  it('maps ids, negative, sparse and beyond 32 bits', () => {
    const index = new IdIndex();
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) {
      ids.push(i * 7 + 1, -(i + 1), 2 ** 40 + i);
    }
    ids.forEach((id, row) => index.set(id, row));
    assert.equal(index.size, ids.length);
    ids.forEach((id, row) => assert.equal(index.get(id), row));
    assert.equal(index.get(3), undefined);
    assert.equal(index.get(-999999), undefined);
    index.set(1, 42);
    assert.equal(index.get(1), 42);
    assert.equal(index.size, ids.length);
  });
});
