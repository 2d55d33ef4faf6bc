// Sampled stacks in the model (issue #17): the records as the tracer's writer writes them,
// decoded; hot functions against hand-computed self and total times; corrupt references
// rejected with an offset; traces without stacks keep their summary as it was.
import * as assert from 'node:assert/strict';
import { TraceDecoder, TraceError } from '../../src/model/decoder';
import { hotFunctions } from '../../src/model/stacks';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { Rec } from '../../src/shared/traceFormat';
import {
  stackFrame as frame,
  stackSamples as samples,
  threadInfo,
  traceFile,
  tracerFrames,
} from './traceBytes';

const MS = 1e6;

function decode(bytes: Uint8Array): TraceModel {
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return model;
}

describe('stacks: sampled stacks in the model', () => {
  // main (1) -> work (2) -> helper (3); a second path main -> helper (4).
  const trace = traceFile(
    tracerFrames((w) => {
      w.json(Rec.Thread, 0, threadInfo(42, 0));
      w.json(Rec.StackInfo, 1, { on: true, intervalUs: 1000 });
      frame(w, 1, 0, 'main', 1);
      frame(w, 2, 1, 'work', 10);
      frame(w, 3, 2, 'helper', 20);
      frame(w, 4, 1, 'helper', 20);
      samples(w, 50 * MS, [
        [0, 2, 10],
        [10, 3, 20],
        [30, 1, 10],
        [40, 4, 5],
      ]);
    }),
  );

  it('decodes frames and samples as written', () => {
    const stacks = decode(trace).stacks.of('42:0')!;
    assert.equal(stacks.sampleCount, 4);
    assert.deepEqual(
      Array.from(stacks.sampleStartNs.data.slice(0, 4)),
      [0, 10, 30, 40].map((x) => x * MS),
    );
    assert.deepEqual(Array.from(stacks.sampleFrame.data.slice(0, 4)), [2, 3, 1, 4]);
    assert.equal(stacks.maxDepth, 3);
    assert.equal(stacks.nameOf(3), 'helper');
    assert.equal(stacks.frameParent[3], 2);
    assert.deepEqual(stacks.info, { on: true, intervalUs: 1000 });
  });

  it('hot functions: self and total per function over a range, hottest self first', () => {
    const stacks = decode(trace).stacks.of('42:0')!;
    const all = hotFunctions(stacks, 0, 100 * MS);
    assert.deepEqual(
      all.map((h) => [h.function, h.line, h.selfMs, h.totalMs]),
      [
        // helper: 20 ms under work and 5 ms under main, one function.
        ['helper', 20, 25, 25],
        ['main', 1, 10, 45],
        ['work', 10, 10, 30],
      ],
    );
    // A range cuts samples: [5, 15) ms holds 5 ms of work alone and 5 ms of helper.
    const cut = hotFunctions(stacks, 5 * MS, 15 * MS);
    assert.deepEqual(
      cut.map((h) => [h.function, h.selfMs, h.totalMs]),
      [
        // Equal self times: the larger total first.
        ['work', 5, 10],
        ['helper', 5, 5],
        ['main', 0, 10],
      ],
    );
  });

  it('a recursive function counts once per sample in its total', () => {
    const model = decode(
      traceFile(
        tracerFrames((w) => {
          w.json(Rec.Thread, 0, threadInfo(42, 0));
          frame(w, 1, 0, 'walk', 5);
          frame(w, 2, 1, 'visit', 9);
          frame(w, 3, 2, 'walk', 5);
          samples(w, MS, [[0, 3, 4]]);
        }),
      ),
    );
    const hot = hotFunctions(model.stacks.of('42:0')!, 0, Infinity);
    assert.deepEqual(
      hot.map((h) => [h.function, h.selfMs, h.totalMs]),
      [
        ['walk', 4, 4],
        ['visit', 0, 4],
      ],
    );
  });

  it('rejects a sample of an undefined frame and a frame whose parent comes later', () => {
    const badSample = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 0, threadInfo(42, 0));
        frame(w, 1, 0, 'main', 1);
        samples(w, MS, [[0, 7, 1]]);
      }),
    );
    assert.throws(
      () => decode(badSample),
      (e: unknown) => e instanceof TraceError && /undefined frame 7/.test(e.message),
    );
    const badParent = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 0, threadInfo(42, 0));
        frame(w, 1, 2, 'main', 1);
      }),
    );
    assert.throws(
      () => decode(badParent),
      (e: unknown) => e instanceof TraceError && /stack frame 1/.test(e.message),
    );
  });

  it('a trace without stack records summarizes without stacks or hot fields', () => {
    const model = decode(
      traceFile(
        tracerFrames((w) => {
          w.json(Rec.Thread, 0, threadInfo(42, 0));
          const t = w.stringId('Timeout');
          w.init(0, 5, 1, 1, t, 0);
          w.event(Rec.Before, 1 * MS, 5);
          w.event(Rec.After, 40 * MS, 5);
        }),
      ),
    );
    const summary = summarize(model);
    assert.equal(summary.blocking.length, 1);
    assert.equal('hot' in summary.blocking[0], false);
    assert.equal('stacks' in summary, false);
  });
});
