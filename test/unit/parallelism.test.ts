import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { traceFileHeader } from '../../src/launch/tail';
import { TraceDecoder } from '../../src/model/decoder';
import { coresBusySeries, meanCoresBusy } from '../../src/model/parallelism';
import { summarize } from '../../src/model/summary';
import { classifyOsThreads, kindOfName, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import { TraceModel } from '../../src/model/traceModel';
import { emptyReading, parseSchedstat, parseStat } from '../../src/sampler/procParse';
import { SamplerRecordWriter } from '../../src/sampler/recordWriter';
import { THREAD_STATE_RUNNING } from '../../src/shared/traceFormat';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Sampler records written with the sampler's own writer, decoded into a model. */
function sampled(write: (w: SamplerRecordWriter) => void): TraceModel {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-unit-'));
  const file = path.join(dir, 'sampler.cvt');
  const fd = fs.openSync(file, 'w');
  const w = new SamplerRecordWriter(fd, 99);
  write(w);
  w.flush();
  fs.closeSync(fd);
  const frames = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  const all = new Uint8Array(8 + frames.length);
  all.set(traceFileHeader(), 0);
  all.set(frames, 8);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(all);
  return model;
}

describe('sampler: /proc parsing', () => {
  it('reads state, ppid and processor from a stat line whose comm has spaces and parens', () => {
    const line =
      '123 (a (b) c) R 45 123 123 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 12 0 500 1000 200 1 1 1 1 1 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';
    const r = emptyReading();
    assert.ok(parseStat(bytes(line), line.length, r));
    assert.equal(String.fromCharCode(r.state), 'R');
    assert.equal(r.ppid, 45);
    assert.equal(r.ticks, 10);
    assert.equal(r.processor, 1);
    assert.ok(!parseStat(bytes('garbage'), 7, r));
  });

  it('reads schedstat nanoseconds beyond 2^32', () => {
    const line = '12345678901 2500000 42\n';
    const r = emptyReading();
    assert.ok(parseSchedstat(bytes(line), line.length, r));
    assert.equal(r.runNs, 12345678901);
    assert.equal(r.waitNs, 2500000);
  });
});

describe('model: OS threads and cores', () => {
  it('decodes sampler records into OS threads and samples, with no JS lane', () => {
    const model = sampled((w) => {
      w.osThread(1e6, 10, 10, 1, 'node');
      w.osThread(1e6, 10, 11, 1, 'libuv-worker');
      w.cpuSample({
        timeNs: 11e6,
        tid: 10,
        periodNs: 10e6,
        runNs: 10e6,
        waitNs: 0,
        cpu: 0,
        state: THREAD_STATE_RUNNING,
      });
      w.cpuSample({
        timeNs: 11e6,
        tid: 11,
        periodNs: 10e6,
        runNs: 5e6,
        waitNs: 3e6,
        cpu: 1,
        state: THREAD_STATE_RUNNING,
      });
      w.osThreadExit(12e6, 11);
      w.samplerInfo(12e6, {
        platform: 'linux',
        available: true,
        estimate: false,
        cores: 2,
        intervalNs: 7e6,
        rootPid: 10,
        samples: 3,
        busyNs: 1e5,
        hostCpuNs: 2e5,
        wallNs: 11e6,
        final: true,
      });
    });
    assert.equal(model.threads.length, 0, 'the sampler stream is not a JS thread');
    assert.equal(model.os.threads.length, 2);
    assert.equal(model.os.sampleCount, 2);
    assert.equal(model.os.threads[1].waitNs, 3e6);
    assert.equal(model.os.threads[1].exitNs, 12e6);
    assert.equal(model.os.sampleStartNs.data[0], 1e6);
    const kinds = classifyOsThreads(model).map((c) => c.kind);
    assert.deepEqual(kinds, ['main', 'libuv']);
    assert.equal(meanCoresBusy(model, 1e6, 11e6), 1.5);
    const series = coresBusySeries(model, 1e6, 11e6, 5e6);
    assert.deepEqual(Array.from(series.total), [1.5, 1.5]);
    assert.deepEqual(Array.from(series.byKind[OS_THREAD_KINDS.indexOf('libuv')]), [0.5, 0.5]);
    const s = summarize(model);
    assert.equal(s.cores.machine, 2);
    assert.equal(s.cores.runQueueWaitMs, 3);
    assert.equal(s.osThreads[1].kind, 'libuv');
    assert.equal(s.osThreads[1].basis, 'name');
    assert.equal(s.sampler.cpuPercentOfOneCore, 0.909);
  });

  it('names Node 22/24 threads and leaves the rest unknown', () => {
    assert.equal(kindOfName('libuv-worker')?.kind, 'libuv');
    assert.equal(kindOfName('V8Worker')?.kind, 'v8');
    assert.equal(kindOfName('V8 DefaultWorke')?.kind, 'v8');
    assert.equal(kindOfName('DelayedTaskSche')?.kind, 'v8');
    assert.equal(kindOfName('node'), undefined);
    const model = sampled((w) => {
      w.osThread(0, 5, 5, 1, 'node');
      w.osThread(0, 5, 6, 1, 'node');
      w.cpuSample({
        timeNs: 10e6,
        tid: 6,
        periodNs: 10e6,
        runNs: 2e6,
        waitNs: 0,
        cpu: 0,
        state: THREAD_STATE_RUNNING,
      });
    });
    const [, other] = classifyOsThreads(model);
    assert.equal(other.kind, 'unknown');
    assert.equal(other.basis, 'none');
  });

  it('verdict: neither, without samples or operations', () => {
    const model = sampled((w) => w.osThread(0, 5, 5, 1, 'node'));
    const s = summarize(model);
    assert.equal(s.verdict.kind, 'neither');
    assert.match(s.verdict.text, /no two operations/);
  });
});
