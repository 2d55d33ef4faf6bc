/** Per source line, what the operations created there did: the editor's figures. */
import type { LineInsight } from '../../shared/insights';
import type { TraceModel } from '../traceModel';
import { isSyntheticType, roundMs } from './common';

/** At most this many lines are returned (those with the most operations first). */
const MAX_LINES = 2000;

interface LineAcc {
  file: string;
  line: number;
  operations: number;
  byType: Map<number, number>;
  callbacks: number;
  runTotalNs: number;
  runMaxNs: number;
  waitTotalNs: number;
  waitMaxNs: number;
}

/**
 * One LineInsight per creation site (file and line) of the program's operations. Inferred
 * sites count too (they are the user's line the operation came from). One pass over the
 * operations and their spans.
 */
export function lineInsights(model: TraceModel): LineInsight[] {
  const synthetic = model.types.map(isSyntheticType);
  const byLoc = new Map<number, LineAcc>();
  const byKey = new Map<string, LineAcc>();
  const starts = model.spanStartNs.data;
  const ends = model.spanEndNs.data;
  for (let r = 0; r < model.resourceCount; r++) {
    const typeIndex = model.resType.data[r];
    if (synthetic[typeIndex]) {
      continue;
    }
    const locIndex = model.resLoc.data[r];
    let acc = locIndex >= 0 ? byLoc.get(locIndex) : undefined;
    if (!acc) {
      const loc = model.locationOf(r);
      if (!loc) {
        continue;
      }
      const key = `${loc.line}:${loc.file}`;
      acc = byKey.get(key);
      if (!acc) {
        acc = {
          file: loc.file,
          line: loc.line,
          operations: 0,
          byType: new Map(),
          callbacks: 0,
          runTotalNs: 0,
          runMaxNs: 0,
          waitTotalNs: 0,
          waitMaxNs: 0,
        };
        byKey.set(key, acc);
      }
      if (locIndex >= 0) {
        byLoc.set(locIndex, acc);
      }
    }
    acc.operations++;
    acc.byType.set(typeIndex, (acc.byType.get(typeIndex) ?? 0) + 1);
    const first = model.resFirstSpan.data[r];
    if (first >= 0) {
      const waitNs = starts[first] - model.resInitNs.data[r];
      if (waitNs > 0) {
        acc.waitTotalNs += waitNs;
        acc.waitMaxNs = Math.max(acc.waitMaxNs, waitNs);
      }
    }
    for (let s = first; s >= 0; s = model.spanNextOfRes.data[s]) {
      const runNs = ends[s] - starts[s];
      acc.callbacks++;
      if (runNs > 0) {
        acc.runTotalNs += runNs;
        acc.runMaxNs = Math.max(acc.runMaxNs, runNs);
      }
    }
  }
  return [...byKey.values()]
    .sort((a, b) => b.operations - a.operations || a.line - b.line)
    .slice(0, MAX_LINES)
    .map((a) => {
      let topType = -1;
      for (const [t, n] of a.byType) {
        if (topType < 0 || n > a.byType.get(topType)!) {
          topType = t;
        }
      }
      return {
        file: a.file,
        line: a.line,
        operations: a.operations,
        topType: model.types[topType],
        callbacks: a.callbacks,
        runTotalMs: roundMs(a.runTotalNs),
        runMaxMs: roundMs(a.runMaxNs),
        waitTotalMs: roundMs(a.waitTotalNs),
        waitMaxMs: roundMs(a.waitMaxNs),
      };
    });
}
