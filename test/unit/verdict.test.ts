// The verdict owns up to a partial trace: with events dropped at the size cap, it says the
// figures cover only the recorded part; with none dropped, it says nothing of the kind.
import * as assert from 'node:assert/strict';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { threadInfo } from './traceBytes';

/** One thread, one 50 ms timer callback; `dropped` events counted by the tracer. */
function run(dropped: number): TraceModel {
  const model = new TraceModel();
  model.thread('42:0', threadInfo(42, 0, 0), 0);
  model.init('42:0', 1e6, 7, 1, 1, 'Timeout', undefined);
  model.before('42:0', 10e6, 7);
  model.after('42:0', 60e6, 7);
  if (dropped) {
    model.dropped('42:0', 70e6, dropped);
  }
  return model;
}

describe('verdict of a partly recorded trace', () => {
  it('says the figures cover only the recorded part when events were dropped', () => {
    const s = summarize(run(1234));
    assert.equal(s.eventsDropped, 1234);
    assert.match(s.verdict.text, /Only part of the run was recorded: 1234 events were not/);
  });

  it('says nothing of the kind when nothing was dropped', () => {
    const s = summarize(run(0));
    assert.equal(s.eventsDropped, 0);
    assert.doesNotMatch(s.verdict.text, /recorded part/);
  });
});
