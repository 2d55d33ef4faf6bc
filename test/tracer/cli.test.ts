import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceSession } from '../../src/launch/traceSession';
import type { ExitInfo } from '../../src/launch/runner';
import { TraceDecoder } from '../../src/model/decoder';
import type { TraceSummary } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { buildCli, linesContaining, ROOT, scratchDir, supportedNodes } from './helpers';

const PROGRAMS = path.join(__dirname, 'programs');

/** Runs the CLI as a user would. */
function cli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [buildCli(), ...args], {
    cwd: opts.cwd ?? scratchDir(),
    env: opts.env ?? process.env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function summaryOf(file: string): TraceSummary {
  const r = cli(['summary', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as TraceSummary;
}

describe('concurrency-visualizer CLI', function () {
  this.timeout(60000);

  it('records a program, passing stdio through and keeping its exit code', () => {
    const out = path.join(scratchDir(), 'run.cvtrace');
    const program = path.join(PROGRAMS, 'exit-code.js');
    const r = cli(['record', '--out', out, '--', process.execPath, program, '5'], { input: 'abc' });
    assert.equal(r.code, 5);
    assert.match(r.stdout, /stdout: got "abc"/);
    assert.match(r.stderr, /stderr: NODE_OPTIONS has user flag: false/);
    assert.match(r.stderr, /trace written to/);
    const s = summaryOf(out);
    assert.equal(s.program.exitCode, 5);
    assert.equal(s.program.signal, null);
    assert.equal(s.program.nodeVersion, process.version);
    assert.ok(s.program.command.includes('exit-code.js'));
    assert.ok(s.program.cores >= 1);
    assert.equal(s.threads.length, 1);
    assert.equal(s.threads[0].kind, 'main');
    assert.equal(s.truncated, false);
    assert.equal(s.eventsDropped, 0);
    assert.ok(s.eventsRecorded > 0);
  });

  it('exits 128+N when the program dies of signal N', () => {
    const out = path.join(scratchDir(), 'sig.cvtrace');
    const r = cli([
      'record',
      '--out',
      out,
      '--',
      process.execPath,
      path.join(PROGRAMS, 'die-by-signal.js'),
    ]);
    assert.equal(r.code, 128 + 15);
    assert.match(r.stdout, /about to be terminated/);
    const s = summaryOf(out);
    assert.equal(s.program.signal, 'SIGTERM');
    assert.equal(s.truncated, false, 'the SIGTERM handler flushed and wrote the end');
  });

  it('summarizes the timers example: three Timeouts, their line, peak in flight', () => {
    const out = path.join(scratchDir(), 'timers.cvtrace');
    const file = path.join(ROOT, 'examples', 'timers.js');
    assert.equal(cli(['record', '--out', out, '--', process.execPath, file]).code, 0);
    const s = summaryOf(out);
    assert.equal(s.operationsByType.Timeout, 3);
    assert.ok(s.peakInFlight.overall >= 3, `peak ${s.peakInFlight.overall}`);
    assert.equal(s.peakInFlight.perThread.length, 1);
    assert.ok(s.callsiteCoverage >= 0.99, `coverage ${s.callsiteCoverage}`);
    const [line] = linesContaining(file, 'setTimeout(');
    const timers = s.longestCallbacks.filter((c) => c.type === 'Timeout');
    assert.equal(timers.length, 3);
    for (const c of timers) {
      assert.equal(c.file, file);
      assert.equal(c.line, line);
      assert.ok(c.durationMs >= 3.9);
    }
    const text = cli(['summary', out]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Timeout\s+3/);
    assert.match(text.stdout, /Longest callbacks:/);
  });

  it('follows npm run into the program it starts, and leaves npm itself out', () => {
    const dir = scratchDir();
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'x', version: '1.0.0', scripts: { go: 'node timers.js' } }),
    );
    fs.copyFileSync(path.join(ROOT, 'examples', 'timers.js'), path.join(dir, 'timers.js'));
    const out = path.join(dir, 'npm.cvtrace');
    const r = cli(['record', '--out', out, '--', 'npm', 'run', '--silent', 'go'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /A done/);
    const s = summaryOf(out);
    const mains = s.threads.filter((t) => t.kind === 'main');
    assert.equal(mains.length, 1, `traced processes: ${JSON.stringify(s.threads)}`);
    assert.equal(s.operationsByType.Timeout, 3);
  });

  it('reports a damaged trace with its offset and summarizes everything before it', () => {
    const out = path.join(scratchDir(), 'cut.cvtrace');
    assert.equal(
      cli([
        'record',
        '--out',
        out,
        '--',
        process.execPath,
        path.join(ROOT, 'examples', 'timers.js'),
      ]).code,
      0,
    );
    const whole = fs.readFileSync(out);
    const cut = path.join(path.dirname(out), 'cut-short.cvtrace');
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 5));
    const r = cli(['summary', cut, '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Truncated trace.*offset \d+/);
    const s = JSON.parse(r.stdout) as TraceSummary;
    assert.equal(s.truncated, true);
    assert.match(s.error ?? '', /offset/);
    assert.equal(s.threads.length, 1, 'what came before the damage is there');

    const garbage = path.join(path.dirname(out), 'garbage.cvtrace');
    fs.writeFileSync(garbage, 'not a trace at all');
    const g = cli(['summary', garbage]);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /Not a trace file/);
  });

  it('stops recording at --max-size and says how much it dropped', () => {
    const out = path.join(scratchDir(), 'capped.cvtrace');
    const program = path.join(ROOT, 'bench', 'workloads', 'immediate.js');
    const r = cli(['record', '--out', out, '--max-size', '1', '--', process.execPath, program]);
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf(out);
    assert.ok(s.eventsDropped > 100000, `dropped ${s.eventsDropped}`);
    assert.ok(fs.statSync(out).size < 2 * 1024 * 1024, `trace is ${fs.statSync(out).size} bytes`);
  });

  it('estimates CPU per JS thread where no sampler runs, and says so', () => {
    // What macOS and Windows get: the tracer's own per-thread CPU readings (Node 22+ has
    // process.threadCpuUsage; older Node only the process's, on the main thread).
    const node22 = supportedNodes().nodes.find((n) => n.version.startsWith('v22'));
    assert.ok(node22, 'Node 22 is among the supported binaries');
    const out = path.join(scratchDir(), 'estimate.cvtrace');
    const program = path.join(ROOT, 'examples', 'worker.js');
    const r = cli(['record', '--no-sampler', '--out', out, '--', node22.path, program]);
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf(out);
    assert.equal(s.sampler.available, false);
    assert.equal(s.sampler.estimate, true);
    assert.equal(s.cores.estimate, true);
    const kinds = s.osThreads.map((t) => t.kind).sort();
    assert.deepEqual(kinds, ['main', 'worker'], JSON.stringify(s.osThreads));
    const worker = s.osThreads.find((t) => t.kind === 'worker')!;
    // The worker's script spins ~100 ms of wall time: on a loaded machine it gets less CPU.
    assert.ok(worker.cpuMs >= 30 && worker.cpuMs <= 150, `worker cpu ${worker.cpuMs} ms`);
    assert.equal(worker.name, 'cruncher');
  });

  it('exits 127 when the command cannot be started, and leaves no session behind', () => {
    const tmp = scratchDir('cv-127-');
    const r = cli(['record', '--out', path.join(tmp, 'none.cvtrace'), '--', 'no-such-command-cv'], {
      env: { ...process.env, TMPDIR: tmp },
    });
    assert.equal(r.code, 127);
    assert.match(r.stderr, /cannot run no-such-command-cv: spawn no-such-command-cv ENOENT/);
    assert.ok(!fs.existsSync(path.join(tmp, 'none.cvtrace')));
    const root = fs.readdirSync(tmp).find((n) => n.startsWith('concurrency-visualizer-'));
    assert.ok(root, fs.readdirSync(tmp).join());
    assert.deepEqual(fs.readdirSync(path.join(tmp, root)), []);
  });

  it('explains wrong usage', () => {
    const r = cli(['record']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no command to record/);
    assert.match(r.stderr, /usage:/);
  });
});

