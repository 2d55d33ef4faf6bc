// The findings of src/model/insights/ on traces fed straight into the model, with answers known
// by construction: a timer's delay behind a blocking callback, what is not a victim, sequential
// awaits against awaits of a loop or started together, the threadpool's queue, per-line figures.
import * as assert from 'node:assert/strict';
import { computeInsights } from '../../src/model/insights';
import { TraceModel } from '../../src/model/traceModel';
import type { Finding } from '../../src/shared/insights';
import { threadInfo } from './traceBytes';

const MAIN = '42:0';
const FILE = '/app/main.js';
const ms = 1e6;

/** A model with one main thread and a helper to make operations at lines of FILE. */
function mainModel(): {
  model: TraceModel;
  op(id: number, type: string, line: number, atMs: number, trigger?: number): void;
  run(id: number, fromMs: number, toMs: number): void;
} {
  const model = new TraceModel();
  model.thread(MAIN, threadInfo(42, 0, 0), 0);
  return {
    model,
    op(id, type, line, atMs, trigger = 1) {
      model.init(MAIN, atMs * ms, id, trigger, trigger, type, {
        file: FILE,
        line,
        column: 1,
        inferred: false,
      });
    },
    run(id, fromMs, toMs) {
      model.before(MAIN, fromMs * ms, id);
      model.after(MAIN, toMs * ms, id);
    },
  };
}

function only(findings: Finding[], kind: Finding['kind']): Finding[] {
  return findings.filter((f) => f.kind === kind);
}

