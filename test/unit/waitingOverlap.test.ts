import * as assert from 'node:assert/strict';
import { generateTrace } from '../fixtures/traces';
import { TraceDecoder } from '../../src/model/decoder';
import { waitingOverlap, type WaitingOverlap } from '../../src/model/parallelism';
import { TraceModel } from '../../src/model/traceModel';

/** The definition, written plainly: every wait as a +1 and a -1 event, sorted, swept. */
function reference(model: TraceModel, pending: (type: string) => boolean): WaitingOverlap {
  let best: WaitingOverlap = { thread: -1, peak: 0, overlapNs: 0 };
  model.threads.forEach((_, thread) => {
    const events: [number, number][] = [];
    for (let r = 0; r < model.resourceCount; r++) {
      if (model.resThread.data[r] !== thread || !pending(model.typeOf(r))) {
        continue;
      }
      const start = model.resInitNs.data[r];
      const firstRun = model.firstRunNs(r);
      const end = Number.isNaN(firstRun) ? model.resDestroyNs.data[r] : firstRun;
      if (end > start) {
        events.push([start, 1], [end, -1]);
      }
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let peak = 0;
    let overlapNs = 0;
    let prev = 0;
    for (const [t, d] of events) {
      overlapNs += live >= 2 ? t - prev : 0;
      prev = t;
      live += d;
      peak = Math.max(peak, live);
    }
    if (overlapNs > best.overlapNs || (overlapNs === best.overlapNs && peak > best.peak)) {
      best = { thread, peak, overlapNs };
    }
  });
  return best;
}

describe('waiting overlap', () => {
  it('finds the event loop with the most time of 2+ operations waiting, as the plain sweep does', () => {
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(generateTrace(40_000, 4, 5).bytes);
    // Waits that end exactly when others start (ends count first), and one never run.
    const S = '1:0';
    model.init(S, 10, 900001, -1, 0, 'Timeout', undefined);
    model.init(S, 10, 900002, -1, 0, 'Timeout', undefined);
    model.before(S, 20, 900001);
    model.after(S, 25, 900001);
    model.init(S, 20, 900003, -1, 0, 'FSREQCALLBACK', undefined);
    model.destroy(S, 40, 900002);
    const got = waitingOverlap(model);
    // The generator's pending types; promises and incoming messages do not wait.
    const expected = reference(
      model,
      (type) => !['PROMISE', 'HTTPINCOMINGMESSAGE', 'TCPWRAP'].includes(type),
    );
    assert.ok(got.peak >= 2, `peak ${got.peak}`);
    assert.deepEqual(got, expected);
  });

  it('does not count a wait that ends as another starts as overlapping', () => {
    const model = new TraceModel();
    const S = '1:0';
    model.init(S, 10, 1, -1, 0, 'Timeout', undefined);
    model.before(S, 20, 1);
    model.init(S, 20, 2, -1, 0, 'Timeout', undefined);
    model.after(S, 21, 1);
    model.before(S, 30, 2);
    model.after(S, 31, 2);
    assert.deepEqual(waitingOverlap(model), { thread: 0, peak: 1, overlapNs: 0 });
  });
});
