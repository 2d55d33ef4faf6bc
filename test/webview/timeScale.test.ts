// The webview's pure parts: time <-> pixel conversion, ruler ticks, the time window, formatting.
import * as assert from 'node:assert/strict';
import { rulerTicks, TimeScale } from '../../webview-ui/timeline/timeScale';
import { TimeWindow } from '../../webview-ui/timeline/timeWindow';
import { formatDuration, statusText } from '../../webview-ui/format';

describe('webview: time scale and formatting', () => {
  it('converts time to pixels and back', () => {
    const scale = new TimeScale(1_000, 11_000, 100, 600);
    assert.equal(scale.timeToPx(1_000), 100);
    assert.equal(scale.timeToPx(11_000), 600);
    assert.equal(scale.pxToTime(350), 6_000);
    assert.equal(scale.durationToPx(2_000), 100);
    assert.equal(scale.nsPerPx, 20);
  });

  it('puts ruler ticks at round steps with readable units', () => {
    const ms = rulerTicks(new TimeScale(0, 100e6, 0, 1000)).map((t) => t.label);
    assert.deepEqual(ms.slice(0, 3), ['0 ms', '10 ms', '20 ms']);
    const us = rulerTicks(new TimeScale(5e6, 5.5e6, 0, 1000)).map((t) => t.label);
    assert.deepEqual(us.slice(0, 2), ['5.00 ms', '5.05 ms']);
    const s = rulerTicks(new TimeScale(0, 20e9, 0, 1000)).map((t) => t.label);
    assert.deepEqual(s.slice(0, 2), ['0 s', '2 s']);
    const fine = rulerTicks(new TimeScale(0, 1.5e9, 0, 1000)).map((t) => t.label);
    assert.deepEqual(fine.slice(0, 2), ['0.0 s', '0.2 s']);
    const half = rulerTicks(new TimeScale(0, 5e6, 0, 1000)).map((t) => t.label);
    assert.deepEqual(half.slice(0, 2), ['0.0 ms', '0.5 ms']);
    const tiny = rulerTicks(new TimeScale(0, 20_000, 0, 1000)).map((t) => t.label);
    assert.deepEqual(tiny.slice(0, 2), ['0 µs', '2 µs']);
  });

  it('fits, zooms around an anchor, pans and follows again', () => {
    const w = new TimeWindow();
    w.fitTo(0, 100e6);
    assert.ok(w.startNs < 0 && w.endNs > 100e6);
    const ratio = (w2: TimeWindow): number => (50e6 - w2.startNs) / (w2.endNs - w2.startNs);
    const before = ratio(w);
    const widthBefore = w.endNs - w.startNs;
    w.zoomAround(50e6, 0.5);
    assert.equal(w.following, false);
    assert.ok(Math.abs(ratio(w) - before) < 1e-9, 'the anchor stays put');
    assert.ok(Math.abs(w.endNs - w.startNs - widthBefore / 2) < 1);
    const span = w.endNs - w.startNs;
    w.panBy(10e6);
    assert.equal(w.endNs - w.startNs, span);
    w.zoomAround(0, 1e-12);
    assert.ok(w.endNs - w.startNs >= 200, 'never narrower than the minimum window');
    w.follow();
    assert.equal(w.following, true);
  });

  it('formats durations and statuses', () => {
    assert.equal(formatDuration(850), '850 ns');
    assert.equal(formatDuration(12_345), '12.3 µs');
    assert.equal(formatDuration(4_560_000), '4.56 ms');
    assert.equal(formatDuration(2_100_000_000), '2.1 s');
    assert.equal(statusText({ state: 'running' }), 'Running…');
    assert.equal(statusText({ state: 'exited', exitCode: 0 }), 'Exited with code 0');
    assert.equal(statusText({ state: 'stopped', signal: 'SIGINT' }), 'Stopped (SIGINT)');
    assert.equal(statusText({ state: 'failed', message: 'ENOENT' }), 'Failed: ENOENT');
  });
});
