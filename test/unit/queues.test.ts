// The queues at an instant (src/model/queues.ts), on models shaped like recorded traces: lesson
// 8's I/O callback (the shape Node 20 records), an interval, a cleared timer, the threadpool.
import * as assert from 'node:assert/strict';
import { queuesAt, QUEUE_NAMES, runningAt, type QueueName } from '../../src/model/queues';
import { TraceModel } from '../../src/model/traceModel';

const S = '1:0';

/** The queues of thread 0 at `timeNs`, as type lists (inferred ones marked '?'). */
function at(m: TraceModel, timeNs: number): Partial<Record<QueueName, string[]>> {
  const q = queuesAt(m, timeNs)[0].queues;
  const out: Partial<Record<QueueName, string[]>> = {};
  for (const name of QUEUE_NAMES) {
    if (q[name].length) {
      out[name] = q[name].map((e) => e.type + (e.inferred ? '?' : ''));
    }
  }
  return out;
}

/** Lesson 8 as Node 20 records it (ids and relative times from a real trace). */
function lesson8(): TraceModel {
  const m = new TraceModel();
  m.init(S, 0, 2, 1, 1, 'FSREQCALLBACK', undefined);
  m.before(S, 1000, 2);
  // Scheduled in the code's order: timeout, immediate, tick, microtask, .then, await.
  m.init(S, 1100, 3, 2, 2, 'Timeout', undefined);
  m.init(S, 1200, 4, 2, 2, 'Immediate', undefined);
  m.init(S, 1300, 5, 2, 2, 'TickObject', undefined);
  m.init(S, 1400, 6, 2, 2, 'Microtask', undefined);
  m.init(S, 1500, 7, 2, 2, 'PROMISE', undefined); // Promise.resolve()
  m.promiseResolve(S, 1510, 7);
  m.init(S, 1520, 8, 7, 2, 'PROMISE', undefined); // .then(...)
  m.init(S, 1600, 9, 2, 2, 'PROMISE', undefined); // the async function's promise
  m.init(S, 1610, 10, 2, 2, 'PROMISE', undefined); // await null
  m.promiseResolve(S, 1620, 10);
  m.init(S, 1630, 11, 10, 2, 'PROMISE', undefined); // the code after the await
  m.init(S, 1700, 12, 2, 2, 'PIPEWRAP', undefined); // stdout: never called back
  m.after(S, 2000, 2);
  const runs: [number, number][] = [
    [5, 2000], // 2. nextTick
    [6, 2100], // 3. queueMicrotask
    [8, 2200], // 4. .then
    [11, 2300], // 5. after await
    [4, 2500], // 6. setImmediate
    [3, 2700], // 7. setTimeout 0
  ];
  for (const [id, t] of runs) {
    m.before(S, t, id);
    m.after(S, t + 50, id);
  }
  m.promiseResolve(S, 2340, 9);
  return m;
}

