// Thread identity from birth (issue #15), the verdict's words on the user's own code, and
// processes by name, on synthetic traces whose ground truth is known by construction. The
// same on real programs and four Node versions: test/tracer/threadIdentity.test.ts.
import * as assert from 'node:assert/strict';
import { TraceDecoder } from '../../src/model/decoder';
import { processesOf, shortCommand, shortPath } from '../../src/model/processes';
import { summarize } from '../../src/model/summary';
import { classifyOsThreads } from '../../src/model/threadKinds';
import { TraceModel } from '../../src/model/traceModel';
import {
  THREAD_STATE_RUNNING,
  type ThreadEnd,
  type ThreadInfo,
} from '../../src/shared/traceFormat';
import { threadpoolSize, v8PoolSize } from '../../src/tracer/threadInfo';
import { StreamBuilder, traceFile } from '../fixtures/traceBuilder';
import { assertFiguresAgree } from './figuresAgree';

const MS = 1e6;

/**
 * A process's main thread (pid 100) with `info`, a threadpool request at `requestMs`, ending
 * with `end` (by default: it loaded the addon sharp.node).
 */
function traced(
  info: Partial<ThreadInfo>,
  requestMs?: number,
  end: Partial<ThreadEnd> = { nativeAddons: ['sharp.node'] },
): TraceModel {
  const s = new StreamBuilder(100, 0, 1 << 16);
  s.thread(10 * MS, 'main', { osTid: 100, argv: ['/usr/bin/node', '/w/app.js'], ...info });
  if (requestMs !== undefined) {
    s.string(1, 'FSREQCALLBACK');
    s.init(requestMs * MS, 5, 1, 1, 0);
    s.before((requestMs + 40) * MS, 5);
    s.after((requestMs + 41) * MS, 5);
  }
  s.end(900 * MS, { reason: 'exit', exitCode: 0, ...end });
  s.cut(true);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(traceFile(s.frames));
  return model;
}

/** OS threads of pid 100 first seen at `atMs`. */
function born(model: TraceModel, atMs: number, tids: number[], name = 'node'): void {
  for (const tid of tids) {
    model.osThread(atMs * MS, 100, tid, 1, name);
  }
}

/** Thread `tid` ran `runMs` out of every 10 ms over [fromMs, toMs). */
function ran(model: TraceModel, tid: number, fromMs: number, toMs: number, runMs = 10): void {
  for (let t = fromMs + 10; t <= toMs; t += 10) {
    model.cpuSample({
      timeNs: t * MS,
      tid,
      periodNs: 10 * MS,
      runNs: runMs * MS,
      waitNs: 0,
      cpu: tid % 2,
      state: THREAD_STATE_RUNNING,
    });
  }
}

function kinds(model: TraceModel): Record<number, string> {
  const classes = classifyOsThreads(model);
  return Object.fromEntries(model.os.threads.map((row, i) => [row.tid, classes[i].kind]));
}

