// The rest of the machine (issue #21): /proc/stat's busy time through the sampler's record into
// the model, other processes per bucket, the starvation finding, a callback's CPU and wait,
// and the relations between every cores figure.
import * as assert from 'node:assert/strict';
import { forBusyBuckets } from '../../src/model/busyBuckets';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { coresBusySeries, spanCpu } from '../../src/model/parallelism';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { formatSummary } from '../../src/cli/formatSummary';
import { parseProcStat } from '../../src/sampler/procParse';
import {
  MAX_CORES,
  Rec,
  SAMPLER_THREAD_ID,
  THREAD_STATE_RUNNING,
} from '../../src/shared/traceFormat';
import { assertFiguresAgree } from './figuresAgree';
import { Payload, samplerFrames, threadInfo, traceFile } from './traceBytes';

const bytes = (s: string) => new TextEncoder().encode(s);

/**
 * A 2-core machine, 1 s of run: `threads` JS threads (pid 42, tids 42, 43...) each running
 * `runMs` and waiting `waitMs` in every 10 ms, and the machine `machineCores` busy in all;
 * thread 0 runs one 300 ms callback from 100 ms on.
 */
function machineTrace(threads: number, runMs: number, waitMs: number, machineCores: number) {
  const model = new TraceModel();
  for (let t = 0; t < threads; t++) {
    model.thread(`42:${t}`, threadInfo(42, t, 0), 0);
    model.osThread(0, 42, 42 + t, 1, t ? `w${t}` : 'node');
  }
  model.init('42:0', 50e6, 7, 1, 1, 'Timeout', undefined);
  model.before('42:0', 100e6, 7);
  model.after('42:0', 400e6, 7);
  for (let k = 1; k <= 100; k++) {
    for (let t = 0; t < threads; t++) {
      model.cpuSample({
        timeNs: k * 10e6,
        tid: 42 + t,
        periodNs: 10e6,
        runNs: runMs * 1e6,
        waitNs: waitMs * 1e6,
        cpu: t % 2,
        state: THREAD_STATE_RUNNING,
      });
    }
    if (k % 2 === 0) {
      model.machineCpu({ timeNs: k * 10e6, periodNs: 20e6, busyNs: machineCores * 20e6 });
    }
  }
  for (let t = 0; t < threads; t++) {
    model.end(`42:${t}`, 1000e6, { reason: 'exit', exitCode: 0 });
  }
  return model;
}

