// The reader against hostile and huge traces (issue #20): each case is one defect a file could
// trigger, and each fails on the reader before the fix (a crash, a TypeError, a wrapped index,
// gigabytes allocated or a stack overflow).
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CreationOrder } from '../../src/model/creationOrder';
import { TraceChunkReader } from '../../src/model/chunkReader';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { IdIndex } from '../../src/model/idIndex';
import { bytesPerStream } from '../../src/model/streamBytes';
import { generateTrace } from '../fixtures/traces';
import { forBusyBuckets } from '../../src/model/busyBuckets';
import { coresBusySeries } from '../../src/model/parallelism';
import { formatSummary } from '../../src/cli/formatSummary';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { Rec, THREAD_STATE_RUNNING } from '../../src/shared/traceFormat';
import { Payload, samplerFrames, threadInfo, traceFile, tracerFrames } from './traceBytes';

/** Decodes a whole file into a fresh model; returns the model and the error, if any. */
function decode(bytes: Uint8Array): { model: TraceModel; error?: unknown } {
  const model = new TraceModel();
  try {
    new TraceDecoder(model).pushFile(bytes);
    return { model };
  } catch (error) {
    return { model, error };
  }
}

/** Asserts that `bytes` stop with a TraceError whose message matches `pattern`. */
function assertTraceError(bytes: Uint8Array, pattern: RegExp): TraceError {
  const { model, error } = decode(bytes);
  assert.ok(error instanceof TraceError, `expected a TraceError, got ${String(error)}`);
  assert.match(error.message, pattern);
  assert.match(error.message, /at byte offset \d+$/);
  assert.ok(error.offset >= 8 && error.offset <= bytes.length, `offset ${error.offset}`);
  // What was read before the error still summarizes (the CLI prints it with the error).
  formatSummary(summarize(model, error.message));
  return error;
}

/** The collector, so that garbage of earlier tests is not counted against (or for) this one. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Off-heap bytes (typed arrays' stores) allocated while `run` runs, with what it returns kept. */
function arrayBytesDuring<T>(run: () => T): { result: T; bytes: number } {
  collectGarbage();
  const before = process.memoryUsage().arrayBuffers;
  const result = run();
  return { result, bytes: process.memoryUsage().arrayBuffers - before };
}