describe('insights: blocking callbacks and their victims', () => {
  it('a timer due at 50 ms behind a 300 ms callback starting at 5 ms is delayed 250 ms', () => {
    const { model, op, run } = mainModel();
    op(10, 'Timeout', 12, 0); // due at 50 ms
    model.timerDelay(MAIN, 0, 10, 50 * ms);
    op(11, 'Timeout', 16, 0); // the blocker
    model.timerDelay(MAIN, 0, 11, 5 * ms);
    run(11, 5, 305);
    run(10, 305, 305.5);
    const [blocking] = only(computeInsights(model).findings, 'blocking');
    assert.equal(blocking.severity, 'warning');
    assert.equal(blocking.line, 16);
    assert.equal(blocking.figures.durationMs, 300);
    assert.equal(blocking.figures.delayedCount, 1);
    assert.equal(blocking.figures.maxDelayMs, 255);
    assert.equal(blocking.related[0].line, 12);
    assert.match(blocking.related[0].text, /^Timeout delayed 255 ms/);
    assert.match(
      blocking.text,
      /held main for 300 ms: 1 operation ready meanwhile had to wait; Timeout from line 12 was delayed 255 ms$/,
    );
  });

  it('a timer due after the callback returned is no victim; one due before it is', () => {
    const { model, op, run } = mainModel();
    op(10, 'Timeout', 12, 0);
    model.timerDelay(MAIN, 0, 10, 400 * ms); // due at 400 ms, after the block
    op(12, 'Timeout', 13, 0);
    model.timerDelay(MAIN, 0, 12, 100 * ms); // due at 100 ms, during it
    op(11, 'Timeout', 16, 0);
    run(11, 5, 305);
    run(12, 305.1, 305.2);
    run(10, 305.3, 305.4); // ran right after (the loop's same turn) but fell due later
    const [blocking] = only(computeInsights(model).findings, 'blocking');
    assert.deepEqual(
      blocking.related.map((r) => r.line),
      [13],
    );
    assert.equal(blocking.figures.maxDelayMs, 205.1);
  });

  it('an immediate is ready when made; I/O without a recorded completion is an upper bound', () => {
    const { model, op, run } = mainModel();
    op(11, 'Timeout', 16, 0);
    op(13, 'FSREQCALLBACK', 20, 1);
    run(11, 5, 305);
    op(12, 'Immediate', 18, 100, 11); // made by the blocker at 100 ms
    run(12, 305.1, 305.2);
    run(13, 305.3, 305.4);
    const [blocking] = only(computeInsights(model).findings, 'blocking');
    assert.equal(blocking.severity, 'warning');
    const byLine = new Map(blocking.related.map((r) => [r.line, r.text]));
    assert.match(byLine.get(18)!, /^Immediate delayed 205 ms/);
    assert.match(byLine.get(20)!, /^FSREQCALLBACK waited up to 300 ms/);
  });

  it('upper bounds alone make no warning; callbacks after an idle gap are no victims', () => {
    const { model, op, run } = mainModel();
    op(11, 'Timeout', 16, 0);
    op(13, 'FSREQCALLBACK', 20, 1);
    op(14, 'Timeout', 22, 1); // no recorded delay: an upper bound
    op(15, 'FSREQCALLBACK', 24, 1);
    op(16, 'Timeout', 26, 1); // no recorded delay either
    run(11, 5, 305);
    run(13, 305.1, 305.2);
    run(14, 305.3, 305.4);
    run(15, 320, 320.1); // the loop was idle 15 ms before these: not shown held up
    run(16, 320.2, 320.3);
    const [blocking] = only(computeInsights(model).findings, 'blocking');
    assert.equal(blocking.severity, 'info');
    assert.deepEqual(blocking.related.map((r) => r.line).sort(), [20, 22]);
  });

  it('a timer due during the callback is its victim even after untraced work delayed it more', () => {
    const { model, op, run } = mainModel();
    op(11, 'Timeout', 16, 0);
    op(15, 'Timeout', 24, 1);
    model.timerDelay(MAIN, 0, 15, 10 * ms); // due at 11 ms, during the block
    op(17, 'Timeout', 28, 1);
    model.timerDelay(MAIN, 0, 17, 310 * ms); // due at 311 ms, after it
    op(18, 'Timeout', 30, 1);
    model.timerDelay(MAIN, 0, 18, 20 * ms); // due at 21 ms, but runs after the next blocker
    run(11, 5, 305);
    run(15, 320, 320.1); // 15 ms of untraced work first (a batch of stack samples written)
    run(17, 320.2, 320.3);
    op(19, 'Timeout', 32, 2);
    run(19, 330, 400); // the next blocker
    run(18, 400.1, 400.2);
    const [first] = only(computeInsights(model).findings, 'blocking');
    assert.equal(first.severity, 'warning');
    assert.deepEqual(
      first.related.map((r) => r.line),
      [24],
    );
    assert.match(first.related[0].text, /^Timeout delayed 309 ms/);
  });

  it('a callback under the threshold is no finding; the threshold is an option', () => {
    const { model, op, run } = mainModel();
    op(11, 'Timeout', 16, 0);
    run(11, 5, 45);
    assert.equal(only(computeInsights(model).findings, 'blocking').length, 0);
    assert.equal(only(computeInsights(model, { blockingMs: 30 }).findings, 'blocking').length, 1);
  });
});

