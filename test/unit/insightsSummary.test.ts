// `summary --json` carries the insights: each blocking callback's `delayed` (what it held up)
// and `findings` with their figures spread beside their words; the text prints both.
import * as assert from 'node:assert/strict';
import { formatSummary } from '../../src/cli/formatSummary';
import { summarize } from '../../src/model/summary';
import { TraceModel } from '../../src/model/traceModel';
import { threadInfo } from './traceBytes';

const MAIN = '42:0';
const FILE = '/app/main.js';
const ms = 1e6;
const at = (line: number) => ({ file: FILE, line, column: 1, inferred: false });

/** A timer due at 50 ms behind a 300 ms callback from 5 ms; an immediate made meanwhile. */
function blockedTimer(): TraceModel {
  const model = new TraceModel();
  model.thread(MAIN, threadInfo(42, 0, 0), 0);
  model.init(MAIN, 0, 10, 1, 1, 'Timeout', at(12));
  model.timerDelay(MAIN, 0, 10, 50 * ms);
  model.init(MAIN, 0, 11, 1, 1, 'Timeout', at(16));
  model.before(MAIN, 5 * ms, 11);
  model.init(MAIN, 100 * ms, 12, 11, 11, 'Immediate', at(18));
  model.after(MAIN, 305 * ms, 11);
  model.before(MAIN, 305 * ms, 10);
  model.after(MAIN, 305.5 * ms, 10);
  model.before(MAIN, 305.5 * ms, 12);
  model.after(MAIN, 306 * ms, 12);
  model.end(MAIN, 307 * ms, { reason: 'exit', exitCode: 0 });
  return model;
}

describe('summary: insights fields', () => {
  it('blocking[i].delayed lists what the callback held up, with lines and delays', () => {
    const s = summarize(blockedTimer());
    assert.equal(s.blocking.length, 1);
    assert.deepEqual(s.blocking[0].delayed, {
      count: 2,
      maxDelayMs: 255,
      totalDelayMs: 460.5,
      examples: [
        { type: 'Timeout', file: FILE, line: 12, delayMs: 255, exact: true },
        { type: 'Immediate', file: FILE, line: 18, delayMs: 205.5, exact: true },
      ],
    });
  });

  it('findings carry kind, severity, text, file, line and their figures', () => {
    const s = summarize(blockedTimer());
    assert.equal(s.findings.length, 1);
    const f = s.findings[0];
    assert.equal(f.kind, 'blocking');
    assert.equal(f.severity, 'warning');
    assert.equal(f.file, FILE);
    assert.equal(f.line, 16);
    assert.equal(f.durationMs, 300);
    assert.equal(f.delayedCount, 2);
    assert.equal(f.maxDelayMs, 255);
    assert.deepEqual(
      f.related.map((r) => r.line),
      [12, 18],
    );
    // Plain data: survives JSON as it is.
    assert.deepEqual(JSON.parse(JSON.stringify(s.findings)), s.findings);
  });

  it('the text prints the victims under the blocking callback and the findings', () => {
    const text = formatSummary(summarize(blockedTimer()));
    assert.match(text, /held up 2 operations that became ready meanwhile \(460\.5 ms in all\):/);
    assert.match(text, /Timeout\s+\/app\/main\.js:12 {2}delayed 255\.0 ms/);
    assert.match(
      text,
      /Findings \(1\):\n {2}warning blocking: Timeout callback \(line 16\) held main/,
    );
    assert.match(text, /\/app\/main\.js:18 {2}Immediate delayed 206 ms by the blocking callback/);
  });

  it('a program with nothing to find says so', () => {
    const model = new TraceModel();
    model.thread(MAIN, threadInfo(42, 0, 0), 0);
    model.init(MAIN, 0, 10, 1, 1, 'Timeout', at(12));
    model.before(MAIN, 10 * ms, 10);
    model.after(MAIN, 11 * ms, 10);
    const s = summarize(model);
    assert.deepEqual(s.findings, []);
    assert.match(formatSummary(s), /Findings: none/);
  });
});
