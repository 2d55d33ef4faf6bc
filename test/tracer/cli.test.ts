import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceSummary } from '../../src/model/summary';
import { buildCli, linesContaining, ROOT, scratchDir, supportedNodes } from './helpers';

const PROGRAMS = path.join(__dirname, 'programs');

/** Runs the CLI as a user would. */
function cli(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [buildCli(), ...args], {
    cwd: opts.cwd ?? scratchDir(),
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

  it('explains wrong usage', () => {
    const r = cli(['record']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no command to record/);
    assert.match(r.stderr, /usage:/);
  });
});
