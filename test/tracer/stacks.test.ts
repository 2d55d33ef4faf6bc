/**
 * Sampled JavaScript stacks (issue #17) against ground truth: programs that spend a known time
 * in a named function defined on a known line, on every supported Node.js, recorded with the
 * tracer's stack sampling on as the CLI and the extension inject it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { readSessionTrace } from '../../src/launch/tail';
import { TraceDecoder } from '../../src/model/decoder';
import { computeInsights } from '../../src/model/insights';
import { hotFunctions } from '../../src/model/stacks';
import { summarize, type TraceSummary } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import {
  buildTracer,
  linesContaining,
  runProgram,
  scratchDir,
  supportedNodes,
  type NodeBinary,
  type RunResult,
} from './helpers';

const { nodes, missing } = supportedNodes();

/** A 300 ms CPU-bound timer callback that spends it in burnCpu. */
const TIMER_PROGRAM = `
function burnCpu(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
setTimeout(() => {
  burnCpu(300);
}, 20);
`;

/** The same, in a worker's timer. */
const WORKER_PROGRAM = `
const { Worker, isMainThread } = require('node:worker_threads');
function burnInWorker(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
if (isMainThread) {
  new Worker(__filename, { name: 'burner' });
} else {
  setTimeout(() => {
    burnInWorker(300);
  }, 20);
}
`;

/** A worker that works in 20 ms chunks until its parent terminates it (after >= 1.5 s). */
const TERMINATED_PROGRAM = `
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
function burnChunk(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
if (isMainThread) {
  const w = new Worker(__filename, { name: 'doomed' });
  w.on('message', () => w.terminate());
} else {
  const start = Date.now();
  let told = false;
  const step = () => {
    burnChunk(20);
    if (!told && Date.now() - start >= 1500) {
      told = true;
      parentPort.postMessage('worked 1.5 s');
    }
    setImmediate(step);
  };
  step();
}
`;

/** A program that profiles itself through its own inspector session. */
const OWN_SESSION_PROGRAM = `
const inspector = require('node:inspector');
function ownWork(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable', () => {
  session.post('Profiler.start', () => {
    ownWork(200);
    session.post('Profiler.stop', (err, { profile }) => {
      const names = new Set(profile.nodes.map((n) => n.callFrame.functionName));
      console.log(JSON.stringify({ err, samples: profile.samples.length, ownWork: names.has('ownWork') }));
    });
  });
});
`;

interface StackRun extends RunResult {
  model: TraceModel;
  summary: TraceSummary;
  file: string;
}

/** Runs `source` (written to a file) traced with stack sampling every 1 ms. */
async function runWithStacks(
  node: NodeBinary,
  source: string,
  nodeArgs: string[] = [],
): Promise<StackRun> {
  const dir = scratchDir('cv-stacks-');
  const file = path.join(dir, 'program.js');
  fs.writeFileSync(file, source);
  const session = createSession(buildTracer(), dir, { stacks: 1000 });
  const env = {
    ...process.env,
    NODE_OPTIONS: withTracerNodeOptions(process.env.NODE_OPTIONS, session.preloadPath),
  };
  const result = await runProgram(file, { node: node.path, env, nodeArgs, cwd: dir });
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(readSessionTrace(session.dir));
  return { ...result, model, summary: summarize(model), file };
}

const lineOf = (file: string, text: string): number => {
  const lines = linesContaining(file, text);
  assert.equal(lines.length, 1, `one line with ${text}`);
  return lines[0];
};

