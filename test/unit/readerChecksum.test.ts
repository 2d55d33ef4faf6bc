// Format version 2's frame checksums and sequence numbers (issue #20): a damaged frame is
// reported at its offset, the frames before it and the other streams' frames after it are kept,
// and version 1 traces still open.
import * as assert from 'node:assert/strict';
import { TraceChunkReader } from '../../src/model/chunkReader';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import { crc32 } from '../../src/shared/crc32';
import { FRAME_HEADER_BYTES, FRAME_HEADER_BYTES_V1, Rec } from '../../src/shared/traceFormat';
import { Payload, threadInfo, traceFile, tracerFrames } from './traceBytes';

/** Two threads, each in several frames (10 callbacks a frame), interleaved as a tail does. */
function twoStreams(): { bytes: Uint8Array; frameStarts: number[]; streamOf: string[] } {
  const frames = (pid: number): Uint8Array[] => {
    const all = tracerFrames((w) => {
      w.json(Rec.Thread, 100, threadInfo(pid, 0, 100));
      const type = w.stringId('Timeout');
      for (let i = 1; i <= 40; i++) {
        w.init(i * 1000, i, 1, 1, type, 0);
        w.event(Rec.Before, i * 1000 + 10, i);
        w.event(Rec.After, i * 1000 + 500, i);
        if (i % 10 === 0) {
          w.flush();
        }
      }
    }, pid);
    const out: Uint8Array[] = [];
    const view = new DataView(all.buffer, all.byteOffset);
    for (let at = 0; at < all.length; at += FRAME_HEADER_BYTES + view.getUint32(at, true)) {
      out.push(all.subarray(at, at + FRAME_HEADER_BYTES + view.getUint32(at, true)));
    }
    return out;
  };
  const a = frames(1);
  const b = frames(2);
  const order: Uint8Array[] = [];
  const streamOf: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    for (const [f, s] of [
      [a[i], '1:0'],
      [b[i], '2:0'],
    ] as const) {
      if (f) {
        order.push(f);
        streamOf.push(s);
      }
    }
  }
  const bytes = traceFile(...order);
  const frameStarts: number[] = [];
  let at = 8;
  for (const f of order) {
    frameStarts.push(at);
    at += f.length;
  }
  return { bytes, frameStarts, streamOf };
}

/** Spans decoded per stream (by thread pid). */
function spansByPid(model: TraceModel): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < model.spanCount; i++) {
    const pid = model.threads[model.spanThread.data[i]].info.pid;
    out.set(pid, (out.get(pid) ?? 0) + 1);
  }
  return out;
}

/** The same trace in format version 1: 12-byte frame headers, no seq, no checksum. */
function toVersion1(v2: Uint8Array): Uint8Array {
  const parts: number[] = [...v2.subarray(0, 8)];
  parts[4] = 1;
  const view = new DataView(v2.buffer, v2.byteOffset);
  for (let at = 8; at < v2.length;) {
    const n = view.getUint32(at, true);
    parts.push(...v2.subarray(at, at + FRAME_HEADER_BYTES_V1));
    parts.push(...v2.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + n));
    at += FRAME_HEADER_BYTES + n;
  }
  return Uint8Array.from(parts);
}

