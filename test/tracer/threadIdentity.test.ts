// Thread identity on real programs, on every supported Node.js (issue #15): each program
// reports its own ground truth (its threads from /proc before and after its pool was born, the
// tids a native addon's threads and its pool work ran on), which the trace's classes must match.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceDecoder } from '../../src/model/decoder';
import { summarize, type TraceSummary } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { buildCli, scratchDir, supportedNodes } from './helpers';
import { assertFiguresAgree } from '../unit/figuresAgree';

const PROGRAMS = path.join(__dirname, 'programs', 'thread-identity');
const { nodes } = supportedNodes();
/** A pool size other than libuv's default, so that a default cannot pass for it. */
const POOL = 3;

interface Recorded {
  model: TraceModel;
  summary: TraceSummary;
  ground: Record<string, number[]>;
}

/** Records `program` on `node` the way `concurrency-visualizer record` does; its GROUND line. */
function record(node: string, program: string, args: string[] = []): Recorded {
  const out = path.join(scratchDir(), 'run.cvtrace');
  const r = spawnSync(
    process.execPath,
    [buildCli(), 'record', '--out', out, '--', node, path.join(PROGRAMS, program), ...args],
    {
      encoding: 'utf8',
      timeout: 60000,
      env: { ...process.env, UV_THREADPOOL_SIZE: String(POOL) },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('GROUND '));
  assert.ok(line, `no ground truth from ${program}: ${r.stdout}`);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(fs.readFileSync(out));
  const summary = summarize(model);
  assertFiguresAgree(model, summary, program);
  return { model, summary, ground: JSON.parse(line.slice('GROUND '.length)) };
}

/** The OS threads of the traced root process, by kind. */
function byKind(s: TraceSummary, pid = rootPid(s)): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of s.osThreads.filter((o) => o.pid === pid)) {
    (out[t.kind] ??= []).push(t.tid);
  }
  for (const tids of Object.values(out)) {
    tids.sort((a, b) => a - b);
  }
  return out;
}

/** The process that record started: the one whose parent was not traced. */
function rootPid(s: TraceSummary): number {
  return s.processes.find((p) => !s.processes.some((q) => q.pid === p.ppid))!.pid;
}

const minus = (a: number[], b: number[]) => a.filter((x) => !b.includes(x));
const show = (s: TraceSummary) =>
  JSON.stringify(s.osThreads.map((t) => [t.tid, t.name, t.kind, t.basis, t.cpuMs]));

let addon: string | undefined;
/** Builds native-threads/addon.c against the N-API headers of a Node.js from the registry. */
function nativeAddon(): string {
  if (!addon) {
    const include = nodes
      .map((n) => path.join(path.dirname(n.path), '..', 'include', 'node'))
      .find((dir) => fs.existsSync(path.join(dir, 'node_api.h')));
    assert.ok(include, 'no Node.js with N-API headers (include/node/node_api.h) to build with');
    const out = path.join(scratchDir(), 'threads.node');
    const source = path.join(PROGRAMS, 'native-threads', 'addon.c');
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-I', include, source, '-o', out, '-lpthread']);
    addon = out;
  }
  return addon;
}

const linux = process.platform === 'linux';