describe('reader: values checked against what a file can hold', () => {
  it('summarizes a run whose one delta spans 58 days without an array per 10 ms of it', () => {
    // The 308-byte case of the issue: 5e15 ns would be 5e8 buckets (28 GB over the series).
    const bytes = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 1000, threadInfo(42, 0, 1000));
        const type = w.stringId('Immediate');
        w.init(1500, 10, 1, 1, type, 0);
        w.event(Rec.Before, 2000, 10);
        w.event(Rec.After, 20_002_000, 10); // 20 ms of work
        w.event(Rec.Destroy, 5e15, 10);
      }),
    );
    const { model, error } = decode(bytes);
    assert.equal(error, undefined);
    const { result: s, bytes: allocated } = arrayBytesDuring(() => summarize(model));
    assert.ok(allocated < 16e6, `${allocated} bytes for a ${bytes.length}-byte file`);
    assert.equal(s.cores.busyMs, 20, 'two 10 ms buckets at least half busy');
    assert.equal(
      s.cores.peakBusy,
      1,
      'a whole 10 ms bucket busy (the figures share their buckets)',
    );
    assert.equal(s.cores.parallelMs, 0);
    assert.equal(s.cores.meanBusy, 0);
  });

  it('stops at a time past 2^53 ns (104 days) and at a varint past 2^53', () => {
    const frame = (dtNs: number) => new Payload().u8(Rec.Before).uv(dtNs).uv(10).frame(42, 0);
    assertTraceError(traceFile(frame(1e16)), /a time past 2\^53 ns/);
    const tooLong = new Payload().u8(Rec.Before);
    for (let i = 0; i < 9; i++) {
      tooLong.u8(0xff);
    }
    assertTraceError(traceFile(tooLong.u8(1).uv(10).frame(42, 0)), /a varint is past 2\^53/);
  });

  it('holds async ids 4096 apart in memory proportional to their number, not a page each', () => {
    const ids = 20_000; // a 16 KiB page each was 328 MB
    const bytes = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 0, threadInfo(42, 0));
        const type = w.stringId('Timeout');
        for (let i = 1; i <= ids; i++) {
          w.init(i, i * 4096, 1, 1, type, 0);
        }
        for (let i = 1; i <= ids; i++) {
          w.event(Rec.Before, ids + 2 * i, i * 4096);
          w.event(Rec.After, ids + 2 * i + 1, i * 4096);
        }
      }),
    );
    const { result, bytes: allocated } = arrayBytesDuring(() => decode(bytes));
    assert.equal(result.error, undefined);
    assert.ok(allocated < 32 * bytes.length + 8e6, `${allocated} bytes from ${bytes.length}`);
    assert.equal(result.model.resourceCount, ids, 'each Before found its operation');
    assert.equal(result.model.spanCount, ids);
    assert.equal(result.model.spanRes.data[ids - 1], ids - 1);
  });

  it('IdIndex answers as a Map does for dense, sparse and negative ids mixed', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const index = new IdIndex();
    const reference = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const pick = random(4);
      const key =
        pick === 0 ? i : pick === 1 ? -i : pick === 2 ? random(2 ** 30) : 100_000 + random(600);
      index.set(key, i);
      reference.set(key, i);
    }
    assert.equal(index.size, reference.size);
    for (const [key, value] of reference) {
      assert.equal(index.get(key), value);
    }
    for (let i = 0; i < 1000; i++) {
      const key = 2 ** 31 + random(2 ** 30);
      assert.equal(index.get(key), reference.get(key));
    }
    assert.ok(index.pageSlots <= 64 * index.size, `${index.pageSlots} slots`);
  });

  it('IdIndex makes the next page at once for ids running on densely, never for scattered ones', () => {
    // Rising ids (a thread's) and falling ones (promise-hook ids) over 20 pages: every page
    // made, every id found, and the memory of 4 bytes a slot stays within 16 per id.
    for (const sign of [1, -1]) {
      const index = new IdIndex();
      for (let i = 1; i <= 20 * 4096; i++) {
        index.set(sign * i, i);
      }
      assert.equal(index.size, 20 * 4096);
      assert.ok(index.pageSlots <= 4 * index.size, `${index.pageSlots} slots`);
      for (let i = 1; i <= 20 * 4096; i += 97) {
        assert.equal(index.get(sign * i), i);
      }
    }
    // A page of ids set again and again earns its neighbour nothing; nor do 255 new ids (a page
    // needs as many as a sparse page before it is made, PAGE_MIN_IDS).
    const hostile = new IdIndex();
    for (let page = 0; page < 400; page += 2) {
      for (let i = 0; i < 255; i++) {
        hostile.set(page * 4096 + i, i);
        hostile.set(page * 4096, i);
      }
      hostile.set((page + 1) * 4096, page);
    }
    assert.equal(hostile.pageSlots, 0, 'no page made');
    assert.equal(hostile.get(7 * 4096), 6);
    assert.equal(hostile.get(8 * 4096 + 254), 254);
  });

  it("bytesPerStream reads each stream's frame bytes from the headers, in parts or whole", () => {
    const { bytes } = generateTrace(3000, 3);
    const sizes = bytesPerStream([bytes]);
    assert.deepEqual([...sizes.keys()].sort(), ['4242:0', '4242:1', '4242:2']);
    const decoder = new TraceDecoder(new TraceModel());
    decoder.pushFile(bytes);
    const payload = [...sizes.values()].reduce((a, b) => a + b, 0);
    assert.equal(payload, bytes.length - 8 - 20 * decoder.frames, 'every frame counted once');
    // Split at a frame boundary (as a hydrate message's chunks are): the same sizes.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const cut = 8 + 20 + view.getUint32(8, true);
    assert.deepEqual(bytesPerStream([bytes.subarray(0, cut), bytes.subarray(cut)]), sizes);
    // Anything that is not frames stops the count; it is a hint, the decoder reports damage.
    assert.equal(bytesPerStream([bytes.subarray(0, 30)]).size, 0);
    assert.equal(bytesPerStream([]).size, 0);
    // A stream per frame (70,000 empty frames): counted up to the threads a model can hold.
    const many = new Uint8Array(8 + 20 * 70_000);
    many.set(bytes.subarray(0, 8));
    const frames = new DataView(many.buffer);
    for (let i = 0; i < 70_000; i++) {
      frames.setUint32(8 + 20 * i + 4, 1, true);
      frames.setUint32(8 + 20 * i + 8, i, true);
    }
    assert.equal(bytesPerStream([many]).size, 65_536);
  });

  it('rejects thread metadata that is not what the format says, with a clear error', () => {
    const withThread = (json: unknown) =>
      traceFile(
        tracerFrames((w) => {
          w.json(Rec.Thread, 10, json);
          w.event(Rec.Before, 20, 5);
        }),
      );
    const good = threadInfo(42, 0);
    assertTraceError(withThread(null), /the thread record is null, not an object/);
    assertTraceError(withThread([1, 2]), /the thread record is an array/);
    assertTraceError(withThread({ ...good, argv: 'node app.js' }), /argv is not a list of strings/);
    assertTraceError(withThread({ ...good, name: 12 }), /name is not a string/);
    assertTraceError(withThread({ ...good, kind: 'fiber' }), /kind is not "main" or "worker"/);
    assertTraceError(withThread({ ...good, cores: 1e9 }), /cores is not a number of cores/);
    assertTraceError(withThread({ ...good, pid: 1.5 }), /pid is not an integer/);
    const end = (json: unknown) =>
      traceFile(
        tracerFrames((w) => {
          w.json(Rec.Thread, 10, good);
          w.json(Rec.End, 20, json);
        }),
      );
    assertTraceError(end('exit'), /the end record is a string/);
    assertTraceError(end({ reason: 'exit', exitCode: 'zero' }), /exitCode is not an exit code/);
    assert.equal(decode(end({ reason: 'exit', exitCode: '3' })).model.threads[0].end?.exitCode, 3);
    const sampler = traceFile(samplerFrames((w) => w.samplerInfo(10, null as never)));
    assertTraceError(sampler, /the sampler record is null/);
    // Fields a trace lacks, or that are null (JSON's NaN), take defaults; unknown ones go.
    const nulls = decode(withThread({ ...good, startNs: null, cores: null }));
    assert.equal(nulls.error, undefined);
    assert.ok(Number.isNaN(nulls.model.threads[0].info.startNs));
    assert.equal(nulls.model.threads[0].info.cores, 0);
    const samplerNaN = traceFile(
      samplerFrames((w) =>
        w.samplerInfo(10, { platform: 'linux', available: true, wallNs: NaN } as never),
      ),
    );
    assert.equal(decode(samplerNaN).error, undefined, 'a sampler that never ticked');
    const { model, error } = decode(withThread({ pid: 42, extra: { deep: true } }));
    assert.equal(error, undefined);
    assert.deepEqual(model.threads[0].info.argv, []);
    assert.equal(model.threads[0].info.kind, 'main');
    assert.equal('extra' in model.threads[0].info, false);
  });

  it('stops at a CPU sample on a core past 8192 (core lanes are drawn per core)', () => {
    const bytes = traceFile(
      samplerFrames((w) => {
        w.osThread(10, 7, 7, 1, 'node');
        w.cpuSample({
          timeNs: 20,
          tid: 7,
          periodNs: 10,
          runNs: 5,
          waitNs: 0,
          cpu: 70_000,
          state: THREAD_STATE_RUNNING,
        });
      }),
    );
    assertTraceError(bytes, /a sample on core 70000/);
  });

  it('stops past 65,536 threads instead of wrapping the 16-bit thread index', () => {
    const p = new Payload();
    for (let t = 1; t <= 65_536; t++) {
      p.u8(Rec.Spawn).uv(0).uv(1).uv(t); // each Spawn names a worker: a thread of the model
    }
    assertTraceError(traceFile(p.frame(42, 0)), /more than 65536 threads/);
  });

  it('stops past 65,536 operation types and past callbacks nested 65,535 deep', () => {
    const types = new Payload();
    for (let i = 1; i <= 65_537; i++) {
      types.u8(Rec.String).uv(i).text(`T${i}`).u8(Rec.Init).uv(0).uv(i).uv(0).uv(0).uv(i).uv(0);
    }
    assertTraceError(traceFile(types.frame(42, 0)), /more than 65536 operation types/);
    const deep = new Payload();
    for (let i = 1; i <= 65_537; i++) {
      deep.u8(Rec.Before).uv(1).uv(i);
    }
    assertTraceError(traceFile(deep.frame(42, 0)), /callbacks nested deeper than 65535/);
  });

  it('closes spans on After as a full stack scan does, however deep the stack', () => {
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const model = new TraceModel();
    // The reference: the plain scan of the whole stack, span ends by span index.
    const stack: Array<[number, number]> = [];
    const ends: number[] = [];
    let span = 0;
    for (let t = 1; t < 40_000; t++) {
      const depth = stack.length;
      if (depth < 300 && random(5) > 0) {
        const id = 1 + random(400);
        model.before('1:0', t, id);
        stack.push([span++, id]);
        ends.push(NaN);
      } else {
        // Mostly the innermost few, sometimes any open one or none.
        const pick = random(20);
        const k = pick < 18 ? depth - 1 - random(Math.min(depth, 4)) : random(depth || 1);
        const id = pick === 19 ? 1000 + random(5) : (stack[k]?.[1] ?? 1);
        model.after('1:0', t, id);
        for (let k = stack.length - 1; k >= 0; k--) {
          if (stack[k][1] === id) {
            while (stack.length > k) {
              ends[stack.pop()![0]] = t;
            }
            break;
          }
        }
      }
    }
    assert.equal(model.spanCount, span);
    assert.deepEqual(Array.from(model.spanEndNs.data.subarray(0, span)), ends);
    assert.ok(
      ends.some((e, i) => model.spanDepth.data[i] > 200 && !Number.isNaN(e)),
      'deep spans were closed',
    );
  });
});