describe('the rest of the machine (issue #21)', () => {
  it('parses the aggregate line of /proc/stat: busy is every field but idle and iowait', () => {
    const r = { busy: 0, total: 0 };
    const line = bytes('cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n');
    assert.ok(parseProcStat(line, line.length, r));
    assert.deepEqual(r, { busy: 100 + 5 + 50 + 3 + 2 + 1, total: 1181 });
    const old = bytes('cpu  100 5 50 1000\n'); // a kernel before iowait
    assert.ok(parseProcStat(old, old.length, r));
    assert.deepEqual(r, { busy: 155, total: 1155 });
    for (const bad of ['cpu0 1 2 3 4', 'intr 1 2 3', 'cpu  1 2', '']) {
      assert.equal(parseProcStat(bytes(bad), bad.length, r), false, bad);
    }
  });

  it('a MachineCpu record goes through the sampler writer and the reader into the model', () => {
    const file = traceFile(
      samplerFrames((w) => {
        w.machineCpu({ timeNs: 40e6, periodNs: 30e6, busyNs: 45e6 });
        w.machineCpu({ timeNs: 70e6, periodNs: 30e6, busyNs: 60e6 });
      }),
    );
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(file);
    const os = model.os;
    assert.equal(os.machineEndNs.length, 2);
    assert.deepEqual(
      [os.machineStartNs.data[0], os.machineEndNs.data[0], os.machineBusyNs.data[0]],
      [10e6, 40e6, 45e6],
    );
    assert.deepEqual([os.machineStartNs.data[1], os.machineBusyNs.data[1]], [40e6, 60e6]);
  });

  it('the reader stops at a machine sample busier than every core all the period', () => {
    const frame = new Payload()
      .u8(Rec.MachineCpu)
      .uv(10)
      .uv(5)
      .uv(5 * MAX_CORES + 1)
      .frame(99, SAMPLER_THREAD_ID);
    assert.throws(
      () => new TraceDecoder(new TraceModel()).pushFile(traceFile(frame)),
      (e) => {
        assert.ok(e instanceof TraceError);
        assert.match(e.message, /machine sample busy/);
        return true;
      },
    );
  });

  it('a thread waiting 70% of its runnable time while others hold the cores is starved', () => {
    // Ours: 0.3 core, waiting 0.7; the machine: 2 of 2 busy, so others 1.7.
    const model = machineTrace(1, 3, 7, 2);
    const s = summarize(model);
    const c = s.cores;
    assert.equal(c.otherMeasured, true);
    assert.equal(c.meanBusy, 0.3);
    assert.equal(c.otherBusyMean, 1.7);
    assert.equal(c.otherBusyPeak, 1.7);
    assert.equal(c.meanBusyWhileBusy, 0.3, 'the program computed all along (ran or waited)');
    assert.equal(c.busyMs, 1000);
    assert.ok(c.starvation, JSON.stringify(c));
    assert.equal(c.starvation.tid, 42);
    assert.equal(c.starvation.runQueueWaitMs, 700);
    assert.equal(c.starvation.waitShare, 0.7);
    assert.match(
      s.verdict.text,
      /Starved of CPU: .*waited 700 ms for a CPU \(70% .*1\.7 of 2 cores/,
    );
    assert.match(formatSummary(s), /^Other processes: 1\.7 of 2 cores busy on average, peak 1\.7/m);
    assert.match(formatSummary(s), /^Starved of CPU: /m);
    // The 300 ms callback ran 90 ms of it and waited 210.
    assert.equal(s.blocking.length, 1);
    assert.equal(s.blocking[0].durationMs, 300);
    assert.equal(s.blocking[0].cpuMs, 90);
    assert.equal(s.blocking[0].runQueueMs, 210);
    assert.match(formatSummary(s), /on a CPU 90\.0 ms, waited 210\.0 ms for one/);
    assertFiguresAgree(model, s, 'starved');
  });

  it('our own threads crowding the cores (others idle) is no starvation', () => {
    // Four threads on two cores: each runs 0.5 and waits 0.5; the machine is busy with them.
    const model = machineTrace(4, 5, 5, 2);
    const s = summarize(model);
    assert.equal(s.cores.otherBusyMean, 0);
    assert.equal(s.cores.starvation, undefined, s.verdict.text);
    assert.ok(!/Starved/.test(s.verdict.text));
    assert.ok(s.cores.runQueueWaitMs >= 2000);
    assertFiguresAgree(model, s, 'crowded');
  });

  it('a quiet machine: no starvation, other processes near 0', () => {
    const model = machineTrace(1, 10, 0, 1.05);
    const s = summarize(model);
    assert.equal(s.cores.starvation, undefined);
    assert.equal(s.cores.otherBusyMean, 0.05);
    assert.equal(s.blocking[0].cpuMs, 300);
    assert.equal(s.blocking[0].runQueueMs, 0);
    assertFiguresAgree(model, s, 'quiet');
  });

  it('a trace without machine samples (older sampler) says other processes were not measured', () => {
    const model = machineTrace(1, 3, 7, 2);
    const bare = new TraceModel();
    bare.thread('42:0', threadInfo(42, 0, 0), 0);
    bare.osThread(0, 42, 42, 1, 'node');
    for (let k = 1; k <= 100; k++) {
      bare.cpuSample({
        timeNs: k * 10e6,
        tid: 42,
        periodNs: 10e6,
        runNs: 3e6,
        waitNs: 7e6,
        cpu: 0,
        state: THREAD_STATE_RUNNING,
      });
    }
    const s = summarize(bare);
    assert.equal(s.cores.otherMeasured, false);
    assert.equal(s.cores.otherBusyMean, 0);
    assert.equal(s.cores.starvation, undefined, 'no finding without the machine: not attributable');
    assert.ok(!/Other processes/.test(formatSummary(s)));
    assert.equal(summarize(model).cores.otherMeasured, true);
  });

  it('a span with no sampled OS thread has no CPU figures', () => {
    const model = new TraceModel();
    model.thread('42:0', threadInfo(42, 0, 0), 0);
    model.init('42:0', 1e6, 7, 1, 1, 'Timeout', undefined);
    model.before('42:0', 2e6, 7);
    model.after('42:0', 40e6, 7);
    assert.equal(spanCpu(model, 0), undefined);
    assert.equal(summarize(model).blocking[0].cpuMs, undefined);
  });

  it('the sweep and the series give each bucket the same run, wait and other cores', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const model = new TraceModel();
    model.thread('1:0', threadInfo(1, 0, 0), 0);
    for (const tid of [1, 2, 3]) {
      model.osThread(0, 1, tid, 0, 'node');
      let timeNs = random(1e6);
      for (let i = 0; i < 300; i++) {
        const periodNs = 1 + random(3e6);
        timeNs += periodNs + random(2e6);
        const runNs = random(periodNs + 1);
        model.cpuSample({
          timeNs,
          tid,
          periodNs,
          runNs,
          waitNs: random(periodNs - runNs + 1),
          cpu: 0,
          state: THREAD_STATE_RUNNING,
        });
      }
    }
    for (let t = 30e6; t < model.endNs; t += 30e6) {
      model.machineCpu({ timeNs: t, periodNs: 30e6, busyNs: random(60e6) });
    }
    for (const bucketNs of [1e5, 1e6, 7e6, 10e6]) {
      const fromNs = model.startNs;
      const series = coresBusySeries(model, fromNs, model.endNs, bucketNs);
      assert.ok(series.hasOther);
      const got = [0, 1, 2].map(() => new Float64Array(series.total.length));
      const visit = (first: number, count: number, run: number, wait: number, other: number) => {
        got[0].fill(run, first, first + count);
        got[1].fill(wait, first, first + count);
        got[2].fill(other, first, first + count);
      };
      const want = [series.total, series.waiting, series.other];
      for (const denseLimit of [0, undefined]) {
        got.forEach((g) => g.fill(0));
        forBusyBuckets(model, fromNs, model.endNs, bucketNs, visit, denseLimit);
        want.forEach((w, f) =>
          w.forEach((v, i) =>
            assert.ok(Math.abs(v - got[f][i]) < 1e-9, `${bucketNs} ${denseLimit} fig ${f} b ${i}`),
          ),
        );
      }
      assert.ok(series.other.some((v) => v > 0));
      assert.ok(series.waiting.some((v) => v > 0));
    }
  });
});