for (const node of nodes) {
  (linux ? describe : describe.skip)(`thread identity, Node ${node.version}`, function () {
    this.timeout(90000);
    before(() => buildCli());

    it(`a pbkdf2 pool: exactly ${POOL} libuv threads, the ones born with it, each busy; no V8 thread among them`, () => {
      const { summary, ground } = record(node.path, 'pool.js');
      const kinds = byKind(summary);
      const pool = minus(ground.after, ground.before);
      assert.equal(pool.length, POOL, `the program saw ${pool.length} new threads`);
      assert.deepEqual(kinds.libuv, pool, show(summary));
      for (const tid of pool) {
        const t = summary.osThreads.find((o) => o.tid === tid)!;
        assert.ok(t.cpuMs >= 1, `pool thread ${tid} idle: ${show(summary)}`);
      }
      // Everything born before the script is V8's or the inspector's.
      const startUp = minus(ground.before, [rootPid(summary)]);
      assert.deepEqual(
        [...(kinds.v8 ?? []), ...(kinds.other ?? [])].sort(),
        startUp.sort(),
        show(summary),
      );
      assert.equal(kinds.unknown, undefined, show(summary));
      assert.ok(summary.cores.cpuMsByKind.libuv > 0, JSON.stringify(summary.cores.cpuMsByKind));
    });

    it('an allocation-heavy program without threadpool work: no libuv thread, GC threads are V8', () => {
      const { summary, ground } = record(node.path, 'alloc.js');
      const kinds = byKind(summary);
      assert.deepEqual(ground.after, ground.before, 'the program started threads');
      assert.equal(kinds.libuv, undefined, show(summary));
      assert.equal(kinds.unknown, undefined, show(summary));
      assert.equal(kinds.native, undefined, show(summary));
      // Garbage collection ran on V8's helpers: they used CPU, and they are not the user's.
      assert.ok(summary.cores.cpuMsByKind.v8 > 0, show(summary));
      assert.notEqual(summary.verdict.kind, 'parallel', summary.verdict.text);
      assert.match(summary.verdict.text, /not parallel in your code: one JavaScript thread/);
    });

    it('workers and the pool together: workers by their JS threads, the pool by its birth', () => {
      const { summary, ground } = record(node.path, 'mixed.js');
      const kinds = byKind(summary);
      assert.deepEqual(kinds.libuv, minus(ground.afterPool, ground.before), show(summary));
      const workers = summary.osThreads.filter((t) => t.kind === 'worker');
      assert.equal(workers.length, 2, show(summary));
      for (const w of workers) {
        assert.equal(w.basis, 'trace');
        assert.ok(w.cpuMs > 0, show(summary));
      }
      assert.equal(kinds.unknown, undefined, show(summary));
      assert.equal(kinds.native, undefined, show(summary));
      assert.match(
        summary.verdict.text,
        /in your code: 3 JavaScript threads \(2 of them workers\)/,
      );
    });

    it('child processes by their command lines, parents and exit codes', () => {
      const pkg = path.join(scratchDir(), 'node_modules', 'fake-runner', 'build', 'workers');
      fs.mkdirSync(pkg, { recursive: true });
      const child = path.join(pkg, 'processChild.js');
      fs.copyFileSync(path.join(PROGRAMS, 'processChild.js'), child);
      const { summary, ground } = record(node.path, 'children.js', [child]);
      assert.deepEqual(ground.codes, [3, 0]);
      const root = rootPid(summary);
      const byCommand = new Map(summary.processes.map((p) => [p.command, p]));
      const list = JSON.stringify(summary.processes);
      assert.equal(byCommand.get('children.js fake-runner/processChild.js')?.pid, root, list);
      const kid = byCommand.get('fake-runner/processChild.js 3');
      assert.ok(kid, list);
      assert.equal(kid.ppid, root);
      assert.equal(kid.exitCode, 3);
      const sh = summary.processes.find((p) => p.command === 'sh');
      assert.ok(sh, list);
      assert.equal(sh.ppid, root);
      // The child's threads are named from its own tracer's evidence too.
      assert.equal(byKind(summary, kid.pid).unknown, undefined, show(summary));
    });

    it("a native addon's own threads are native, its async work's threads libuv", () => {
      const { summary, ground } = record(node.path, 'native.js', [nativeAddon()]);
      const kinds = byKind(summary);
      assert.deepEqual(
        kinds.native,
        [...ground.own].sort((a, b) => a - b),
        show(summary),
      );
      for (const tid of ground.pool) {
        assert.ok(kinds.libuv?.includes(tid), `pool tid ${tid}: ${show(summary)}`);
      }
      assert.equal(kinds.libuv?.length, POOL, show(summary));
      assert.ok(summary.cores.cpuMsByKind.native > 0, JSON.stringify(summary.cores.cpuMsByKind));
    });
  });
}
