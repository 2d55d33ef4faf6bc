// The Compare view's figures are `compare --json`'s: two real recorded runs (two vs four
// sequential 20 ms timers), decoded the way the view decodes them (webview-ui/traceStore.ts,
// from the file's bytes) and compared by src/model/compare.ts, against the CLI's JSON of the
// same files; and the view's one time axis (webview-ui/compareSync.ts) on two TimeWindows.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareTraces, type TraceComparison } from '../../src/model/compare';
import { WindowSync } from '../../webview-ui/compareSync';
import { TimeWindow } from '../../webview-ui/timeline/timeWindow';
import { TraceStore } from '../../webview-ui/traceStore';
import { buildCli, scratchDir } from '../tracer/helpers';

/** argv[2] sequential awaits of a 20 ms timer, then a 15 ms busy loop. */
const PROGRAM = `const n = Number(process.argv[2]);
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  for (let i = 0; i < n; i++) await wait(20);
  const until = Date.now() + 15; while (Date.now() < until) {}
})();
`;

/** A trace file decoded as the Compare view decodes it. */
function decodeAsTheView(file: string): {
  file: string;
  model: TraceStore['model'];
  error?: string;
} {
  const store = new TraceStore();
  const error = store.hydrate(
    { title: path.basename(file), commandLine: file },
    { state: 'replay' },
    [new Uint8Array(fs.readFileSync(file))],
  );
  return { file: path.basename(file), model: store.model, ...(error ? { error } : {}) };
}

describe('the Compare view', function () {
  this.timeout(60000);
  let cli: string;
  let dir: string;

  before(() => {
    cli = buildCli();
    dir = scratchDir();
    fs.writeFileSync(path.join(dir, 'awaits.js'), PROGRAM);
    for (const [name, n] of [
      ['two.cvtrace', 2],
      ['four.cvtrace', 4],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        [cli, 'record', '--out', name, '--', process.execPath, 'awaits.js', `${n}`],
        { cwd: dir, encoding: 'utf8', timeout: 60000 },
      );
      assert.equal(r.status, 0, r.stderr);
    }
    // The same run cut short: the view and the CLI must both say where, with the same figures.
    const bytes = fs.readFileSync(path.join(dir, 'four.cvtrace'));
    fs.writeFileSync(path.join(dir, 'cut.cvtrace'), bytes.subarray(0, bytes.length - 5));
  });

  for (const [a, b] of [
    ['two.cvtrace', 'four.cvtrace'],
    ['two.cvtrace', 'cut.cvtrace'],
  ]) {
    it(`shows the figures compare --json prints for ${a} and ${b}`, () => {
      const r = spawnSync(process.execPath, [cli, 'compare', '--json', a, b], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60000,
      });
      assert.ok(r.status === 0 || (b === 'cut.cvtrace' && r.status === 1), r.stderr);
      const fromCli = JSON.parse(r.stdout) as TraceComparison;
      const { comparison, findings } = compareTraces(
        decodeAsTheView(path.join(dir, a)),
        decodeAsTheView(path.join(dir, b)),
      );
      assert.deepEqual(JSON.parse(JSON.stringify(comparison)), fromCli);
      if (b === 'cut.cvtrace') {
        assert.match(comparison.b.error ?? '', /byte offset \d+/);
      } else {
        // Two more timers awaited one after the other: what the runs differ by.
        assert.equal(comparison.operationsByType.Timeout.delta, 2);
        // Every finding of each run counted under its kind, and shown as a sentence.
        const kinds = Object.values(findings.byKind);
        assert.equal(
          kinds.reduce((n, d) => n + d.a, 0),
          findings.aTexts.length,
        );
        assert.equal(
          kinds.reduce((n, d) => n + d.b, 0),
          findings.bTexts.length,
        );
        assert.ok(findings.warnings.b <= findings.bTexts.length);
      }
    });
  }
});

describe('the Compare view: one time axis', () => {
  const extents = [
    { startNs: 30e6, endNs: 200e6 },
    { startNs: 32e6, endNs: 350e6 },
  ];

  function setup() {
    const windows = [new TimeWindow(), new TimeWindow()];
    const redrawn: number[] = [];
    const sync = new WindowSync(
      windows,
      () => extents,
      (i) => redrawn.push(i),
    );
    return { windows, redrawn, sync };
  }

  it('fits both runs whole, on the same window, at their launch', () => {
    const { windows, sync } = setup();
    sync.drawn(0); // the first paint: both follow their own trace until synced
    const [a, b] = windows;
    assert.deepEqual([a.startNs, a.endNs], [b.startNs, b.endNs]);
    assert.ok(a.startNs <= 30e6 && a.endNs >= 350e6, `${a.startNs}..${a.endNs}`);
    assert.equal(a.following, false);
  });

  it('moves the other timeline with a zoom or pan in either', () => {
    const { windows, redrawn, sync } = setup();
    sync.fitAll();
    redrawn.length = 0;
    const [a, b] = windows;
    b.zoomAround(100e6, 0.5);
    sync.drawn(1);
    assert.deepEqual([a.startNs, a.endNs], [b.startNs, b.endNs]);
    assert.deepEqual(redrawn, [0]);
    sync.drawn(0); // the copy drawn: nothing more to do
    assert.deepEqual(redrawn, [0]);
    a.panBy(10e6);
    sync.drawn(0);
    assert.deepEqual([b.startNs, b.endNs], [a.startNs, a.endNs]);
    assert.deepEqual(redrawn, [0, 1]);
  });

  it('lets the timeline under the pointer lead when a key moved both', () => {
    const windows = [new TimeWindow(), new TimeWindow()];
    const sync = new WindowSync(
      windows,
      () => extents,
      () => undefined,
      () => 1,
    );
    sync.fitAll();
    const [a, b] = windows;
    // W pressed: A zooms around its middle, B around the pointer; A happens to draw first.
    a.zoomAround((a.startNs + a.endNs) / 2, 0.5);
    b.zoomAround(40e6, 0.5);
    const zoomed = [b.startNs, b.endNs];
    sync.drawn(0);
    assert.deepEqual([a.startNs, a.endNs], zoomed);
    sync.drawn(1);
    assert.deepEqual([b.startNs, b.endNs], zoomed);
  });

  it('fits both again when either is fitted (Fit, the 0 key)', () => {
    const { windows, sync } = setup();
    sync.fitAll();
    const fitted = [windows[0].startNs, windows[0].endNs];
    windows[1].zoomAround(100e6, 0.1);
    sync.drawn(1);
    windows[0].follow(); // Fit: the timeline refits to its own trace on its next draw
    windows[0].track(extents[0].startNs, extents[0].endNs);
    sync.drawn(0);
    assert.deepEqual([windows[0].startNs, windows[0].endNs], fitted);
    assert.deepEqual([windows[1].startNs, windows[1].endNs], fitted);
  });
});
