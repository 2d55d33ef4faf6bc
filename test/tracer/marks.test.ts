// The program's own marks (performance.mark / measure, console.time / timeEnd), recorded by the
// tracer in the thread that made them, on the session clock, on every supported Node.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { MarkKind } from '../../src/shared/traceFormat';
import { rangeStats } from '../../src/model/rangeStats';
import { TraceModel } from '../../src/model/traceModel';
import type { ThreadInfo } from '../../src/shared/traceFormat';
import { resourcesOfType, supportedNodes, traceProgram } from './helpers';

const PROGRAMS = path.join(__dirname, 'programs');

const threadInfoStub: ThreadInfo = {
  pid: 1,
  threadId: 0,
  osTid: -1,
  kind: 'main',
  name: 'main',
  parentPid: -1,
  parentThreadId: -1,
  nodeVersion: 'v20',
  platform: 'linux',
  arch: 'x64',
  cores: 2,
  argv: [],
  startNs: 0,
};
const { nodes } = supportedNodes();

interface MarkSeen {
  lane: number;
  kind: number;
  startNs: number;
  endNs: number;
}

/** The marks of a run by name (each name is made once). */
function marksByName(model: TraceModel): Map<string, MarkSeen> {
  const out = new Map<string, MarkSeen>();
  const m = model.marks;
  for (let i = 0; i < m.count; i++) {
    assert.equal(out.has(m.nameOf(i)), false, `${m.nameOf(i)} once`);
    out.set(m.nameOf(i), {
      lane: m.thread.data[i],
      kind: m.kind.data[i],
      startNs: m.startNs.data[i],
      endNs: m.startNs.data[i] + m.durationNs.data[i],
    });
  }
  return out;
}

/** The one callback span of an operation of `type` on `lane`: [start, end]. */
function callbackOf(model: TraceModel, lane: number, type: string): [number, number] {
  const res = resourcesOfType(model, type).filter((r) => model.resThread.data[r] === lane);
  assert.equal(res.length, 1, `one ${type} on lane ${lane}`);
  const span = model.resFirstSpan.data[res[0]];
  assert.ok(span >= 0, `the ${type} ran`);
  return [model.spanStartNs.data[span], model.spanEndNs.data[span]];
}

for (const node of nodes) {
  describe(`marks, Node ${node.version}`, function () {
    this.timeout(60_000);

    it('records marks, measures and console.time spans in main and in a worker, inside the callbacks that made them', async () => {
      const run = await traceProgram(path.join(PROGRAMS, 'marks.js'), { node: node.path });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /measures: main-work\n/);
      assert.match(run.stdout, /returned: main-last\n/);
      assert.match(run.stdout, /main-timer: [\d.]+ms/);
      const model = run.model;
      const main = model.threads.findIndex((t) => t.info.kind === 'main');
      const worker = model.threads.findIndex((t) => t.info.kind === 'worker');
      assert.ok(main >= 0 && worker >= 0, 'a main and a worker lane');
      const marks = marksByName(model);
      assert.deepEqual([...marks.keys()].sort(), [
        'main-end',
        'main-last',
        'main-start',
        'main-timer',
        'main-work',
        'worker-end',
        'worker-start',
        'worker-timer',
        'worker-work',
      ]);
      for (const [prefix, lane, type] of [
        ['main', main, 'Timeout'],
        ['worker', worker, 'Immediate'],
      ] as const) {
        const [cbStart, cbEnd] = callbackOf(model, lane, type);
        const start = marks.get(`${prefix}-start`)!;
        const end = marks.get(`${prefix}-end`)!;
        const work = marks.get(`${prefix}-work`)!;
        const timer = marks.get(`${prefix}-timer`)!;
        for (const [name, mark] of Object.entries({ start, end, work, timer })) {
          assert.equal(mark.lane, lane, `${prefix}-${name} on its thread's lane`);
          assert.ok(
            mark.startNs >= cbStart && mark.endNs <= cbEnd,
            `${prefix}-${name} [${mark.startNs}, ${mark.endNs}] inside its callback [${cbStart}, ${cbEnd}]`,
          );
        }
        assert.equal(start.kind, MarkKind.Mark);
        assert.equal(start.endNs, start.startNs, 'a mark is a point');
        assert.equal(work.kind, MarkKind.Measure);
        // The measure spans its two marks exactly (one clock, one conversion).
        assert.equal(work.startNs, start.startNs);
        assert.ok(Math.abs(work.endNs - end.startNs) <= 1, `${work.endNs} ~ ${end.startNs}`);
        // 5 ms of spinning between them (Date.now() steps: at least 4 ms).
        assert.ok(end.startNs - start.startNs >= 4e6, 'the marks are 5 ms apart');
        assert.equal(timer.kind, MarkKind.ConsoleTime);
        assert.ok(timer.startNs >= end.startNs, 'console.time after the measure');
        assert.ok(timer.endNs - timer.startNs >= 2e6, 'console.time spans its 3 ms of spinning');
      }
    });

    it('records no marks for a program that makes none', async () => {
      const run = await traceProgram(path.join(PROGRAMS, 'empty.js'), { node: node.path });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.model.marks.count, 0);
      assert.equal(run.model.spanCount, 1, 'only the main script');
    });
  });
}

describe('marks in the range statistics', () => {
  it('counts the measures that overlap a range by name, with their time inside it, and the marks in it', () => {
    const model = new TraceModel();
    const ms = 1e6;
    model.thread('1:0', { ...threadInfoStub, pid: 1 }, 0);
    model.mark('1:0', 10 * ms, 20 * ms, 'load', MarkKind.Measure); // 10-30
    model.mark('1:0', 40 * ms, 5 * ms, 'load', MarkKind.Measure); // 40-45
    model.mark('1:0', 50 * ms, 10 * ms, 'tick', MarkKind.ConsoleTime); // 50-60: outside
    model.mark('1:0', 25 * ms, 0, 'here', MarkKind.Mark);
    model.mark('1:0', 70 * ms, 0, 'later', MarkKind.Mark);
    const stats = rangeStats(model, 20 * ms, 50 * ms);
    assert.deepEqual(stats.measures, [
      { name: 'load', count: 2, insideNs: 15 * ms, longestNs: 20 * ms },
    ]);
    assert.equal(stats.marks, 1);
  });
});
