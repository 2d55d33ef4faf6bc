/**
 * Self time per source line from sampled stacks (issue #17 item 4). V8 says how many of a
 * profile node's samples were on each line of its function, per batch (about a second), not
 * which sample was on which line; so each sample's time is shared out over its leaf frame's
 * lines in the proportions of its batch. A function whose samples all fall in one long callback
 * (the case that matters) gets exact figures; a function hot in two places within one second
 * gets each sample split by the second's proportions. Samples with no line ticks (older traces,
 * V8's own pseudo-frames) count on the function's first line, marked not exact.
 */
import type { ThreadStacks } from './stacks';

/** Self time on one line of one function. */
export interface LineSelf {
  /** A frame of the function (its name, file and first line). */
  frame: number;
  /** 1-based line; the function's first line when `exact` is false. */
  line: number;
  selfNs: number;
  /** Samples behind selfNs (a sample shared over lines counts in parts). */
  samples: number;
  /** True when the line comes from V8's line ticks. */
  exact: boolean;
}

/** The batch a sample starting at `timeNs` belongs to: the first whose end is not before it. */
function batchAt(stacks: ThreadStacks, timeNs: number): number {
  const ends = stacks.lineBatchEndNs;
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] < timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Self time per (function, line) of thread `stacks` between `fromNs` and `toNs` (each sample
 * counts for its part inside the range), and the sampled time in all (the shares' base).
 */
export function lineSelfTimes(
  stacks: ThreadStacks,
  fromNs: number,
  toNs: number,
): { lines: LineSelf[]; sampledNs: number } {
  const byKey = new Map<string, LineSelf>();
  const add = (frame: number, line: number, ns: number, samples: number, exact: boolean) => {
    const key = `${stacks.frameName[frame]}:${stacks.frameFile[frame]}:${stacks.frameLine[frame]}:${line}:${exact}`;
    let e = byKey.get(key);
    if (!e) {
      e = { frame, line, selfNs: 0, samples: 0, exact };
      byKey.set(key, e);
    }
    e.selfNs += ns;
    e.samples += samples;
  };
  const starts = stacks.sampleStartNs.data;
  const durations = stacks.sampleDurationNs.data;
  const leaves = stacks.sampleFrame.data;
  const n = stacks.sampleCount;
  let sampledNs = 0;
  let i = stacks.firstSampleEndingAfter(fromNs);
  let batch = i < n ? batchAt(stacks, starts[i]) : 0;
  const totals = new Map<object, number>();
  for (; i < n && starts[i] < toNs; i++) {
    const ns = Math.min(toNs, starts[i] + durations[i]) - Math.max(fromNs, starts[i]);
    if (ns <= 0) {
      continue;
    }
    sampledNs += ns;
    while (batch < stacks.lineBatchEndNs.length && stacks.lineBatchEndNs[batch] < starts[i]) {
      batch++;
    }
    const leaf = leaves[i];
    const entry = stacks.lineBatchTicks[batch]?.get(leaf);
    if (!entry) {
      add(leaf, stacks.frameLine[leaf], ns, 1, false);
      continue;
    }
    let total = totals.get(entry);
    if (total === undefined) {
      total = entry.ticks.reduce((a, b) => a + b, 0);
      totals.set(entry, total);
    }
    for (let k = 0; k < entry.lines.length; k++) {
      const share = entry.ticks[k] / total;
      add(leaf, entry.lines[k], ns * share, share, true);
    }
  }
  return { lines: [...byKey.values()], sampledNs };
}
