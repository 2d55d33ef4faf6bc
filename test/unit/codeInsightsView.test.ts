// What the editor shows of a run's insights (src/editor/insightsView.ts): end-of-line figures,
// gutter marks with hovers, and Problems entries, from Insights objects built here.
import * as assert from 'node:assert/strict';
import {
  diagnosticSpecs,
  escapeMarkdown,
  fileViews,
  formatMs,
  lineNoteText,
  tracePath,
} from '../../src/editor/insightsView';
import type { Finding, Insights, LineInsight } from '../../src/shared/insights';

const FILE = '/w/blocking.js';

function line(l: number, over: Partial<LineInsight> = {}): LineInsight {
  return {
    file: FILE,
    line: l,
    operations: 1,
    topType: 'Timeout',
    callbacks: 1,
    runTotalMs: 0.4,
    runMaxMs: 0.4,
    waitTotalMs: 300,
    waitMaxMs: 300,
    ...over,
  };
}

const blocking: Finding = {
  kind: 'blocking',
  severity: 'warning',
  text: 'setTimeout callback blocked main 300 ms; 2 operations waited behind it',
  file: FILE,
  line: 4,
  column: 1,
  figures: { durationMs: 300, delayedCount: 2 },
  related: [
    { file: FILE, line: 9, column: 3, text: 'Timeout delayed 250 ms' },
    { file: 'node:internal/fs', line: 3, text: 'FSREQCALLBACK delayed 20 ms' },
    { file: '/w/gone.js', line: 2, text: 'Immediate delayed 5 ms' },
  ],
};

const sequential: Finding = {
  kind: 'sequential-awaits',
  severity: 'warning',
  text: '3 awaits one after another waited 300 ms; together ≈ 100 ms',
  file: 'file:///w/seq.mjs',
  line: 5,
  figures: { waitedMs: 301.2, couldBeMs: 100.4 },
  related: [
    { file: 'file:///w/seq.mjs', line: 6, text: 'await 2: 100 ms' },
    { file: 'file:///w/seq.mjs', line: 7, text: 'await 3: 100 ms' },
  ],
};

const insights: Insights = {
  verdict: { kind: 'concurrent', text: 'Concurrent: ...' },
  final: true,
  findings: [
    blocking,
    sequential,
    { ...blocking, kind: 'threadpool-saturated', line: 12, text: 'pool busy' },
    { ...blocking, file: 'node:internal/timers', text: 'inside node' },
    // A long callback nothing waited for is info: a gutter mark, no Problems entry.
    { ...blocking, severity: 'info', line: 20, text: 'held main 80 ms; nothing waited' },
  ],
  lines: [
    line(9, {
      operations: 3,
      waitTotalMs: 260,
      waitMaxMs: 250,
      callbacks: 3,
      runTotalMs: 1.5,
      runMaxMs: 0.9,
    }),
    line(4),
    line(2, { operations: 0 }),
    line(1, { file: 'evalmachine.<anonymous>' }),
  ],
};

