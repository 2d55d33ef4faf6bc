// `compare A B`: two real recorded runs of one program doing different work, compared through
// the CLI (JSON, text, thresholds and their exit statuses), and the threshold reader.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  parseThreshold,
  THRESHOLD_EXIT,
  thresholdHolds,
  type Delta,
  type TraceComparison,
} from '../../src/cli/compare';
import { buildCli, scratchDir } from '../tracer/helpers';
import { siteLabel } from '../../src/model/compare';

/** A program that blocks its loop in one timer for argv[2] ms and starts argv[3] more timers. */
const PROGRAM = `const blockMs = Number(process.argv[2]);
const timers = Number(process.argv[3]);
setTimeout(() => {
  const until = Date.now() + blockMs; while (Date.now() < until) {}
}, 1);
for (let i = 0; i < timers; i++) setTimeout(() => {}, 2 + i);
`;
/** The line of the blocking setTimeout in PROGRAM. */
const BLOCKING_LINE = 3;

function run(cli: string, args: string[], cwd: string) {
  return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
}

describe('compare', function () {
  this.timeout(60000);
  let cli: string;
  let dir: string;
  let program: string;

  before(() => {
    cli = buildCli();
    dir = scratchDir();
    program = path.join(dir, 'work.js');
    fs.writeFileSync(program, PROGRAM);
    for (const [name, blockMs, timers] of [
      ['a.cvtrace', 20, 3],
      ['b.cvtrace', 150, 6],
    ] as const) {
      const r = run(
        cli,
        ['record', '--out', name, '--', process.execPath, program, `${blockMs}`, `${timers}`],
        dir,
      );
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it('prints both runs with their deltas as JSON, blocking callbacks matched by line', () => {
    const r = run(cli, ['compare', 'a.cvtrace', 'b.cvtrace', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout) as TraceComparison;
    assert.equal(c.a.file, 'a.cvtrace');
    assert.ok(c.b.command.includes('work.js 150 6'), c.b.command);
    // Three more timers, and nothing else changed in what the program creates.
    assert.deepEqual(c.operationsByType.Timeout, { a: 4, b: 7, delta: 3, ratio: 1.75 });
    assert.equal(c.operations.delta, 3);
    assert.equal(c.callbacks.delta, 3);
    const site = c.blocking.bySite.find((s) => s.site === `${program}:${BLOCKING_LINE}`);
    assert.ok(site, JSON.stringify(c.blocking.bySite));
    assert.equal(site.type, 'Timeout');
    assert.deepEqual([site.count.a, site.count.b], [1, 1]);
    // Busy-waits last at least what they were asked, less Date.now()'s 1 ms step (lower bounds
    // only: no timing claims).
    assert.ok(site.maxMs.a >= 19, `${site.maxMs.a}`);
    assert.ok(site.maxMs.b >= 149, `${site.maxMs.b}`);
    assert.equal(site.maxMs.delta, Math.round((site.maxMs.b - site.maxMs.a) * 1000) / 1000);
    assert.ok(c.blocking.maxMs.b >= site.maxMs.b);
    assert.ok(c.wallMs.a > 0 && c.wallMs.b > 0);
    assert.equal(typeof c.verdict.a, 'string');
    assert.equal(c.verdict.changed, c.verdict.a !== c.verdict.b);
    assert.deepEqual(c.failed, []);
  });

  it("counts each run's findings by kind as summary --json lists them, and thresholds read them", () => {
    const c = JSON.parse(
      run(cli, ['compare', 'a.cvtrace', 'b.cvtrace', '--json'], dir).stdout,
    ) as TraceComparison;
    const findingsOf = (file: string): Array<{ kind: string; severity: string; text: string }> =>
      JSON.parse(run(cli, ['summary', '--json', file], dir).stdout).findings;
    const [fa, fb] = [findingsOf('a.cvtrace'), findingsOf('b.cvtrace')];
    const kinds = [...new Set([...fa, ...fb].map((f) => f.kind))].sort();
    assert.deepEqual(Object.keys(c.findings.byKind), kinds);
    for (const kind of kinds) {
      assert.equal(c.findings.byKind[kind].a, fa.filter((f) => f.kind === kind).length, kind);
      assert.equal(c.findings.byKind[kind].b, fb.filter((f) => f.kind === kind).length, kind);
    }
    assert.deepEqual(
      c.findings.bTexts,
      fb.map((f) => f.text),
    );
    // B's 150 ms callback held up the six timers due while it ran: a warning with its victims.
    const warningsB = fb.filter((f) => f.severity === 'warning').length;
    assert.ok(warningsB >= 1, JSON.stringify(fb));
    assert.equal(c.findings.warnings.b, warningsB);
    const text = run(cli, ['compare', 'a.cvtrace', 'b.cvtrace'], dir).stdout;
    assert.match(text, /^findings \(warnings\)\s/m);
    const held = run(
      cli,
      ['compare', 'a.cvtrace', 'b.cvtrace', '--fail-if', `findings.warnings>=${warningsB}`],
      dir,
    );
    assert.equal(held.status, THRESHOLD_EXIT, held.stderr);
    const notHeld = run(
      cli,
      [
        'compare',
        'a.cvtrace',
        'b.cvtrace',
        '--fail-if',
        `findings.blocking>${c.findings.byKind.blocking?.b ?? 0}`,
      ],
      dir,
    );
    assert.equal(notHeld.status, 0, notHeld.stderr);
  });

  it('exits 3 when a --fail-if holds, 0 when none does', () => {
    const crossed = run(
      cli,
      [
        'compare',
        'a.cvtrace',
        'b.cvtrace',
        '--fail-if',
        'blocking.maxMs>100',
        '--fail-if',
        'operations.Timeout.delta>3',
      ],
      dir,
    );
    assert.equal(crossed.status, THRESHOLD_EXIT, crossed.stderr);
    assert.match(crossed.stdout, /threshold crossed: blocking\.maxMs>100/);
    assert.doesNotMatch(crossed.stdout, /operations\.Timeout\.delta>3/);
    assert.match(crossed.stderr, /threshold crossed/);
    assert.match(crossed.stdout, /blocking callbacks/);
    assert.match(crossed.stdout, new RegExp(`work\\.js:${BLOCKING_LINE} \\(Timeout\\)`));
    const clean = run(
      cli,
      ['compare', 'a.cvtrace', 'b.cvtrace', '--json', '--fail-if', 'operations.Timeout.delta>3'],
      dir,
    );
    assert.equal(clean.status, 0, clean.stderr);
    // Swapped, the new run blocks less: a delta threshold on the way down.
    const swapped = run(
      cli,
      ['compare', 'b.cvtrace', 'a.cvtrace', '--fail-if=blocking.maxMs.delta<-100'],
      dir,
    );
    assert.equal(swapped.status, THRESHOLD_EXIT, swapped.stderr);
  });

  it('checks its arguments before reading any trace', () => {
    const bad = run(cli, ['compare', 'missing1', 'missing2', '--fail-if', 'nonsense>1'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown figure "nonsense"/);
    const one = run(cli, ['compare', 'a.cvtrace'], dir);
    assert.equal(one.status, 2);
    const damaged = path.join(dir, 'damaged.cvtrace');
    const bytes = fs.readFileSync(path.join(dir, 'b.cvtrace'));
    fs.writeFileSync(damaged, bytes.subarray(0, bytes.length - 3));
    const cut = run(cli, ['compare', 'a.cvtrace', damaged, '--json'], dir);
    assert.equal(cut.status, 1);
    assert.match((JSON.parse(cut.stdout) as TraceComparison).b.error ?? '', /byte offset/);
  });

  it('reads thresholds: figure, field, operator and number', () => {
    const metrics = new Map<string, Delta>([['wallMs', { a: 100, b: 130, delta: 30, ratio: 1.3 }]]);
    assert.equal(thresholdHolds(parseThreshold('wallMs>120'), metrics), true);
    assert.equal(thresholdHolds(parseThreshold('wallMs.a>120'), metrics), false);
    assert.equal(thresholdHolds(parseThreshold('wallMs.ratio >= 1.3'), metrics), true);
    assert.equal(thresholdHolds(parseThreshold('wallMs.delta<0'), metrics), false);
    assert.equal(thresholdHolds(parseThreshold('operations.FSREQCALLBACK>0'), metrics), false);
    assert.equal(
      thresholdHolds(parseThreshold('operations.FSREQCALLBACK.ratio>0'), metrics),
      false,
    );
    assert.throws(() => parseThreshold('wallMs > fast'), /cannot read/);
    assert.throws(() => parseThreshold('speed>1'), /unknown figure/);
  });
});

describe('compare: blocking site labels', () => {
  it('puts a type in parentheses once, and alone when the site is the type', () => {
    const short = (site: string): string => site.split('/').pop() ?? site;
    assert.equal(siteLabel('/a/waits.js:1', '(main script)', short), 'waits.js:1 (main script)');
    assert.equal(siteLabel('/a/b.js:3', 'Timeout', short), 'b.js:3 (Timeout)');
    assert.equal(siteLabel('(Timeout)', 'Timeout', short), '(Timeout)');
    assert.equal(siteLabel('(main script)', '(main script)', short), '(main script)');
  });
});
