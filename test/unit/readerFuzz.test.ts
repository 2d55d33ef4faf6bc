// A seeded fuzzer of the trace reader: mutations of real traces (written by the tracer's and the
// sampler's own writers, and the viewer benchmark's generator) and random bytes. Every input
// must end in a model or a TraceError, and what the model then derives (summary, range stats,
// creation order, cores series) must not throw, within bounds of work units: records decoded
// per byte, typed-array slots per byte, bucket runs per interval.
import * as assert from 'node:assert/strict';
import { generateTrace } from '../fixtures/traces';
import { CreationOrder } from '../../src/model/creationOrder';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { forBusyBuckets } from '../../src/model/busyBuckets';
import { coresBusySeries } from '../../src/model/parallelism';
import { rangeStats } from '../../src/model/rangeStats';
import { formatSummary } from '../../src/cli/formatSummary';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { FRAME_HEADER_BYTES, Rec, THREAD_STATE_RUNNING } from '../../src/shared/traceFormat';
import { samplerFrames, threadInfo, traceFile, tracerFrames } from './traceBytes';

/** xorshift32: the same inputs on every run (the failing seed is in the message). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.floor(((x >>> 0) / 4294967296) * n);
  };
}

/** A main thread and a worker with every tracer record kind, and a sampler stream. */
function realTrace(): Uint8Array {
  const main = tracerFrames((w) => {
    w.json(Rec.Thread, 1000, threadInfo(42, 0, 1000));
    const timeout = w.stringId('Timeout');
    const fsReq = w.stringId('FSREQCALLBACK');
    const loc = w.locationId('/app/main.js', 3, 7, false);
    w.init(2000, 10, 1, 1, timeout, loc);
    w.init(2100, 11, 10, 1, fsReq, w.locationId('/app/io.js', 9, 1, false));
    w.spawn(2200, 12, 1);
    for (let i = 0; i < 40; i++) {
      const t = 3000 + i * 50_000;
      w.event(Rec.Before, t, 10);
      w.init(t + 10, 100 + i, 10, 10, timeout, loc);
      w.event(Rec.Before, t + 20, 11);
      w.event(Rec.After, t + 30_000, 11);
      w.event(Rec.After, t + 40_000, 10);
      w.event(Rec.Destroy, t + 40_100, 100 + i);
      w.threadCpu(t + 40_200, 30_000, 50_000, 0);
      if (i % 10 === 0) {
        w.flush(); // several frames, each restarting its deltas
      }
    }
    w.event(Rec.Dropped, 3_000_000, 2);
    w.json(Rec.End, 3_000_100, { reason: 'exit', exitCode: 0 });
  });
  const worker = tracerFrames(
    (w) => {
      w.json(Rec.Thread, 5000, threadInfo(42, 1, 5000));
      const loc = w.locationId('/app/worker.js', 1, 1, true);
      for (let i = 1; i <= 30; i++) {
        w.promiseInit(6000 + i * 1000, i, i > 1 ? i - 1 : 0, 1, loc);
        w.event(Rec.PromiseBefore, 6500 + i * 1000, i);
        w.event(Rec.PromiseAfter, 6700 + i * 1000, i);
        w.event(Rec.PromiseSettled, 6800 + i * 1000, i);
      }
      w.json(Rec.End, 2_000_000, { reason: 'worker-exit', exitCode: 0 });
    },
    42,
    1,
  );
  const sampler = samplerFrames((w) => {
    w.osThread(1000, 42, 42, 1, 'node');
    w.osThread(1000, 42, 43, 1, 'libuv-worker');
    for (let i = 1; i <= 60; i++) {
      w.cpuSample({
        timeNs: 1000 + i * 50_000,
        tid: 42,
        periodNs: 50_000,
        runNs: 30_000,
        waitNs: 1000,
        cpu: i % 2,
        state: THREAD_STATE_RUNNING,
      });
      w.cpuSample({
        timeNs: 1000 + i * 50_000,
        tid: 43,
        periodNs: 50_000,
        runNs: 10_000,
        waitNs: 0,
        cpu: 1,
        state: 83,
      });
    }
    w.osThreadExit(3_100_000, 43);
    w.samplerInfo(3_100_000, {
      platform: 'linux',
      available: true,
      estimate: false,
      cores: 2,
      intervalNs: 50_000,
      rootPid: 42,
      samples: 60,
      busyNs: 1000,
      hostCpuNs: 2000,
      wallNs: 3_000_000,
      final: true,
    });
  });
  return traceFile(main, worker, sampler);
}