describe('reader: worker creation chains', () => {
  it('lends creation sites up a chain of workers without recursion, and stops at a cycle', () => {
    const m = new TraceModel();
    const site = { file: '/app/main.js', line: 1, column: 1, inferred: false };
    m.init('1:0', 1, 100, 1, 1, 'WORKER', site);
    m.spawn('1:0', 2, 100, 1);
    for (let t = 1; t < 50_000; t++) {
      m.init(`1:${t}`, t + 2, 100 + t, 1, 1, 'WORKER', undefined); // its own `new Worker()`
      m.spawn(`1:${t}`, t + 2, 100 + t, t + 1);
    }
    assert.deepEqual(m.locationOf(1), { ...site, inferred: true }, 'from the main thread');
    assert.deepEqual(m.locationOf(64), { ...site, inferred: true });
    assert.equal(m.locationOf(49_999), undefined, 'nested past 64 workers: no site');
    // Two threads that name each other as creator: a cycle no real trace has.
    const c = new TraceModel();
    c.init('2:0', 1, 10, 1, 1, 'Timeout', undefined);
    c.init('2:1', 1, 20, 1, 1, 'Timeout', undefined);
    c.spawn('2:0', 2, 10, 1);
    c.spawn('2:1', 2, 20, 0);
    assert.equal(c.locationOf(0), undefined);
    summarize(c);
    summarize(m);
  });
});