describe('thread identity from birth', () => {
  const startUp = { startTids: [101, 102, 103, 104, 105, 106], threadpoolSize: 3, v8PoolSize: 4 };

  it("names V8's start-up threads, libuv's burst and later native threads", () => {
    const model = traced(startUp, 195);
    born(model, 1, [100, 101, 102, 103, 104, 105, 106]);
    born(model, 50, [108]); // an addon's thread, before any threadpool request
    born(model, 202, [109, 110, 111]); // the pool, at the first request
    born(model, 400, [112]);
    // A V8 worker that runs only while the request waits is still V8's.
    ran(model, 103, 195, 235);
    ran(model, 109, 195, 235);
    const classes = classifyOsThreads(model);
    assert.deepEqual(kinds(model), {
      100: 'main',
      101: 'v8',
      102: 'v8',
      103: 'v8',
      104: 'v8',
      105: 'v8',
      106: 'other',
      108: 'native',
      109: 'libuv',
      110: 'libuv',
      111: 'libuv',
      112: 'native',
    });
    const basis = new Set(classes.slice(1).map((c) => c.basis));
    assert.deepEqual([...basis], ['birth']);
    assert.match(classes[1].label, /delayed-task scheduler/);
    assert.match(classes[6].label, /inspector signal thread/);
  });

  it('does not take a same-sized group born before the first request for the pool', () => {
    const model = traced({ ...startUp, threadpoolSize: 2 }, 100);
    born(model, 1, [100, 101, 102, 103, 104, 105, 106]);
    born(model, 50, [107, 108]);
    born(model, 110, [109, 110]);
    const k = kinds(model);
    assert.deepEqual([k[107], k[108], k[109], k[110]], ['native', 'native', 'libuv', 'libuv']);
  });

  it("takes the pool from the tracer's thread list at the first request, over timing", () => {
    // An addon's two threads and the pool of 3, all first seen in the same tick.
    const model = traced(startUp, 100, {
      nativeAddons: ['threads.node'],
      requestNs: 100 * MS,
      requestTids: [...startUp.startTids, 107, 108],
    });
    born(model, 1, [100, 101, 102, 103, 104, 105, 106]);
    born(model, 105, [107, 108, 109, 110, 111]);
    const k = kinds(model);
    assert.deepEqual(
      [107, 108, 109, 110, 111].map((t) => k[t]),
      ['native', 'native', 'libuv', 'libuv', 'libuv'],
    );
  });

  it("calls a later thread Node's own when no addon was loaded, unknown when not told", () => {
    const cases: Array<[Partial<ThreadEnd>, string]> = [
      [{ nativeAddons: [] }, 'other'],
      [{}, 'unknown'],
    ];
    for (const [end, kind] of cases) {
      const model = traced(startUp, undefined, end);
      born(model, 1, [100, 101, 102, 103, 104, 105, 106]);
      born(model, 300, [107]);
      const classes = classifyOsThreads(model);
      assert.equal(kinds(model)[107], kind);
      assert.match(classes[7].label, kind === 'other' ? /no native addon/ : /has no end for it/);
    }
  });

  it('has no libuv thread where no burst of the pool size was born', () => {
    const model = traced(startUp);
    born(model, 1, [100, 101, 102, 103, 104, 105, 106]);
    ran(model, 102, 20, 300); // garbage collection
    const k = kinds(model);
    assert.ok(!Object.values(k).includes('libuv'), JSON.stringify(k));
    assert.equal(k[102], 'v8');
  });

  it('lets names win where Node gives them, and says why an unknown is unknown', () => {
    const model = traced({});
    born(model, 1, [100]);
    born(model, 1, [101], 'V8Worker');
    born(model, 1, [102], 'libuv-worker');
    born(model, 1, [103]);
    model.osThread(1 * MS, 300, 300, 100, 'esbuild');
    model.osThread(1 * MS, 300, 301, 100, 'esbuild');
    const classes = classifyOsThreads(model);
    assert.deepEqual(
      classes.map((c) => [c.kind, c.basis]),
      [
        ['main', 'trace'],
        ['v8', 'name'],
        ['libuv', 'name'],
        ['unknown', 'none'],
        ['main', 'pid'],
        ['unknown', 'none'],
      ],
    );
    assert.match(classes[3].label, /no start-up thread list/);
    assert.match(classes[5].label, /did not run in/);
  });

  it('reads the pool sizes as libuv and Node do', () => {
    assert.equal(threadpoolSize(undefined), 4);
    assert.equal(threadpoolSize('2'), 2);
    assert.equal(threadpoolSize('0'), 1);
    assert.equal(threadpoolSize('x'), 1);
    assert.equal(threadpoolSize('5000'), 1024);
    assert.equal(v8PoolSize(['--max-old-space-size=100']), 4);
    assert.equal(v8PoolSize(['--v8-pool-size=2']), 2);
    assert.equal(v8PoolSize(['--v8-pool-size', '1']), 1);
  });
});

