// Insights on recorded programs: examples/insights/ (a blocking callback and its late timer,
// three sequential awaits, an oversubscribed threadpool) each give their finding with figures
// that agree with what the program printed, and the lessons that show good patterns give no
// warning at all (starvation aside: it is about the machine's other load, not the program).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceDecoder } from '../../src/model/decoder';
import { computeInsights } from '../../src/model/insights';
import { TraceModel } from '../../src/model/traceModel';
import type { Finding, Insights } from '../../src/shared/insights';
import { buildCli, linesContaining, ROOT, scratchDir } from './helpers';
import { printed, record } from './lessonHelpers';

const EXAMPLES = path.join(ROOT, 'examples', 'insights');
const linux = process.platform === 'linux';

/** Records examples/insights/<name> through the CLI; its insights and what it printed. */
function recordExample(
  name: string,
  env: NodeJS.ProcessEnv = {},
): { insights: Insights; stdout: string; file: string } {
  const file = path.join(EXAMPLES, name);
  const out = path.join(scratchDir(), 'example.cvtrace');
  const r = spawnSync(
    process.execPath,
    [buildCli(), 'record', '--out', out, '--', process.execPath, file],
    { cwd: EXAMPLES, encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(fs.readFileSync(out));
  return { insights: computeInsights(model, { final: true }), stdout: r.stdout, file };
}

function ofKind(insights: Insights, kind: Finding['kind']): Finding[] {
  return insights.findings.filter((f) => f.kind === kind);
}

/** Warnings about the program (starvation is the machine's other load, not the program). */
function programWarnings(insights: Insights): Finding[] {
  return insights.findings.filter((f) => f.severity === 'warning' && f.kind !== 'starvation');
}

(linux ? describe : describe.skip)('insights on recorded programs', function () {
  this.timeout(120000);
  before(() => buildCli());

  it('blocking.js: the 300 ms callback delayed the timer due at 50 ms as late as it printed', () => {
    const { insights, stdout, file } = recordExample('blocking.js');
    const late = printed(stdout, /ran (\d+) ms late/);
    const [blocking] = ofKind(insights, 'blocking');
    assert.ok(blocking, JSON.stringify(insights.findings));
    assert.equal(blocking.severity, 'warning');
    assert.equal(blocking.file, file);
    assert.equal(blocking.line, linesContaining(file, 'function block')[0]);
    assert.ok(blocking.figures.durationMs >= 300, `${blocking.figures.durationMs}`);
    const timerLine = linesContaining(file, 'function heartbeat')[0];
    const victim = blocking.related.find((r) => r.line === timerLine);
    assert.ok(victim, JSON.stringify(blocking.related));
    const delay = Number(/^Timeout delayed (\d+) ms/.exec(victim.text)?.[1]);
    // The timer fell due at 50 ms; the block ran from about 5 ms for 300 ms at least.
    assert.ok(delay >= 250, victim.text);
    assert.ok(Math.abs(delay - late) <= 15, `trace says ${delay} ms, the program ${late} ms`);
    assert.equal(blocking.figures.maxExactDelayMs, blocking.figures.maxDelayMs);
  });

  it('sequential-awaits.js: three 100 ms sleeps awaited in a row waited ~300, could be ~100', () => {
    const { insights, file } = recordExample('sequential-awaits.js');
    const [f] = ofKind(insights, 'sequential-awaits');
    assert.ok(f, JSON.stringify(insights.findings));
    assert.equal(f.severity, 'warning');
    const awaitLines = linesContaining(file, 'await sleep(100');
    assert.equal(awaitLines.length, 3);
    assert.deepEqual(
      f.related.map((r) => r.line),
      awaitLines,
    );
    assert.equal(f.line, awaitLines[0]);
    // (Three 100 ms timers: 300 ms less the few µs between a timer's start and its Init.)
    assert.ok(f.figures.waitedMs >= 299, `waited ${f.figures.waitedMs}`);
    assert.ok(f.figures.couldBeMs >= 100, `could be ${f.figures.couldBeMs}`);
    assert.ok(f.figures.couldBeMs < f.figures.waitedMs / 2, JSON.stringify(f.figures));
  });

  it('threadpool.js: eight hashes on a pool of four, the requests beyond the pool queue', () => {
    const { insights, file } = recordExample('threadpool.js', { HASH_ITERATIONS: '100000' });
    const [f] = ofKind(insights, 'threadpool-saturated');
    assert.ok(f, JSON.stringify(insights.findings));
    assert.equal(f.figures.requests, 8);
    assert.ok(f.figures.poolSize >= 1 && f.figures.poolSize <= 4, `pool ${f.figures.poolSize}`);
    assert.equal(f.figures.queued, 8 - f.figures.poolSize);
    assert.equal(f.line, linesContaining(file, 'crypto.pbkdf2(')[0]);
    assert.match(f.related[0].text, /^PBKDF2REQUEST: \d of 8 queued/);
  });

  it('threadpool.js with UV_THREADPOOL_SIZE=2: a pool of 2, six of eight requests queue', () => {
    const { insights } = recordExample('threadpool.js', {
      HASH_ITERATIONS: '50000',
      UV_THREADPOOL_SIZE: '2',
    });
    const [f] = ofKind(insights, 'threadpool-saturated');
    assert.ok(f, JSON.stringify(insights.findings));
    assert.equal(f.figures.poolSize, 2);
    assert.equal(f.figures.queued, 6);
    assert.match(f.text, /UV_THREADPOOL_SIZE=2/);
  });

  it('lesson 5: the blocking callback at BLOCK delayed the 50 ms timer as late as it printed', () => {
    const run = record('05-blocked-kitchen.js');
    const insights = computeInsights(run.model, { final: true });
    const [blocking] = ofKind(insights, 'blocking').filter((f) => f.severity === 'warning');
    assert.ok(blocking, JSON.stringify(insights.findings));
    assert.equal(blocking.line, linesContaining(run.file, '// BLOCK')[0]);
    const timerLine = linesContaining(run.file, 'timer due at 50 ms')[0];
    const victim = blocking.related.find((r) => r.line === timerLine);
    assert.ok(victim, JSON.stringify(blocking.related));
    const delay = Number(/^Timeout delayed (\d+) ms/.exec(victim.text)?.[1]);
    const late = printed(run.stdout, /timer due at 50 ms ran at (\d+) ms/) - 50;
    assert.ok(Math.abs(delay - late) <= 15, `trace says ${delay} ms, the program ${late} ms`);
  });

  it('lesson 5b: only the one-block part warns; the chunks and the worker do not', () => {
    const run = record('05b-unblock-the-kitchen.js', { LESSON_WORK: '40' });
    const warnings = programWarnings(computeInsights(run.model, { final: true }));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].kind, 'blocking');
    const blockLine = linesContaining(run.file, 'const block = ')[0];
    assert.equal(warnings[0].line, blockLine);
  });

  for (const lesson of [
    '01-one-cook.js',
    '02-several-cooks.js',
    '03a-concurrent-not-parallel.js',
    '03b-parallel-not-concurrent.js',
    '03c-concurrent-and-parallel.js',
    '09a-fork-join.js',
    '09b-pipeline.js',
    '09c-map-reduce.js',
    '09d-actors.js',
    '09e-producer-consumer.js',
  ]) {
    it(`no warning on ${lesson}, a lesson that shows a good pattern`, () => {
      const run = record(lesson);
      const warnings = programWarnings(computeInsights(run.model, { final: true }));
      assert.deepEqual(
        warnings.map((w) => `${w.kind}: ${w.text}`),
        [],
      );
    });
  }
});