describe('reader: frame checksums (format version 2)', () => {
  it('uses the CRC-32 of zlib', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
    assert.equal(crc32(bytes.subarray(333), crc32(bytes.subarray(0, 333))), crc32(bytes));
  });

  it('agrees with the bit-by-bit CRC-32 at every length and offset around its 8- and 16-byte steps', () => {
    const reference = (bytes: Uint8Array): number => {
      let c = ~0;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) {
          c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }
      }
      return ~c >>> 0;
    };
    let seed = 7;
    const bytes = Uint8Array.from({ length: 200 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >>> 23;
    });
    for (let from = 0; from < 9; from++) {
      for (let length = 0; length <= 160; length++) {
        const part = bytes.subarray(from, from + length);
        assert.equal(crc32(part), reference(part), `bytes ${from}..${from + length}`);
      }
    }
  });

  it('reports a damaged frame at its offset and reads the other stream past it', () => {
    const { bytes, frameStarts, streamOf } = twoStreams();
    const whole = new TraceModel();
    new TraceDecoder(whole).pushFile(bytes);
    assert.deepEqual(
      [...spansByPid(whole)],
      [
        [1, 40],
        [2, 40],
      ],
    );
    // Frame 2 of stream 1:0 (its third frame in the file) loses a byte of its payload.
    const k = 2;
    assert.equal(streamOf[k], '1:0');
    const bad = bytes.slice();
    bad[frameStarts[k] + FRAME_HEADER_BYTES + 5] ^= 0x40;
    const model = new TraceModel();
    const decoder = new TraceDecoder(model);
    assert.throws(
      () => decoder.pushFile(bad),
      (err: unknown) =>
        err instanceof TraceError &&
        err.offset === frameStarts[k] &&
        /fails its checksum/.test(err.message) &&
        /read on past it: \d+ frames of undamaged streams, \d+ frames of damaged streams left out/.test(
          err.message,
        ),
    );
    const spans = spansByPid(model);
    assert.equal(spans.get(2), 40, 'the other stream is read to its end');
    assert.equal(spans.get(1), 10, 'stream 1:0 up to its damaged frame, nothing after it');
    assert.ok(decoder.integrity.framesSkipped > 0);
  });

  it('finds the next frame when a damaged header lies about the length', () => {
    const { bytes, frameStarts } = twoStreams();
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(frameStarts[3], 77, true);
    const model = new TraceModel();
    assert.throws(
      () => new TraceDecoder(model).pushFile(bad),
      (err: unknown) => err instanceof TraceError && err.offset === frameStarts[3],
    );
    assert.equal(spansByPid(model).get(1), 40, 'stream 1:0 is whole');
    assert.equal(spansByPid(model).get(2), 10, 'stream 2:0 stops before the damaged frame');
  });

  it('reads past damage the same fed in chunks of any size, reporting it at the end', () => {
    const { bytes, frameStarts } = twoStreams();
    const bad = bytes.slice();
    bad[frameStarts[4] + FRAME_HEADER_BYTES + 9] ^= 1;
    for (const size of [1, 13, 256, 1 << 20]) {
      const model = new TraceModel();
      const reader = new TraceChunkReader(new TraceDecoder(model));
      for (let pos = 0; pos < bad.length; pos += size) {
        reader.push(bad.subarray(pos, pos + size));
      }
      assert.throws(
        () => reader.finish(),
        (err: unknown) => err instanceof TraceError && err.offset === frameStarts[4],
        `chunks of ${size}`,
      );
      assert.deepEqual(
        [...spansByPid(model)],
        [
          [1, 20],
          [2, 40],
        ],
        `chunks of ${size}`,
      );
    }
  });

  it('reports a frame out of sequence (a lost or repeated frame) in an undamaged file', () => {
    const { bytes, frameStarts } = twoStreams();
    // Drop stream 1:0's second frame (index 2): each frame is sound, but one is missing.
    const cut = new Uint8Array(bytes.length - (frameStarts[3] - frameStarts[2]));
    cut.set(bytes.subarray(0, frameStarts[2]), 0);
    cut.set(bytes.subarray(frameStarts[3]), frameStarts[2]);
    assert.throws(
      () => new TraceDecoder(new TraceModel()).pushFile(cut),
      /stream 1:0 has frame 2 where frame 1 belongs .* at byte offset/,
    );
    // A stream that starts past its frame 0 (without a Discarded record) is refused too.
    const late = traceFile(new Payload().u8(Rec.Before).uv(10).uv(1).frame(7, 0, 3));
    assert.throws(
      () => new TraceDecoder(new TraceModel()).pushFile(late),
      /stream 7:0 has frame 3 where frame 0 belongs/,
    );
  });

  it('still opens version 1 traces', () => {
    const { bytes } = twoStreams();
    const v1 = toVersion1(bytes);
    assert.equal(v1[4], 1);
    assert.ok(v1.length < bytes.length);
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(v1);
    assert.deepEqual(
      [...spansByPid(model)],
      [
        [1, 40],
        [2, 40],
      ],
    );
    const chunked = new TraceModel();
    const reader = new TraceChunkReader(new TraceDecoder(chunked));
    for (let pos = 0; pos < v1.length; pos += 100) {
      reader.push(v1.subarray(pos, pos + 100));
    }
    reader.finish();
    assert.equal(chunked.spanCount, 80);
  });
});
