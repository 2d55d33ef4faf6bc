/**
 * CPU samples turned into per-pixel columns: how much of each pixel's time a thread ran or
 * waited for a core. One pass over the visible samples, whatever the zoom.
 */
import { firstAbove } from '../../src/model/bisect';
import type { OsThreadStore } from '../../src/model/osThreads';
import type { TimeScale } from '../timeline/timeScale';

/** Per store version: whether sample ends are sorted, and the longest sample. */
interface SampleBounds {
  store: OsThreadStore;
  version: number;
  sorted: boolean;
  maxSpanNs: number;
}

let bounds: SampleBounds | undefined;

function boundsOf(os: OsThreadStore): SampleBounds {
  if (bounds && bounds.store === os && bounds.version === os.version) {
    return bounds;
  }
  let sorted = true;
  let maxSpanNs = 0;
  const ends = os.sampleEndNs.data;
  const starts = os.sampleStartNs.data;
  for (let s = 0; s < os.sampleCount; s++) {
    if (s > 0 && ends[s] < ends[s - 1]) {
      sorted = false;
    }
    maxSpanNs = Math.max(maxSpanNs, ends[s] - starts[s]);
  }
  bounds = { store: os, version: os.version, sorted, maxSpanNs };
  return bounds;
}

/**
 * Calls `visit(s)` for every sample that overlaps [fromNs, toNs). The sampler writes its ticks
 * in time order, so a binary search on the end times finds the first one.
 */
export function forEachSampleIn(
  os: OsThreadStore,
  fromNs: number,
  toNs: number,
  visit: (s: number) => void,
): void {
  const { sorted, maxSpanNs } = boundsOf(os);
  const ends = os.sampleEndNs.data;
  const starts = os.sampleStartNs.data;
  const n = os.sampleCount;
  for (let s = sorted ? firstAbove(ends, 0, n, fromNs) : 0; s < n; s++) {
    if (sorted && ends[s] - maxSpanNs > toNs) {
      break;
    }
    if (ends[s] > fromNs && starts[s] < toNs) {
      visit(s);
    }
  }
}

/**
 * Adds `density` (a share of time, 0..1) over [x0Px, x1Px) into `out[offset + column]`, each
 * column weighted by how much of it the interval covers. Columns are whole CSS px from the
 * scale's startPx; `columns` bounds them.
 */
export function addDensity(
  out: Float32Array,
  offset: number,
  columns: number,
  x0Px: number,
  x1Px: number,
  density: number,
): void {
  if (!(x1Px > x0Px) || density <= 0) {
    return;
  }
  const first = Math.max(0, Math.floor(x0Px));
  const last = Math.min(columns - 1, Math.ceil(x1Px) - 1);
  for (let c = first; c <= last; c++) {
    const cover = Math.min(x1Px, c + 1) - Math.max(x0Px, c);
    if (cover > 0) {
      out[offset + c] += density * cover;
    }
  }
}

/**
 * Calls `visit` for every visible sample of non-zero length, with its x range in the time
 * area's columns (CSS px from the time area's left edge) and its length.
 */
function forEachSampleColumns(
  os: OsThreadStore,
  scale: TimeScale,
  visit: (s: number, x0Px: number, x1Px: number, spanNs: number) => void,
): void {
  forEachSampleIn(os, scale.startNs, scale.endNs, (s) => {
    const startNs = os.sampleStartNs.data[s];
    const endNs = os.sampleEndNs.data[s];
    const spanNs = endNs - startNs;
    if (spanNs > 0) {
      visit(
        s,
        scale.timeToPx(startNs) - scale.startPx,
        scale.timeToPx(endNs) - scale.startPx,
        spanNs,
      );
    }
  });
}

/** Columns of the time area of a scale: one per CSS px. */
export function columnsOf(scale: TimeScale): number {
  return Math.max(1, Math.ceil(scale.endPx - scale.startPx));
}

/**
 * Per lane and column, the share of time each OS thread ran (`run`) and waited for a core
 * (`wait`). `laneOfThread[t]` is the lane of OS thread t, or -1 when it has none.
 */
export function rasterThreads(
  os: OsThreadStore,
  scale: TimeScale,
  laneOfThread: Int32Array,
  lanes: number,
): { run: Float32Array; wait: Float32Array; columns: number } {
  const columns = columnsOf(scale);
  const run = new Float32Array(lanes * columns);
  const wait = new Float32Array(lanes * columns);
  forEachSampleColumns(os, scale, (s, x0Px, x1Px, spanNs) => {
    const lane = laneOfThread[os.sampleThread.data[s]];
    if (lane < 0) {
      return;
    }
    addDensity(run, lane * columns, columns, x0Px, x1Px, os.sampleRunNs.data[s] / spanNs);
    addDensity(wait, lane * columns, columns, x0Px, x1Px, os.sampleWaitNs.data[s] / spanNs);
  });
  return { run, wait, columns };
}

/**
 * Per core, kind and column, the share of time threads of that kind ran on that core, taking
 * a sample's core to be the one it was last seen on (an approximation: /proc tells only that).
 * Laid out as `out[(core * kinds + kind) * columns + column]`.
 */
export function rasterCores(
  os: OsThreadStore,
  scale: TimeScale,
  kindOfThread: Int32Array,
  cores: number,
  kinds: number,
): { run: Float32Array; columns: number } {
  const columns = columnsOf(scale);
  const run = new Float32Array(cores * kinds * columns);
  forEachSampleColumns(os, scale, (s, x0Px, x1Px, spanNs) => {
    const core = os.sampleCore.data[s];
    const kind = kindOfThread[os.sampleThread.data[s]];
    if (core >= cores || kind < 0) {
      return;
    }
    const offset = (core * kinds + kind) * columns;
    addDensity(run, offset, columns, x0Px, x1Px, os.sampleRunNs.data[s] / spanNs);
  });
  return { run, columns };
}

/**
 * Fills runs of columns that share a quantized level with one rectangle each:
 * `fill(x0Px, x1Px, level)` with level in (0, 1], columns relative to the time area.
 */
export function fillLevels(
  values: Float32Array,
  offset: number,
  columns: number,
  steps: number,
  fill: (x0Px: number, x1Px: number, level: number) => void,
): void {
  let runStart = 0;
  let runLevel = 0;
  for (let c = 0; c <= columns; c++) {
    // Anything above a trace of activity stays visible at the lowest level.
    const v = c < columns ? values[offset + c] : -1;
    const level = v < 0 ? -1 : v < 0.02 ? 0 : Math.max(1, Math.min(steps, Math.round(v * steps)));
    if (level !== runLevel) {
      if (runLevel > 0) {
        fill(runStart, c, runLevel / steps);
      }
      runStart = c;
      runLevel = level;
    }
  }
}