/**
 * A program that reports its own session folder (from the --require in its NODE_OPTIONS) and
 * the modes of what is in it, once the sampler's file is there too.
 */
const SESSION_PROBE = `
const fs = require('node:fs');
const path = require('node:path');
const dir = path.dirname(/--require "([^"]+)"/.exec(process.env.NODE_OPTIONS)[1]);
const deadline = Date.now() + 30000;
function look() {
  const names = fs.readdirSync(dir);
  if (!names.includes('sampler.cvt') && Date.now() < deadline) return setTimeout(look, 5);
  const files = {};
  for (const n of names) files[n] = fs.lstatSync(path.join(dir, n)).mode & 0o777;
  console.log('SESSION ' + JSON.stringify({ dir, mode: fs.lstatSync(dir).mode & 0o777, files }));
}
setTimeout(look, 1);
`;

/** Modes of the entries of a folder, by name. */
function modesIn(dir: string): Record<string, number> {
  return Object.fromEntries(
    fs.readdirSync(dir).map((n) => [n, fs.lstatSync(path.join(dir, n)).mode & 0o777]),
  );
}

describe('session folders on a machine shared with other users (issue #22)', function () {
  this.timeout(60000);
  if (process.platform === 'win32') {
    return; // per-user temp folder: no shared parent to plant
  }
  const uid = process.getuid!();
  let tmp: string;
  let shared: string;
  let probe: string;

  beforeEach(() => {
    // This test's own TMPDIR, with the old shared parent planted as another user would: theirs
    // and world-writable where we can chown (we run as root here), else a symlink to theirs.
    tmp = scratchDir('cv-shared-tmp-');
    shared = path.join(tmp, 'concurrency-visualizer');
    if (uid === 0) {
      fs.mkdirSync(shared);
      fs.chownSync(shared, 65534, 65534);
      fs.chmodSync(shared, 0o777);
    } else {
      const theirs = scratchDir('cv-theirs-');
      fs.chmodSync(theirs, 0o777);
      fs.symlinkSync(theirs, shared);
    }
    probe = path.join(scratchDir(), 'probe.js');
    fs.writeFileSync(probe, SESSION_PROBE);
  });

  afterEach(() => {
    assert.deepEqual(fs.readdirSync(shared), [], 'nothing was put in the shared folder');
  });

  function assertPrivate(dir: string, modes: Record<string, number>): void {
    assert.equal(path.dirname(dir), path.join(tmp, `concurrency-visualizer-${uid}`));
    const root = fs.lstatSync(path.dirname(dir));
    assert.ok(root.isDirectory() && root.uid === uid && (root.mode & 0o777) === 0o700);
    assert.ok(modes['preload.cjs'], JSON.stringify(modes));
    assert.ok(modes['sampler.cvt'], JSON.stringify(modes));
    assert.ok(
      Object.keys(modes).some((n) => n !== 'sampler.cvt' && n.endsWith('.cvt')),
      `a stream file of the program: ${JSON.stringify(modes)}`,
    );
    // The tracer's stream files are 0600 once the tracer opens them so (tracer branch).
    for (const [name, mode] of Object.entries(modes)) {
      assert.equal(mode.toString(8), '600', `${name} in ${JSON.stringify(modes)}`);
    }
  }

  it('record keeps its session in the private per-user root, 0700 with files 0600', () => {
    const out = path.join(scratchDir(), 'private.cvtrace');
    const r = cli(['record', '--out', out, '--', process.execPath, probe], {
      env: { ...process.env, TMPDIR: tmp },
    });
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('SESSION '));
    assert.ok(line, r.stdout);
    const seen = JSON.parse(line.slice('SESSION '.length)) as {
      dir: string;
      mode: number;
      files: Record<string, number>;
    };
    assert.equal(seen.mode.toString(8), '700');
    assertPrivate(seen.dir, seen.files);
    assert.ok(!fs.existsSync(seen.dir), 'record removes its session folder');
    const s = summaryOf(out);
    assert.equal(s.threads.length, 1);
    assert.ok(s.operationsByType.Timeout >= 1, JSON.stringify(s.operationsByType));
  });

  it("the extension's launcher keeps its session in the private per-user root too", async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const warnings: string[] = [];
    let stdout = '';
    let session: TraceSession;
    let exit: ExitInfo;
    try {
      exit = await new Promise<ExitInfo>((resolve) => {
        session = new TraceSession(
          {
            command: process.execPath,
            args: [probe],
            cwd: path.dirname(probe),
            env: { ...process.env },
            // buildCli() also builds dist/samplerWorker.js beside dist/tracer.js.
            tracerPath: path.join(path.dirname(buildCli()), 'tracer.js'),
            warn: (m) => warnings.push(m),
          },
          {
            stdout: (d) => (stdout += d),
            stderr: () => undefined,
            frames: () => undefined,
            exit: resolve,
          },
        );
        session.start();
      });
    } finally {
      if (saved === undefined) {
        delete process.env.TMPDIR;
      } else {
        process.env.TMPDIR = saved;
      }
    }
    assert.equal(exit.code, 0, stdout);
    assert.deepEqual(warnings, []);
    const dir = session!.folder.dir;
    assert.equal((fs.lstatSync(dir).mode & 0o777).toString(8), '700');
    assertPrivate(dir, modesIn(dir));
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(Buffer.concat(session!.chunks));
    assert.equal(model.threads.length, 1);
    let timeouts = 0;
    for (let i = 0; i < model.resourceCount; i++) {
      timeouts += model.typeOf(i) === 'Timeout' ? 1 : 0;
    }
    assert.ok(timeouts >= 1, `${timeouts} Timeouts traced`);
  });

  it('record refuses a per-user root planted by another user and says so', () => {
    const planted = path.join(tmp, `concurrency-visualizer-${uid}`);
    fs.mkdirSync(planted);
    fs.chmodSync(planted, 0o777);
    const out = path.join(scratchDir(), 'fallback.cvtrace');
    const r = cli(['record', '--out', out, '--', process.execPath, probe], {
      env: { ...process.env, TMPDIR: tmp },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /can be written by others \(mode 777\)/);
    assert.deepEqual(fs.readdirSync(planted), []);
    const line = r.stdout.split('\n').find((l) => l.startsWith('SESSION '))!;
    const seen = JSON.parse(line.slice('SESSION '.length)) as { dir: string; mode: number };
    assert.ok(path.dirname(seen.dir).startsWith(`${planted}-`), seen.dir);
    assert.equal(seen.mode.toString(8), '700');
    assert.equal(summaryOf(out).threads.length, 1);
  });
});