describe('queues at an instant', () => {
  it("lesson 8: at the I/O callback's end, each queue holds what the program prints next", () => {
    const m = lesson8();
    assert.deepEqual(at(m, 1999), {
      nextTick: ['TickObject'],
      microtasks: ['Microtask', 'PROMISE', 'PROMISE'],
      timers: ['Timeout'],
      immediates: ['Immediate'],
    });
    assert.deepEqual(
      queuesAt(m, 1999)[0].queues.microtasks.map((e) => e.res),
      [4, 6, 9],
      'queueMicrotask, then .then, then the code after await (resources 4, 6, 9)',
    );
    assert.deepEqual(at(m, 2050), {
      microtasks: ['Microtask', 'PROMISE', 'PROMISE'],
      timers: ['Timeout'],
      immediates: ['Immediate'],
    });
    assert.deepEqual(at(m, 2400), { timers: ['Timeout'], immediates: ['Immediate'] });
    assert.deepEqual(at(m, 2600), { timers: ['Timeout'] });
    assert.deepEqual(at(m, 2800), {});
  });

  it('queues nothing before it was scheduled, and a reaction only once its promise resolved', () => {
    const m = lesson8();
    assert.deepEqual(at(m, 1250), { timers: ['Timeout'], immediates: ['Immediate'] });
    // The .then's reaction (created at 1520 on a promise resolved at 1510) is queued at 1520.
    assert.deepEqual(at(m, 1519).microtasks, ['Microtask']);
    assert.deepEqual(at(m, 1520).microtasks, ['Microtask', 'PROMISE']);
  });

  it('marks a reaction whose parent resolution is not recorded as inferred', () => {
    const m = new TraceModel();
    m.init(S, 0, 2, 1, 1, 'PROMISE', undefined);
    m.init(S, 10, 3, 2, 1, 'PROMISE', undefined);
    m.before(S, 100, 3);
    m.after(S, 110, 3);
    assert.deepEqual(at(m, 50), { microtasks: ['PROMISE?'] });
  });

  it('an interval waits again between runs; a cleared timer until destroyed', () => {
    const m = new TraceModel();
    m.init(S, 0, 2, 1, 1, 'Timeout', undefined);
    m.init(S, 0, 3, 1, 1, 'Timeout', undefined);
    m.before(S, 1000, 2);
    m.after(S, 1100, 2);
    m.before(S, 2000, 2);
    m.after(S, 2100, 2);
    m.destroy(S, 1500, 3);
    assert.deepEqual(at(m, 500), { timers: ['Timeout', 'Timeout'] });
    assert.equal(queuesAt(m, 500)[0].queues.timers[0].runsAtNs, 1000, 'the one that ran first');
    assert.deepEqual(at(m, 1050), { timers: ['Timeout'] }, 'running, not waiting');
    assert.deepEqual(at(m, 1600), { timers: ['Timeout'] }, 'the interval re-armed');
    assert.equal(queuesAt(m, 1600)[0].queues.timers[0].runsAtNs, 2000);
  });

  it('threadpool requests: the first four made are on pool threads, the rest wait', () => {
    const m = new TraceModel();
    for (let i = 0; i < 6; i++) {
      m.init(S, i * 10, 10 + i, 1, 1, 'PBKDF2REQUEST', undefined);
    }
    for (let i = 0; i < 6; i++) {
      m.before(S, 1000 + i * 100, 10 + i);
      m.after(S, 1050 + i * 100, 10 + i);
    }
    assert.deepEqual(at(m, 500), {
      poolWaiting: ['PBKDF2REQUEST?', 'PBKDF2REQUEST?'],
      poolRunning: ['PBKDF2REQUEST?', 'PBKDF2REQUEST?', 'PBKDF2REQUEST?', 'PBKDF2REQUEST?'],
    });
    assert.deepEqual(
      queuesAt(m, 500)[0].queues.poolWaiting.map((e) => e.sinceNs),
      [40, 50],
      'the last two made wait',
    );
    assert.equal(at(m, 1350).poolRunning?.length, 2, 'four called back, two left');
    // A request never called back (crypto.randomBytes without a callback runs synchronously).
    m.init(S, 60, 30, 1, 1, 'RANDOMBYTESREQUEST', undefined);
    assert.equal(at(m, 500).poolWaiting?.length, 2, 'not counted as waiting');
  });

  it('names the callbacks running at the instant, outermost first', () => {
    const m = new TraceModel();
    m.init(S, 0, 2, 1, 1, 'Timeout', undefined);
    m.init(S, 0, 3, 1, 1, 'TickObject', undefined);
    m.before(S, 100, 2);
    m.before(S, 150, 3);
    m.after(S, 160, 3);
    m.after(S, 200, 2);
    assert.deepEqual(runningAt(m, 0, 155), [0, 1]);
    assert.deepEqual(runningAt(m, 0, 170), [0]);
    assert.deepEqual(runningAt(m, 0, 250), []);
  });
});
