// Self time per source line (issue #17 item 4): V8's per-node line ticks, written after each
// batch of samples as a StackInfo's lineTicks, shared out over that batch's samples; the hot
// lines computeInsights posts, and what the editor makes of them (note, hover, no mark).
import * as assert from 'node:assert/strict';
import { fileViews, hotLineHover, hotLineNote } from '../../src/editor/insightsView';
import { TraceDecoder } from '../../src/model/decoder';
import { computeInsights } from '../../src/model/insights';
import { lineSelfTimes } from '../../src/model/stackLines';
import { TraceModel } from '../../src/model/traceModel';
import type { HotLine } from '../../src/shared/insights';
import { Rec } from '../../src/shared/traceFormat';
import type { FrameWriter } from '../../src/tracer/writer';
import {
  stackFrame as frame,
  stackSamples as samples,
  threadInfo,
  traceFile,
  tracerFrames,
} from './traceBytes';

const MS = 1e6;
const FILE = '/app/work.js';

const lineTicks = (w: FrameWriter, timeNs: number, flat: number[]): void =>
  w.json(Rec.StackInfo, timeNs, { on: true, intervalUs: 1000, lineTicks: flat });

/**
 * main (1) -> work (10) -> helper (20). Batch 1: work 10 ms (1 tick on line 11, 3 on 12),
 * helper 20 ms (line 21). Batch 2, its lines in two records: work 40 ms (lines 11 and 13 alike)
 * inside a 55 ms timer callback, then main 8 ms with no line ticks.
 */
function build(): TraceModel {
  const bytes = traceFile(
    tracerFrames((w) => {
      w.json(Rec.Thread, 0, threadInfo(42, 0));
      w.json(Rec.StackInfo, 0, { on: true, intervalUs: 1000 });
      frame(w, 1, 0, 'main', 1);
      frame(w, 2, 1, 'work', 10);
      frame(w, 3, 2, 'helper', 20);
      samples(w, 31 * MS, [
        [0, 2, 10],
        [10, 3, 20],
      ]);
      // Frame 9 was never defined: its ticks are not believed.
      lineTicks(w, 31 * MS, [2, 11, 1, 2, 12, 3, 3, 21, 2, 9, 5, 7]);
      const t = w.stringId('Timeout');
      w.init(40 * MS, 5, 1, 1, t, 0);
      w.event(Rec.Before, 95 * MS, 5);
      w.event(Rec.After, 150 * MS, 5);
      samples(w, 160 * MS, [
        [100, 2, 40],
        [150, 1, 8],
      ]);
      lineTicks(w, 160 * MS, [2, 11, 4]);
      lineTicks(w, 160 * MS, [2, 13, 4]);
    }),
  );
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return model;
}

/** [function, line, selfMs, exact] of each line, by line. */
function table(model: TraceModel, fromNs: number, toNs: number): Array<unknown[]> {
  const stacks = model.stacks.of('42:0')!;
  return lineSelfTimes(stacks, fromNs, toNs)
    .lines.map((l) => [stacks.nameOf(l.frame), l.line, l.selfNs / MS, l.exact])
    .sort((a, b) => (a[1] as number) - (b[1] as number));
}

describe('stack lines: self time per source line', () => {
  it('shares each sample over its leaf frame`s lines in its batch`s proportions', () => {
    const model = build();
    const stacks = model.stacks.of('42:0')!;
    // The batches' line ticks leave the thread's info as it was.
    assert.deepEqual(stacks.info, { on: true, intervalUs: 1000 });
    assert.equal(stacks.lineBatchEndNs.length, 2);
    assert.deepEqual(table(model, 0, Infinity), [
      ['main', 1, 8, false], // no ticks: the function's first line, not exact
      ['work', 11, 2.5 + 20, true],
      ['work', 12, 7.5, true],
      ['work', 13, 20, true],
      ['helper', 21, 20, true],
    ]);
    assert.equal(lineSelfTimes(stacks, 0, Infinity).sampledNs, 78 * MS);
    // A range counts each sample's part inside it: 5 ms of the first work sample and of the last.
    assert.deepEqual(table(model, 5 * MS, 105 * MS), [
      ['work', 11, 1.25 + 2.5, true],
      ['work', 12, 3.75, true],
      ['work', 13, 2.5, true],
      ['helper', 21, 20, true],
    ]);
  });

  it('computeInsights posts the hot lines, hottest first, with the part in blocking callbacks', () => {
    const insights = computeInsights(build(), { final: true });
    const hot = insights.hotLines ?? [];
    assert.deepEqual(
      hot.map((h) => [h.function, h.line, h.selfMs, h.blockingSelfMs, h.exact]),
      [
        ['work', 11, 22.5, 20, true],
        ['work', 13, 20, 20, true],
        ['helper', 21, 20, 0, true],
        ['main', 1, 8, 0, false],
        ['work', 12, 7.5, 0, true],
      ],
    );
    const first = hot[0];
    assert.equal(first.file, FILE);
    assert.equal(first.functionSelfMs, 50);
    assert.equal(first.totalMs, 70);
    assert.equal(first.share, Math.round((22.5 / 78) * 1000) / 1000);
    // The headline's insights leave them out, as they leave out the line figures.
    assert.equal(computeInsights(build(), { lines: false }).hotLines, undefined);
  });

  it('a trace without line ticks puts each function`s self time on its first line', () => {
    const bytes = traceFile(
      tracerFrames((w) => {
        w.json(Rec.Thread, 0, threadInfo(42, 0));
        frame(w, 1, 0, 'main', 1);
        frame(w, 2, 1, 'work', 10);
        samples(w, 31 * MS, [
          [0, 2, 10],
          [10, 2, 20],
        ]);
      }),
    );
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(bytes);
    const hot = computeInsights(model, { final: true }).hotLines ?? [];
    assert.deepEqual(
      hot.map((h) => [h.function, h.line, h.selfMs, h.exact]),
      [['work', 10, 30, false]],
    );
  });

  it('the editor: a note after the line and a hover, no gutter mark', () => {
    const h: HotLine = {
      file: FILE,
      line: 6,
      function: 'burnCpu',
      selfMs: 240.4,
      samples: 120,
      share: 0.8,
      blockingSelfMs: 238,
      functionSelfMs: 290,
      totalMs: 295,
      exact: true,
    };
    assert.equal(hotLineNote(h), 'self 240 ms (burnCpu)');
    assert.equal(
      hotLineNote({ ...h, function: '(anonymous)', selfMs: 4.5 }),
      'self 4.5 ms (anonymous)',
    );
    assert.deepEqual(
      hotLineHover(h).map((p) => (p.kind === 'text' ? p.text : p.label)),
      [
        "Sampled stacks: burnCpu ran 240 ms on this line, 80% of the run's samples (120 samples)",
        'burnCpu: self 290 ms, total 295 ms (with what it called)',
        '238 ms of it inside blocking callbacks',
      ],
    );
    const views = fileViews(
      {
        verdict: { kind: 'neither', text: '' },
        findings: [],
        lines: [],
        hotLines: [h],
        final: true,
      },
      () => true,
    );
    const v = views.get(FILE)!;
    assert.deepEqual(v.marks, []);
    assert.deepEqual(
      v.hot?.map((x) => [x.line, x.note]),
      [[6, 'self 240 ms (burnCpu)']],
    );
    // Older webviews post no hotLines: nothing changes.
    const none = fileViews(
      { verdict: { kind: 'neither', text: '' }, findings: [], lines: [], final: true },
      () => true,
    );
    assert.equal(none.size, 0);
  });
});
