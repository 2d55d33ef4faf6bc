// The flight recorder (`record --ring SECONDS`, issue #20): only the last window of events is
// kept, the trace says so, and SIGUSR2 writes the window out while the program runs on.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceDecoder } from '../../src/model/decoder';
import type { TraceSummary } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { axisStartNs, flightRecorderBanner } from '../../webview-ui/flightRecorderText';
import { buildCli, buildTracer, runProgram, scratchDir } from './helpers';

const PROGRAM = path.join(__dirname, 'programs', 'ring-phases.js');

function summaryOf(file: string): TraceSummary {
  const r = spawnSync(process.execPath, [buildCli(), 'summary', file, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as TraceSummary;
}

describe('flight recorder (record --ring)', function () {
  this.timeout(60000);

  it('keeps only the last window: the first phase is gone, the summary says so', () => {
    const out = path.join(scratchDir(), 'ring.cvtrace');
    // 0.8 s of file stats, then 2.5 s of immediates only: with a 0.3 s window (segments of
    // 75 ms, deleted once a window old) nothing of the first phase can be left.
    const r = spawnSync(
      process.execPath,
      [
        buildCli(),
        'record',
        '--ring',
        '0.3',
        '--out',
        out,
        '--',
        process.execPath,
        PROGRAM,
        '800',
        '2500',
      ],
      { encoding: 'utf8', cwd: scratchDir() },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /phase b/);
    const s = summaryOf(out);
    assert.equal(s.flightRecorder?.windowSeconds, 0.3);
    assert.ok(s.flightRecorder.heldSeconds < 2.5, `held ${s.flightRecorder.heldSeconds} s`);
    assert.equal(s.operationsByType.FSREQCALLBACK, undefined, 'the first phase was discarded');
    assert.ok((s.operationsByType.Immediate ?? 0) > 0, 'the last window is there');
    assert.match(s.verdict.text, /Flight recorder: the last [\d.]+ s were kept .*discarded/);
    assert.equal(s.threads.length, 1);
    assert.equal(s.threads[0].name, 'main', 'the Thread record came again with the segment');
    // The panel: its banner says what the window holds, and its time axis starts there.
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(fs.readFileSync(out));
    assert.match(
      flightRecorderBanner(model) ?? '',
      /^Flight recorder: this trace holds the last [\d.]+ s \(a window of 0\.3 s\); everything before [\d.]+ s \(since launch\) was discarded$/,
    );
    assert.equal(axisStartNs(model), model.discardedBeforeNs);
    assert.ok(
      model.threads[0].info.startNs < 0.8e9 && axisStartNs(model) > 0.8e9,
      `the program started at ${model.threads[0].info.startNs} ns; the axis starts at ${axisStartNs(model)} ns, in phase b`,
    );
  });

  it('refuses a window that is not a positive number of seconds, before anything runs', () => {
    for (const bad of ['0', '-1', 'abc', '']) {
      const out = path.join(scratchDir(), 'never.cvtrace');
      const r = spawnSync(
        process.execPath,
        [buildCli(), 'record', '--ring', bad, '--out', out, '--', process.execPath, PROGRAM],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 2, `--ring "${bad}": ${r.stderr}`);
      assert.match(r.stderr, /--ring needs a number of seconds greater than 0/);
      assert.equal(r.stdout, '', 'the program did not run');
      assert.ok(!fs.existsSync(out));
    }
  });

  it('writes the window out on SIGUSR2 while the program runs on', async () => {
    const out = path.join(scratchDir(), 'usr2.cvtrace');
    const child = spawn(
      process.execPath,
      [
        buildCli(),
        'record',
        '--ring',
        '0.3',
        '--out',
        out,
        '--',
        process.execPath,
        PROGRAM,
        '600',
        '4000',
      ],
      { cwd: scratchDir(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const waitFor = (what: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (what()) {
            resolve();
          }
        };
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          check();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          check();
        });
      });
    await waitFor(() => stdout.includes('phase b'));
    child.kill('SIGUSR2');
    await waitFor(() => /written to .*recording goes on/.test(stderr));
    const model = new TraceModel();
    new TraceDecoder(model).pushFile(fs.readFileSync(out));
    assert.equal(model.ringWindowNs, 0.3e9);
    assert.ok(model.spanCount > 0);
    assert.ok(
      model.threads.every((t) => !t.end),
      'written while the program ran (no thread had ended)',
    );
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /trace written to/);
  });

  it('keeps to its window while one synchronous loop runs (no timer of the tracer runs)', async () => {
    // 2.5 s of promises made in one loop, a window of 0.3 s: the folder must hold about a
    // window's worth of the main thread's events at any time, not the loop's whole output.
    const session = createSession(buildTracer(), scratchDir(), { ringSeconds: 0.3 });
    const mainFile = /^\d+-0\.\d+\.cvt$/;
    /** The largest size each of the main thread's segment files was seen at. */
    const written = new Map<string, number>();
    let peakBytes = 0;
    let polls = 0;
    const poll = (): void => {
      let bytes = 0;
      for (const name of fs.readdirSync(session.dir)) {
        if (!mainFile.test(name)) {
          continue;
        }
        try {
          const size = fs.statSync(path.join(session.dir, name)).size;
          bytes += size;
          written.set(name, Math.max(written.get(name) ?? 0, size));
        } catch {
          // deleted since the listing
        }
      }
      peakBytes = Math.max(peakBytes, bytes);
      polls++;
    };
    const timer = setInterval(poll, 10);
    const r = await runProgram(path.join(__dirname, 'programs', 'ring-sync-loop.js'), {
      args: ['2500'],
      env: {
        ...process.env,
        NODE_OPTIONS: withTracerNodeOptions(process.env.NODE_OPTIONS, session.preloadPath),
      },
    });
    clearInterval(timer);
    poll();
    assert.equal(r.code, 0, r.stderr);
    const made = Number(/made (\d+)/.exec(r.stdout)?.[1]);
    let totalBytes = 0;
    for (const size of written.values()) {
      totalBytes += size;
    }
    const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MB`;
    const largest = Math.max(...written.values());
    console.log(
      `      ${made} promises in one loop: ${mb(totalBytes)} written in ${written.size} segments (the largest ${mb(largest)}), at most ${mb(peakBytes)} on disk at once (${polls} polls)`,
    );
    assert.ok(totalBytes > 4 * 1048576, `the loop wrote ${mb(totalBytes)}: too little to tell`);
    // The loop, then the destroys of its promises (each at the time of the last record, for
    // a second or more): a window and a quarter of 0.3 s is a tenth of that; the segment being
    // written and the rate's changes stay well under a quarter. A segment holds a quarter
    // window's writes: without rotation at full frames the destroys went into one of 10 MB.
    assert.ok(
      peakBytes < totalBytes / 4,
      `${mb(peakBytes)} on disk at once of ${mb(totalBytes)} written`,
    );
    assert.ok(largest < totalBytes / 12, `a segment of ${mb(largest)} of ${mb(totalBytes)}`);
  });
});
