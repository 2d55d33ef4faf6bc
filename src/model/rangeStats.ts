/** What happened in a range of time: callbacks and busy time per thread, operations, cores. */
import { measuresInRange, type MeasureRangeStats } from './marks';
import { meanCoresBusy } from './parallelism';
import type { TraceModel } from './traceModel';

/** One JS thread's share of a range. */
export interface ThreadRangeStats {
  /** Index into `model.threads`. */
  lane: number;
  /** Callback spans (any depth) that ran at some point of the range. */
  callbacks: number;
  /** Time inside the range spent in top-level callbacks (nested ones are inside them). */
  busyNs: number;
}

/** The statistics of a selected range. */
export interface RangeStats {
  startNs: number;
  endNs: number;
  durationNs: number;
  threads: ThreadRangeStats[];
  /** Operations created (init) in the range. */
  opsStarted: number;
  /** Operations destroyed in the range. */
  opsFinished: number;
  /** Mean cores busy over the range. */
  coresBusy: number;
  /** Where `coresBusy` comes from: the sampler's CPU samples, or JS callback time alone. */
  coresSource: 'cpu samples' | 'js threads';
  /** The program's own measures (performance.measure, console.time) in the range, by name. */
  measures: MeasureRangeStats[];
  /** The program's own marks (performance.mark) in the range. */
  marks: number;
}

/** Computes a range's statistics in one pass over spans and operations (O(n), no allocation per item). */
export function rangeStats(model: TraceModel, startNs: number, endNs: number): RangeStats {
  const a = Math.min(startNs, endNs);
  const b = Math.max(startNs, endNs);
  const threads: ThreadRangeStats[] = model.threads.map((_, lane) => ({
    lane,
    callbacks: 0,
    busyNs: 0,
  }));
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  const lanes = model.spanThread.data;
  const depths = model.spanDepth.data;
  for (let span = 0; span < model.spanCount; span++) {
    const s = starts[span];
    const endRaw = ends[span];
    const e = endRaw === endRaw ? endRaw : model.endNs;
    if (s >= b || e <= a) {
      continue;
    }
    const t = threads[lanes[span]];
    t.callbacks++;
    if (depths[span] === 0) {
      t.busyNs += Math.min(e, b) - Math.max(s, a);
    }
  }
  let opsStarted = 0;
  let opsFinished = 0;
  const inits = model.resInitNs.data;
  const destroys = model.resDestroyNs.data;
  for (let res = 0; res < model.resourceCount; res++) {
    if (inits[res] >= a && inits[res] < b) {
      opsStarted++;
    }
    if (destroys[res] >= a && destroys[res] < b) {
      opsFinished++;
    }
  }
  const durationNs = b - a;
  const samples = model.os.sampleCount > 0;
  const busyNs = threads.reduce((sum, t) => sum + t.busyNs, 0);
  return {
    startNs: a,
    endNs: b,
    durationNs,
    threads,
    opsStarted,
    opsFinished,
    coresBusy: samples ? meanCoresBusy(model, a, b) : durationNs > 0 ? busyNs / durationNs : 0,
    coresSource: samples ? 'cpu samples' : 'js threads',
    ...measuresInRange(model.marks, a, b),
  };
}