describe('reader: files read in chunks', () => {
  it('stops at the first chunk of bytes that are no trace (summary /dev/zero)', () => {
    const reader = new TraceChunkReader(new TraceDecoder(new TraceModel()));
    assert.throws(
      () => reader.push(new Uint8Array(1 << 16)),
      (err: unknown) => err instanceof TraceError && err.offset === 0 && /CVTR/.test(err.message),
    );
  });

  it('stops at a frame header that claims more than a frame can hold', () => {
    const header = traceFile();
    const bad = new Payload().frame(1, 0);
    new DataView(bad.buffer).setUint32(0, 0xffffffff, true);
    const reader = new TraceChunkReader(new TraceDecoder(new TraceModel()));
    reader.push(header);
    reader.push(bad);
    assert.throws(
      () => reader.finish(),
      (err: unknown) => err instanceof TraceError && err.offset === 8 && /claims/.test(err.message),
    );
  });

  it('decodes a trace fed in chunks of any size as the whole file, and reports a cut end', () => {
    const bytes = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 0, threadInfo(42, 0));
        const type = w.stringId('Timeout');
        for (let i = 1; i < 3000; i++) {
          w.init(i * 10, i, 1, 1, type, 0);
          w.event(Rec.Before, i * 10 + 1, i);
          w.event(Rec.After, i * 10 + 5, i);
        }
      }),
    );
    const whole = decode(bytes).model;
    for (const size of [1, 7, 12, 4096]) {
      const model = new TraceModel();
      const reader = new TraceChunkReader(new TraceDecoder(model));
      for (let pos = 0; pos < bytes.length; pos += size) {
        reader.push(bytes.subarray(pos, pos + size));
      }
      reader.finish();
      assert.equal(model.spanCount, whole.spanCount);
      assert.deepEqual(
        model.spanEndNs.data.subarray(0, 2999),
        whole.spanEndNs.data.subarray(0, 2999),
      );
    }
    const cut = new TraceChunkReader(new TraceDecoder(new TraceModel()));
    cut.push(bytes.subarray(0, bytes.length - 3));
    assert.throws(() => cut.finish(), /Truncated trace: the last frame is cut off/);
  });
});