describe('insights: sequential awaits', () => {
  /** Three awaits at lines 8-10, each made when the previous one resumed, 100 ms each. */
  function threeInARow(): TraceModel {
    const { model, op, run } = mainModel();
    op(20, 'PROMISE', 8, 0);
    model.before(MAIN, 100 * ms, 20);
    op(21, 'PROMISE', 9, 100.05, 20);
    model.after(MAIN, 100.1 * ms, 20);
    model.before(MAIN, 200.1 * ms, 21);
    op(22, 'PROMISE', 10, 200.15, 21);
    model.after(MAIN, 200.2 * ms, 21);
    run(22, 300.2, 300.3);
    return model;
  }

  it('three 100 ms waits awaited in a row: waited 300, could be 100', () => {
    const [f] = only(computeInsights(threeInARow()).findings, 'sequential-awaits');
    assert.equal(f.severity, 'warning');
    assert.equal(f.line, 8);
    assert.equal(f.figures.waitedMs, 300.1);
    assert.equal(f.figures.couldBeMs, 100.05);
    assert.deepEqual(
      f.related.map((r) => r.line),
      [8, 9, 10],
    );
  });

  it('awaits started together (Promise.all) are not sequential', () => {
    const { model, op, run } = mainModel();
    op(20, 'PROMISE', 8, 0);
    op(21, 'PROMISE', 9, 0.01);
    op(22, 'PROMISE', 10, 0.02);
    run(20, 100, 100.1);
    run(21, 100.2, 100.3);
    run(22, 100.4, 100.5);
    assert.equal(only(computeInsights(model).findings, 'sequential-awaits').length, 0);
  });

  it("the awaits of a loop's body (each round after the last) are not a finding", () => {
    const { model, op } = mainModel();
    let id = 20;
    let atMs = 0;
    op(id, 'PROMISE', 8, atMs);
    for (let round = 0; round < 3; round++) {
      // line 8 resumes and makes line 9's await; line 9 resumes and makes line 8's again.
      for (const nextLine of [9, 8]) {
        atMs += 10;
        model.before(MAIN, atMs * ms, id);
        op(id + 1, 'PROMISE', nextLine, atMs + 0.05, id);
        model.after(MAIN, (atMs + 0.1) * ms, id);
        id++;
      }
    }
    assert.equal(only(computeInsights(model).findings, 'sequential-awaits').length, 0);
  });
});

describe('insights: threadpool queueing and lines', () => {
  it('eight requests on a pool of four: the last four queue until the first four end', () => {
    const { model, op, run } = mainModel();
    for (let i = 0; i < 8; i++) {
      op(30 + i, 'PBKDF2REQUEST', 9, i * 0.01);
    }
    for (let i = 0; i < 8; i++) {
      run(30 + i, i < 4 ? 100 + i : 200 + i, (i < 4 ? 100 : 200) + i + 0.5);
    }
    const [f] = only(computeInsights(model).findings, 'threadpool-saturated');
    assert.equal(f.figures.poolSize, 4);
    assert.equal(f.figures.queued, 4);
    assert.equal(f.figures.requests, 8);
    // Request 4 waits for request 0 (done at 100 ms), ..., 7 (made at 0.07 ms) for 3 (103 ms).
    assert.equal(f.figures.maxQueueMs, 102.93);
    assert.equal(f.severity, 'warning');
    assert.match(f.related[0].text, /^PBKDF2REQUEST: 4 of 8 queued/);
  });

  it('no more requests than pool threads: no finding', () => {
    const { model, op, run } = mainModel();
    for (let i = 0; i < 4; i++) {
      op(30 + i, 'FSREQCALLBACK', 9, 0);
      run(30 + i, 100, 100.5);
    }
    assert.equal(only(computeInsights(model).findings, 'threadpool-saturated').length, 0);
  });

  it('per line: operations, callbacks, run and wait times', () => {
    const { model, op, run } = mainModel();
    op(10, 'Timeout', 12, 0);
    op(11, 'Timeout', 12, 10);
    op(12, 'Immediate', 14, 10);
    run(10, 50, 52);
    run(11, 70, 75);
    run(12, 76, 77);
    const lines = computeInsights(model, { final: true }).lines;
    const line12 = lines.find((l) => l.line === 12)!;
    assert.deepEqual(line12, {
      file: FILE,
      line: 12,
      operations: 2,
      topType: 'Timeout',
      callbacks: 2,
      runTotalMs: 7,
      runMaxMs: 5,
      waitTotalMs: 110,
      waitMaxMs: 60,
    });
    assert.equal(lines.find((l) => l.line === 14)!.topType, 'Immediate');
    assert.equal(computeInsights(model, { lines: false }).lines.length, 0);
  });
});