const BASES = [realTrace(), generateTrace(400, 3, 5).bytes];

/** One mutation of `bytes` (a new array), chosen by `random`. */
function mutate(bytes: Uint8Array, random: (n: number) => number): Uint8Array {
  const n = bytes.length;
  const at = random(n);
  const len = 1 + random(16);
  switch (random(8)) {
    case 0: {
      const out = bytes.slice();
      out[at] ^= 1 << random(8);
      return out;
    }
    case 1: {
      const out = bytes.slice();
      out[at] = random(256);
      return out;
    }
    case 2: {
      const out = bytes.slice();
      out.fill([0, 0xff, 0x80, random(256)][random(4)], at, at + len);
      return out;
    }
    case 3: {
      const insert = Uint8Array.from({ length: len }, () => random(256));
      return concat(bytes.subarray(0, at), insert, bytes.subarray(at));
    }
    case 4:
      return concat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + len * random(64))));
    case 5: {
      const from = random(n);
      return concat(
        bytes.subarray(0, at),
        bytes.subarray(from, from + len * 8),
        bytes.subarray(at),
      );
    }
    case 6:
      return bytes.slice(0, at);
    default: {
      // A 32-bit field (a frame length, pid or thread id) set to an extreme or random value.
      const out = bytes.slice();
      const v = [0, 0xffffffff, 0x7fffffff, 0x10000, random(2 ** 32)][random(5)];
      new DataView(out.buffer).setUint32(Math.min(at, n - 4), v >>> 0, true);
      return out;
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Typed-array slots the model holds (its memory, in work units). */
function slotsOf(model: TraceModel): number {
  const columns = [
    model.resThread,
    model.resAsyncId,
    model.resType,
    model.resLoc,
    model.resInitNs,
    model.resDestroyNs,
    model.resTrigger,
    model.resFirstSpan,
    model.spanThread,
    model.spanRes,
    model.spanStartNs,
    model.spanEndNs,
    model.spanDepth,
    model.spanNextOfRes,
    model.os.sampleThread,
    model.os.sampleStartNs,
    model.os.sampleEndNs,
    model.os.sampleRunNs,
    model.os.sampleWaitNs,
    model.os.sampleCore,
    model.os.sampleState,
  ];
  let slots = columns.reduce((s, c) => s + c.data.length, 0);
  for (const t of model.threads) {
    slots += t.ops.data.length + t.spansAtDepth.reduce((s, lane) => s + lane.data.length, 0);
  }
  return slots + model.threads.length + model.os.threads.length;
}

/**
 * Decodes `bytes` and derives everything a view or the CLI would; returns the summary's JSON, or
 * undefined when the decoder stopped with a TraceError. Anything else thrown fails the test.
 */
function readAll(bytes: Uint8Array, label: string): { json: string; error?: TraceError } {
  const model = new TraceModel();
  const decoder = new TraceDecoder(model);
  let error: TraceError | undefined;
  try {
    decoder.pushFile(bytes);
  } catch (err) {
    if (!(err instanceof TraceError)) {
      throw new Error(`${label}: ${String(err)}`, { cause: err });
    }
    assert.match(err.message, /at byte offset \d+$/, label);
    error = err;
  }
  try {
    // Bounds in work units: a record takes a byte at least; every slot comes from a record,
    // but for each column's first 1024 and per thread's first 16 (columns double: x2).
    assert.ok(decoder.records <= bytes.length, `${label}: ${decoder.records} records`);
    const slots = slotsOf(model);
    const bound = 2 * 21 * bytes.length + 21 * 1024 + 40 * model.threads.length;
    assert.ok(slots <= bound, `${label}: ${slots} slots for ${bytes.length} bytes`);
    assert.ok(model.threads.length <= bytes.length, `${label}: ${model.threads.length} threads`);
    const s = summarize(model, error?.message);
    formatSummary(s);
    rangeStats(model, model.startNs, model.endNs);
    new CreationOrder(model).update();
    if (model.endNs > model.startNs) {
      coresBusySeries(model, model.startNs, model.endNs, (model.endNs - model.startNs) / 200);
      // Bucket runs visited: by the sweep, at most a few per interval; from the dense series
      // (when it is small enough), at most its limit.
      const intervals = model.spanCount + model.os.sampleCount;
      let runs = 0;
      forBusyBuckets(model, model.startNs, model.endNs, 10e6, () => runs++, 0);
      assert.ok(runs <= 3 * intervals + 2, `${label}: ${runs} bucket runs swept`);
      runs = 0;
      forBusyBuckets(model, model.startNs, model.endNs, 10e6, () => runs++);
      assert.ok(runs <= 2 * intervals + 65_536, `${label}: ${runs} bucket runs`);
    }
    model.compact();
    return { json: JSON.stringify(s), error };
  } catch (err) {
    throw new Error(`${label}: ${String(err)}`, { cause: err });
  }
}

describe('reader: seeded fuzzing', () => {
  it('ends every mutated real trace in a model or a TraceError, within bounds', () => {
    let errors = 0;
    let accepted = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const random = rng(seed);
      let bytes = BASES[seed % BASES.length];
      for (let k = 1 + random(3); k > 0; k--) {
        bytes = mutate(bytes, random);
      }
      if (readAll(bytes, `mutation seed ${seed}`).error) {
        errors++;
      } else {
        accepted++;
      }
    }
    console.log(`      3000 mixed mutations: ${errors} clean errors, ${accepted} accepted`);
    assert.ok(errors > 1500, 'most mutations are caught');
  });

  it('ends random bytes, with and without a header, in a TraceError or a model', () => {
    const header = traceFile();
    for (let seed = 1; seed <= 1000; seed++) {
      const random = rng(seed * 7919);
      const body = Uint8Array.from({ length: random(4096) }, () =>
        // Small values make plausible lengths and kinds more often than uniform bytes do.
        random(2) ? random(256) : random(26),
      );
      readAll(seed % 2 ? concat(header, body) : body, `random seed ${seed}`);
    }
  });

  it('reports every single-byte change of a version 2 trace, at the frame that holds it', () => {
    const base = BASES[0];
    const view = new DataView(base.buffer, base.byteOffset, base.byteLength);
    // Start of the frame (or header) holding each byte.
    const startOf = new Int32Array(base.length);
    for (let at = 8; at < base.length; at += FRAME_HEADER_BYTES + view.getUint32(at, true)) {
      startOf.fill(at, at, at + FRAME_HEADER_BYTES + view.getUint32(at, true));
    }
    const random = rng(20);
    let readPast = 0;
    for (let at = 0; at < base.length; at++) {
      const bytes = base.slice();
      bytes[at] = (bytes[at] + 1 + random(255)) & 0xff;
      const { error } = readAll(bytes, `change at ${at}`);
      assert.ok(error, `a change at byte ${at} was accepted`);
      assert.ok(
        error.offset >= startOf[at] && error.offset <= at,
        `change at ${at} reported at ${error.offset}`,
      );
      if (/read on past it: [1-9]/.test(error.message)) {
        readPast++;
      }
    }
    console.log(
      `      ${base.length} single-byte changes: all reported at their frame, ${readPast} read other streams past it`,
    );
    assert.ok(readPast > base.length / 4, 'frames after a damaged one are read');
  });
});
