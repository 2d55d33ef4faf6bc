// The relations every set of cores figures must satisfy (issue #21): shared by the unit tests
// (synthetic and starved traces) and the tracer suite (recorded lessons, a starved run).
import * as assert from 'node:assert/strict';
import type { TraceSummary } from '../../src/model/summary';
import type { TraceModel } from '../../src/model/traceModel';

/** Rounding of the figures (two decimals) plus float noise. */
const EPS = 0.011;

/** Asserts that no figure of `s` contradicts another; `what` names the trace in messages. */
export function assertFiguresAgree(model: TraceModel, s: TraceSummary, what: string): void {
  const c = s.cores;
  const at = `${what}: ${JSON.stringify(c)}`;
  for (const [name, v] of Object.entries(c)) {
    if (typeof v === 'number') {
      assert.ok(Number.isFinite(v) && v >= 0, `${name} ${v} (${at})`);
    }
  }
  // No mean above its peak, no peak above the machine.
  assert.ok(c.meanBusy <= c.peakBusy + EPS, `mean above its peak (${at})`);
  assert.ok(c.meanBusyWhileBusy <= c.peakBusy + EPS, `mean while computing above the peak (${at})`);
  assert.ok(c.peakBusy <= c.machine + EPS, `peak above the machine (${at})`);
  assert.ok(c.otherBusyMean <= c.otherBusyPeak + EPS, `other mean above its peak (${at})`);
  assert.ok(
    c.otherBusyWhileBusy <= c.otherBusyPeak + EPS,
    `other while busy above its peak (${at})`,
  );
  // Ours and the others' share the machine's cores.
  assert.ok(c.meanBusy + c.otherBusyMean <= c.machine + EPS, `ours + others > machine (${at})`);
  assert.ok(c.otherBusyPeak <= c.machine + EPS, `other peak above the machine (${at})`);
  // The parallel time is part of the computing time; the computing buckets' busy core time is
  // part of the run's (mean x duration), within a bucket's rounding at each end.
  assert.ok(c.parallelMs <= c.busyMs + EPS, `parallel longer than computing (${at})`);
  // The run's whole 10 ms buckets, over which meanBusy is the mean.
  const runMs = Math.ceil((model.endNs - model.startNs) / 10e6) * 10;
  if (runMs > 0) {
    const whileBusyCoreMs = c.meanBusyWhileBusy * c.busyMs;
    const allCoreMs = c.meanBusy * runMs;
    assert.ok(
      whileBusyCoreMs <= allCoreMs + 0.005 * (runMs + c.busyMs),
      `more core time while computing (${whileBusyCoreMs}) than over the run (${allCoreMs}) (${at})`,
    );
  }
  // The verdict quotes the same figures.
  assert.ok(
    s.verdict.text.includes(`${c.meanBusyWhileBusy.toFixed(2)} of ${c.machine} cores`),
    `verdict ${s.verdict.text} (${at})`,
  );
  assert.ok(s.verdict.text.includes(`(peak ${c.peakBusy.toFixed(2)})`), s.verdict.text);
  // A blocking callback's CPU time and wait fit in its wall time.
  for (const b of s.blocking) {
    if (b.cpuMs !== undefined && b.runQueueMs !== undefined) {
      assert.ok(b.cpuMs + b.runQueueMs <= b.durationMs + 0.002, `${what}: ${JSON.stringify(b)}`);
    }
  }
  // The starvation finding's thread is one of the OS threads, with its figures.
  if (c.starvation) {
    const t = s.osThreads.find((o) => o.tid === c.starvation!.tid);
    assert.ok(t, `${what}: starved tid ${c.starvation.tid} not listed`);
    assert.ok(Math.abs(t.runQueueWaitMs - c.starvation.runQueueWaitMs) <= 0.01, what);
    assert.ok(s.verdict.text.includes('Starved of CPU'), s.verdict.text);
  } else {
    assert.ok(!s.verdict.text.includes('Starved of CPU'), s.verdict.text);
  }
}