describe("the verdict about the user's code", () => {
  it("is not parallel when only V8's helpers ran beside one JS thread, and says so", () => {
    const model = traced({ startTids: [101, 102], threadpoolSize: 4, v8PoolSize: 1 });
    born(model, 1, [100, 101, 102]);
    ran(model, 100, 10, 810);
    ran(model, 102, 10, 810); // a platform worker busy all along: 1.5+ cores for 800 ms
    const s = summarize(model);
    assert.ok(s.cores.parallelMs >= 700, JSON.stringify(s.cores));
    assert.equal(s.verdict.kind, 'neither', s.verdict.text);
    assert.match(
      s.verdict.text,
      /not parallel in your code: one JavaScript thread; V8's helper threads \(garbage collection, compilation\) used 800 ms of CPU beside it/,
    );
    assert.deepEqual(s.cores.cpuMsByKind, {
      main: 800,
      worker: 0,
      libuv: 0,
      native: 0,
      v8: 800,
      other: 0,
      unknown: 0,
    });
    assertFiguresAgree(model, s, 'helpers beside one JS thread');
  });

  it("is parallel when the program's own pool ran beside its JS thread", () => {
    const model = traced({ startTids: [101], threadpoolSize: 1, v8PoolSize: 1 }, 15);
    born(model, 1, [100, 101]);
    born(model, 20, [102]);
    ran(model, 100, 20, 820);
    ran(model, 102, 20, 820);
    const s = summarize(model);
    assert.equal(s.osThreads.find((t) => t.tid === 102)?.kind, 'libuv');
    assert.ok(['parallel', 'both'].includes(s.verdict.kind), s.verdict.text);
    assert.match(
      s.verdict.text,
      /parallel in your code: one JavaScript thread, libuv's threadpool 800 ms of CPU/,
    );
    assertFiguresAgree(model, s, 'pool beside one JS thread');
  });
});

describe('processes by name', () => {
  it('shortens command lines the way people say them', () => {
    assert.equal(
      shortPath('/p/node_modules/jest-worker/build/workers/processChild.js'),
      'jest-worker/processChild.js',
    );
    assert.equal(shortPath('/p/node_modules/@scope/pkg/dist/cli.js'), '@scope/pkg/cli.js');
    assert.equal(shortPath('/p/node_modules/.bin/tsc'), 'tsc');
    assert.equal(shortPath('/p/node_modules/tsc'), 'tsc');
    assert.equal(
      shortCommand(['/usr/bin/node', '/home/u/app/server.js', '--port', '80']),
      'server.js --port 80',
    );
    assert.equal(
      shortCommand(['/usr/bin/node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'start']),
      'npm run start',
    );
    assert.equal(shortCommand(['/usr/bin/node']), 'node');
    assert.ok(shortCommand(['node', 'a.js', 'x'.repeat(500)]).length <= 100);
  });

  it('lists traced and untraced processes with parents and how they ended', () => {
    const parent = new StreamBuilder(100, 0, 1 << 16);
    parent.thread(1 * MS, 'main', { osTid: 100, parentPid: 7, argv: ['node', '/w/run.js'] });
    parent.end(50 * MS, { reason: 'exit', exitCode: 0 });
    parent.cut(true);
    const child = new StreamBuilder(200, 0, 1 << 16);
    child.thread(2 * MS, 'main', {
      osTid: 200,
      parentPid: 100,
      argv: ['node', '/w/node_modules/jest-worker/build/workers/processChild.js'],
    });
    child.end(40 * MS, { reason: 'exit', exitCode: 1 });
    child.cut(true);
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(traceFile([...parent.frames, ...child.frames]));
    model.osThread(3 * MS, 300, 300, 100, 'sh');
    assert.deepEqual(processesOf(model), [
      { pid: 100, ppid: 7, command: 'run.js', exitCode: 0, signal: null },
      { pid: 200, ppid: 100, command: 'jest-worker/processChild.js', exitCode: 1, signal: null },
      { pid: 300, ppid: 100, command: 'sh', exitCode: null, signal: null },
    ]);
    assert.deepEqual(summarize(model).processes, processesOf(model));
  });
});