describe('TraceSession, the one run of a program the extension and the CLI share', function () {
  this.timeout(60000);

  function runSession(
    program: string,
    onStarted: (session: TraceSession) => void,
  ): Promise<{ exit: ExitInfo; model: TraceModel }> {
    return new Promise((resolve) => {
      const session: TraceSession = new TraceSession(
        {
          command: process.execPath,
          args: [program],
          cwd: path.dirname(program),
          env: { ...process.env },
          tracerPath: path.join(path.dirname(buildCli()), 'tracer.js'),
          sessionsRoot: scratchDir(),
          graceMs: 5000,
        },
        {
          exit: (exit) => {
            const model = new TraceModel();
            new TraceDecoder(model).pushFile(session.trace());
            resolve({ exit, model });
          },
        },
      );
      session.start();
      onStarted(session);
    });
  }

  it('Stop right after start, while the sampler thread boots, still stops the program', async () => {
    const program = path.join(scratchDir(), 'forever.js');
    fs.writeFileSync(program, 'setInterval(() => {}, 1000);\n');
    const { exit, model } = await runSession(program, (session) => session.stop());
    assert.equal(exit.stopped, true);
    assert.equal(exit.signal, 'SIGINT');
    if (process.platform === 'linux') {
      assert.equal(model.os.info?.final, true, 'the sampler wrote its final SamplerInfo');
    }
  });

  it('samples on its own thread, with a warning, where dist/samplerWorker.js is missing', async () => {
    const lone = path.join(scratchDir(), 'tracer.js');
    fs.copyFileSync(path.join(path.dirname(buildCli()), 'tracer.js'), lone);
    const warnings: string[] = [];
    const { exit, model } = await new Promise<{ exit: ExitInfo; model: TraceModel }>((resolve) => {
      const session: TraceSession = new TraceSession(
        {
          command: process.execPath,
          args: [path.join(__dirname, 'programs', 'spin-workers.js'), '2', '200'],
          cwd: __dirname,
          env: { ...process.env },
          tracerPath: lone,
          sessionsRoot: scratchDir(),
          warn: (m) => warnings.push(m),
        },
        {
          exit: (info) => {
            const m = new TraceModel();
            new TraceDecoder(m).pushFile(session.trace());
            resolve({ exit: info, model: m });
          },
        },
      );
      session.start();
    });
    assert.equal(exit.code, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /samplerWorker\.js is missing/);
    if (process.platform === 'linux') {
      assert.equal(model.os.info?.final, true);
      assert.ok(model.os.sampleCount > 0);
    }
  });

  it("gets the sampler's final figures and samples of every thread into the trace", async () => {
    const { exit, model } = await runSession(
      path.join(__dirname, 'programs', 'spin-workers.js'),
      () => undefined,
    );
    assert.equal(exit.code, 0);
    if (process.platform === 'linux') {
      const info = model.os.info!;
      assert.equal(info.final, true);
      assert.ok(info.samples > 10, `${info.samples} samples`);
      assert.ok(model.os.sampleCount > 0);
      // Its own worker thread sampled, not the host's loop: the sampler's busy time is its own.
      assert.ok(info.busyNs > 0 && info.busyNs < info.wallNs, JSON.stringify(info));
    }
    assert.ok(model.threads.length >= 3, `${model.threads.length} JS threads`);
  });
});