describe('code insights: what the editor shows', () => {
  it('formats durations as the panel reads them', () => {
    assert.deepEqual([0.43, 4, 12.6, 999.6, 1250].map(formatMs), [
      '0.4 ms',
      '4 ms',
      '13 ms',
      '1.00 s',
      '1.25 s',
    ]);
  });

  it('writes a line note with count, total and longest wait, and the callbacks run time', () => {
    assert.equal(
      lineNoteText(insights.lines[0]),
      '3 operations (most often Timeout) · waited 260 ms (longest 250 ms) · 3 callbacks ran 1.5 ms (longest 0.9 ms)',
    );
    // "longest" only where it reads differently from the total.
    assert.equal(
      lineNoteText(line(9, { operations: 2, waitTotalMs: 306.2, waitMaxMs: 305.9 })),
      '2 operations (most often Timeout) · waited 306 ms · callback ran 0.4 ms',
    );
    assert.equal(lineNoteText(line(4)), 'Timeout · waited 300 ms · callback ran 0.4 ms');
    assert.equal(lineNoteText(line(4, { callbacks: 0, waitTotalMs: 0 })), 'Timeout');
  });

  it('keeps only absolute files (paths and file: URLs)', () => {
    assert.equal(tracePath('file:///w/seq.mjs'), '/w/seq.mjs');
    assert.equal(tracePath('/w/a/../b.js'), '/w/b.js');
    assert.equal(tracePath('node:internal/timers'), undefined);
    assert.equal(tracePath('evalmachine.<anonymous>'), undefined);
    assert.equal(tracePath(undefined), undefined);
  });

  it('gives each file its notes and marks, sorted by line', () => {
    const views = fileViews(insights, (f) => f === FILE);
    assert.deepEqual([...views.keys()].sort(), ['/w/blocking.js', '/w/seq.mjs']);
    const b = views.get(FILE)!;
    assert.deepEqual(
      b.notes.map((n) => n.line),
      [4, 9],
    );
    assert.deepEqual(
      b.marks.map((m) => [m.kind, m.line, m.note]),
      [
        ['blocking', 4, 'held the thread 300 ms; 2 operations waited behind it'],
        // The info finding is marked (its hover says what it was), not a Problems entry.
        ['blocking', 20, 'held the thread 300 ms; 2 operations waited behind it'],
      ],
    );
    const s = views.get('/w/seq.mjs')!;
    assert.deepEqual(s.notes, []);
    assert.deepEqual(
      s.marks.map((m) => [m.kind, m.line]),
      [
        ['sequential-awaits', 5],
        ['sequential-awaits', 6],
        ['sequential-awaits', 7],
      ],
    );
    assert.deepEqual(
      s.marks.map((m) => m.note),
      ['awaited one after another: 301 ms, together 100 ms', 'await 2: 100 ms', 'await 3: 100 ms'],
    );
  });

  it('hovers link only to files that can be opened; the rest is text', () => {
    const hover = fileViews(insights, (f) => f === FILE).get(FILE)!.marks[0].hover;
    assert.deepEqual(hover, [
      {
        kind: 'text',
        text: 'Blocking callback: held the thread 300 ms; 2 operations waited behind it',
      },
      { kind: 'link', label: 'blocking.js:9', file: FILE, line: 9, text: 'Timeout delayed 250 ms' },
      { kind: 'text', text: 'node:internal/fs:3: FSREQCALLBACK delayed 20 ms' },
      { kind: 'text', text: '/w/gone.js:2: Immediate delayed 5 ms' },
    ]);
  });

  it('makes one warning per blocking callback and sequence, with related files only', () => {
    const specs = diagnosticSpecs(insights);
    assert.deepEqual(
      specs.map((d) => [d.kind, d.file, d.line, d.column, d.message]),
      [
        ['blocking', FILE, 4, 1, blocking.text],
        ['sequential-awaits', '/w/seq.mjs', 5, 0, sequential.text],
      ],
    );
    assert.deepEqual(
      specs[0].related.map((r) => [r.file, r.line, r.column]),
      [
        [FILE, 9, 3],
        ['/w/gone.js', 2, 0],
      ],
    );
    assert.equal(specs[1].related.length, 2);
  });

  it('shows nothing for a run without findings or lines', () => {
    const empty: Insights = { ...insights, findings: [], lines: [] };
    assert.equal(fileViews(empty, () => true).size, 0);
    assert.deepEqual(diagnosticSpecs(empty), []);
  });

  it('escapes every Markdown character of a label', () => {
    const label = escapeMarkdown('[x](command:evil)*_`<img>`\n#');
    assert.equal(label, '\\[x\\]\\(command\\:evil\\)\\*\\_\\`\\<img\\>\\` \\#');
    assert.doesNotMatch(label, /(^|[^\\])[[\]()<>`*_]/);
  });
});