describe('stacks: sampled JavaScript stacks (#17)', function () {
  this.timeout(60000);
  before(() => buildTracer());

  it('every supported Node.js is there to test', () => {
    assert.deepEqual(missing, []);
  });

  for (const node of nodes) {
    describe(`Node ${node.version}`, () => {
      it('a 300 ms timer callback in burnCpu: blocking[0].hot[0] is burnCpu at its line, >= 80%', async () => {
        const run = await runWithStacks(node, TIMER_PROGRAM);
        assert.equal(run.code, 0, run.stderr);
        const b = run.summary.blocking[0];
        // Date.now() ticks in whole ms: the loop may end a tick early.
        assert.ok(b && b.durationMs >= 295, JSON.stringify(run.summary.blocking));
        assert.equal(b.type, 'Timeout');
        const hot = b.hot?.[0];
        assert.ok(hot, JSON.stringify(b));
        assert.equal(hot.function, 'burnCpu');
        assert.equal(hot.file, run.file);
        assert.equal(hot.line, lineOf(run.file, 'function burnCpu'));
        assert.ok(hot.totalMs >= 0.8 * b.durationMs, JSON.stringify(b));
        assert.ok(hot.selfMs >= 0.8 * b.durationMs, JSON.stringify(b));
        // The same through the text summary's source, and nothing said to be off.
        assert.ok(run.summary.stacks?.threads.every((t) => t.on));
        // Self time per line (V8's line ticks): the loop's line, inside the blocking callback.
        const line = computeInsights(run.model, { final: true }).hotLines?.[0];
        assert.ok(line, 'hot lines');
        assert.deepEqual(
          [line.function, line.file, line.line, line.exact],
          ['burnCpu', run.file, lineOf(run.file, 'while (Date.now()'), true],
        );
        assert.ok(line.selfMs >= 0.8 * b.durationMs, JSON.stringify(line));
        assert.ok(line.blockingSelfMs >= 0.8 * b.durationMs, JSON.stringify(line));
      });

      it('the same in a worker: its blocking callback is burnInWorker at its line', async () => {
        const run = await runWithStacks(node, WORKER_PROGRAM);
        assert.equal(run.code, 0, run.stderr);
        const worker = run.model.threads.find((t) => t.info.kind === 'worker');
        assert.ok(worker, 'the worker has a lane');
        const b = run.summary.blocking.find((x) =>
          x.thread.includes(`thread ${worker.info.threadId})`),
        );
        assert.ok(b, JSON.stringify(run.summary.blocking));
        const hot = b.hot?.[0];
        assert.ok(hot, JSON.stringify(b));
        assert.equal(hot.function, 'burnInWorker');
        assert.equal(hot.line, lineOf(run.file, 'function burnInWorker'));
        assert.ok(hot.selfMs >= 0.8 * b.durationMs, JSON.stringify(b));
        const line = computeInsights(run.model, { final: true }).hotLines?.[0];
        assert.ok(line, 'hot lines');
        assert.deepEqual(
          [line.function, line.line],
          ['burnInWorker', lineOf(run.file, 'while (Date.now()')],
        );
        assert.ok(line.blockingSelfMs >= 0.8 * b.durationMs, JSON.stringify(line));
      });

      it('a worker terminated mid-work keeps the samples written before its end', async () => {
        const run = await runWithStacks(node, TERMINATED_PROGRAM);
        assert.equal(run.code, 0, run.stderr);
        const worker = run.model.threads.find((t) => t.info.kind === 'worker');
        assert.ok(worker, 'the worker has a lane');
        assert.equal(worker.end?.reason, 'terminated');
        const stacks = run.model.stacks.of(worker.stream);
        assert.ok(stacks, 'the worker has stacks');
        const hot = hotFunctions(stacks, 0, Infinity, 3);
        const burn = hot.find((h) => h.function === 'burnChunk');
        // It burned >= 1.5 s; batches are written about once a second of its run.
        assert.ok(burn && burn.selfMs >= 500, JSON.stringify(hot));
      });

      it('under --cpu-prof: its profile is written and the trace says stacks were skipped', async () => {
        const profDir = scratchDir('cv-cpuprof-');
        const run = await runWithStacks(node, TIMER_PROGRAM, [
          '--cpu-prof',
          '--cpu-prof-dir',
          profDir,
        ]);
        assert.equal(run.code, 0, run.stderr);
        const profiles = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
        assert.equal(profiles.length, 1, profiles.join());
        const profile = JSON.parse(fs.readFileSync(path.join(profDir, profiles[0]), 'utf8')) as {
          nodes: Array<{ callFrame: { functionName: string } }>;
          samples: number[];
        };
        assert.ok(profile.samples.length > 50, `${profile.samples.length} samples`);
        assert.ok(profile.nodes.some((n) => n.callFrame.functionName === 'burnCpu'));
        const threads = run.summary.stacks?.threads ?? [];
        assert.equal(threads.length, 1);
        assert.equal(threads[0].on, false);
        assert.match(threads[0].reason ?? '', /--cpu-prof/);
        assert.equal(run.model.stacks.sampleCount, 0);
        assert.equal(run.summary.blocking[0].hot, undefined);
      });

      it("a program's own inspector session profiles as it would untraced", async () => {
        const run = await runWithStacks(node, OWN_SESSION_PROGRAM);
        assert.equal(run.code, 0, run.stderr);
        const own = JSON.parse(run.stdout.trim()) as {
          err: unknown;
          samples: number;
          ownWork: boolean;
        };
        assert.equal(own.err, null);
        assert.ok(own.samples > 50, run.stdout);
        assert.equal(own.ownWork, true);
        // Ours kept sampling beside it.
        const main = run.model.threads[0];
        const hot = hotFunctions(run.model.stacks.of(main.stream)!, 0, Infinity, 3);
        assert.equal(hot[0]?.function, 'ownWork', JSON.stringify(hot));
      });
    });
  }
});