describe('reader: many threads, long runs', () => {
  it('summarizes 30k threads of one operation each in memory linear in them', () => {
    const threads = 30_000; // before: a 16 KiB id page and a 4 KiB column each (600 MB)
    const { result: model, bytes: allocated } = arrayBytesDuring(() => {
      const m = new TraceModel();
      for (let t = 0; t < threads; t++) {
        m.thread(`${t}:0`, threadInfo(t + 2, 0, t), t);
        m.init(`${t}:0`, t + 1, 10, 1, 1, 'Timeout', undefined);
      }
      for (let t = 0; t < threads; t++) {
        m.end(`${t}:0`, threads + 10, { reason: 'exit', exitCode: 0 });
      }
      return m;
    });
    assert.ok(allocated < 64e6, `${allocated} bytes for ${threads} threads`);
    const s = summarize(model);
    assert.equal(s.peakInFlight.overall, threads, 'every timeout waits until its thread ends');
    assert.equal(s.threads.length, threads);
    const order = new CreationOrder(model);
    order.update();
    assert.equal(order.length, threads);
    for (let row = 0; row < threads; row++) {
      assert.equal(order.at(row), row, 'operations in creation order');
    }
  });

  it('orders the operations of 40 interleaved threads (merged by a heap) as a sort does', () => {
    let seed = 99;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const model = new TraceModel();
    const order = new CreationOrder(model);
    const clock = new Array<number>(40).fill(0);
    let id = 1;
    for (let batch = 0; batch < 20; batch++) {
      for (let i = random(400); i > 0; i--) {
        const t = random(clock.length);
        clock[t] += random(3) * 10; // ties within and across threads
        model.init(`1:${t}`, clock[t], id++, -1, 0, 'Timeout', undefined);
      }
      order.update();
      const byTime = Array.from({ length: model.resourceCount }, (_, res) => res).sort(
        (a, b) => model.resInitNs.data[a] - model.resInitNs.data[b] || a - b,
      );
      assert.deepEqual(
        Array.from({ length: order.length }, (_, row) => order.at(row)),
        byTime,
        `batch ${batch}`,
      );
    }
  });

  it('summarizes a 24-hour run, from callbacks and from CPU samples', () => {
    const dayNs = 24 * 3600e9;
    const callbacks = new TraceModel();
    callbacks.thread('1:0', threadInfo(1, 0, 0), 0);
    for (let k = 0; k < 86_400; k++) {
      callbacks.before('1:0', k * 1e9 + 1e6, 10); // 6 ms every second
      callbacks.after('1:0', k * 1e9 + 7e6, 10);
    }
    callbacks.end('1:0', dayNs, { reason: 'exit', exitCode: 0 });
    const s = summarize(callbacks);
    assert.equal(s.cores.busyMs, 864_000, 'one 10 ms bucket 0.6 busy per second');
    assert.equal(s.cores.meanBusyWhileBusy, 0.6);
    assert.equal(s.cores.peakBusy, 0.6, 'the busiest 10 ms bucket: never below the mean');
    assert.equal(s.cores.meanBusy, 0.01);

    const sampled = new TraceModel();
    sampled.thread('1:0', threadInfo(1, 0, 0), 0);
    sampled.osThread(0, 1, 1, 0, 'node');
    for (let k = 1; k <= 86_400; k++) {
      sampled.cpuSample({
        timeNs: k * 1e9,
        tid: 1,
        periodNs: 1e9,
        runNs: 1e9,
        waitNs: 0,
        cpu: 0,
        state: THREAD_STATE_RUNNING,
      }); // a core busy all day
    }
    const t = summarize(sampled);
    assert.equal(t.cores.meanBusy, 1);
    assert.equal(t.cores.peakBusy, 1);
    assert.equal(t.cores.busyMs, dayNs / 1e6);
  });

  it('visits busy buckets with the totals coresBusySeries gives them', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const sampled = new TraceModel();
    const callbacks = new TraceModel();
    for (let tid = 1; tid <= 5; tid++) {
      sampled.osThread(0, 1, tid, 0, 'node');
      let timeNs = random(1e6);
      callbacks.thread(`1:${tid}`, threadInfo(1, tid, 0), 0);
      for (let i = 0; i < 400; i++) {
        const periodNs = 1 + random(3e6);
        timeNs += periodNs + random(2e6);
        sampled.cpuSample({
          timeNs,
          tid,
          periodNs,
          runNs: random(periodNs + 1),
          waitNs: 0,
          cpu: 0,
          state: THREAD_STATE_RUNNING,
        });
        callbacks.before(`1:${tid}`, timeNs - periodNs, i + 1);
        callbacks.after(`1:${tid}`, timeNs, i + 1);
      }
    }
    for (const model of [sampled, callbacks]) {
      for (const bucketNs of [1e5, 1e6, 7e6]) {
        const fromNs = model.startNs;
        const series = coresBusySeries(model, fromNs, model.endNs, bucketNs).total;
        const swept = new Float64Array(series.length);
        const visit = (first: number, count: number, cores: number) =>
          swept.fill(cores, first, first + count);
        forBusyBuckets(model, fromNs, model.endNs, bucketNs, visit, 0); // the sweep
        series.forEach((v, i) => assert.ok(Math.abs(v - swept[i]) < 1e-9, `bucket ${i}`));
        swept.fill(0);
        forBusyBuckets(model, fromNs, model.endNs, bucketNs, visit); // from the series
        series.forEach((v, i) => assert.ok(Math.abs(v - swept[i]) < 1e-9, `bucket ${i}`));
      }
    }
  });
});
