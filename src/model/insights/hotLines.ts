/**
 * Self time per source line of the hottest functions (issue #17 item 4): the run's top
 * functions by self time and each blocking callback's, every thread together, with the lines
 * they spent it on (src/model/stackLines.ts), for the editor's end-of-line figures and hovers.
 */
import type { HotLine } from '../../shared/insights';
import { lineSelfTimes } from '../stackLines';
import { hotFunctions, type ThreadStacks } from '../stacks';
import type { TraceModel } from '../traceModel';
import { blockingCases } from './blocking';
import { roundMs } from './common';

/** The run's hottest functions whose lines are shown. */
const RUN_FUNCTIONS = 10;
/** Each blocking callback's hottest functions whose lines are shown. */
const BLOCKING_FUNCTIONS = 5;
/** A line is shown from this much self time... */
const MIN_LINE_NS = 1e6;
/** ...and this share of its function's self time (a stray tick is not a figure). */
const MIN_LINE_SHARE = 0.05;
/** At most this many lines, the hottest first. */
const MAX_LINES = 200;

interface FunctionAcc {
  selfNs: number;
  totalNs: number;
}
interface LineAcc {
  file: string;
  line: number;
  exact: boolean;
  selfNs: number;
  samples: number;
  blockingNs: number;
  /** Self time on this line by function key (the line names the one with the most). */
  byFunction: Map<string, number>;
}

const functionKey = (name: string, file: string, line: number): string =>
  `${name}\0${file}\0${line}`;

/** The hot lines of a trace, hottest first; empty when it has no sampled stacks. */
export function hotLines(model: TraceModel, blockingMs: number): HotLine[] {
  const functions = new Map<string, FunctionAcc>();
  const lines = new Map<string, LineAcc>();
  const hot = new Set<string>();
  let sampledNs = 0;
  const addLines = (stacks: ThreadStacks, fromNs: number, toNs: number, blocking: boolean) => {
    const got = lineSelfTimes(stacks, fromNs, toNs);
    for (const l of got.lines) {
      const file = stacks.fileOf(l.frame);
      if (!file || l.line <= 0) {
        continue;
      }
      const key = `${file}\0${l.line}`;
      let acc = lines.get(key);
      if (!acc) {
        acc = {
          file,
          line: l.line,
          exact: l.exact,
          selfNs: 0,
          samples: 0,
          blockingNs: 0,
          byFunction: new Map(),
        };
        lines.set(key, acc);
      }
      if (blocking) {
        acc.blockingNs += l.selfNs;
        continue;
      }
      acc.selfNs += l.selfNs;
      acc.samples += l.samples;
      acc.exact &&= l.exact;
      const fn = functionKey(stacks.nameOf(l.frame), file, stacks.frameLine[l.frame]);
      acc.byFunction.set(fn, (acc.byFunction.get(fn) ?? 0) + l.selfNs);
    }
    return got.sampledNs;
  };
  for (const t of model.threads) {
    const stacks = model.stacks.of(t.stream);
    if (!stacks || stacks.sampleCount === 0) {
      continue;
    }
    for (const f of hotFunctions(stacks, -Infinity, Infinity, Infinity)) {
      const key = functionKey(f.function, f.file, f.line);
      const acc = functions.get(key) ?? { selfNs: 0, totalNs: 0 };
      acc.selfNs += f.selfMs * 1e6;
      acc.totalNs += f.totalMs * 1e6;
      functions.set(key, acc);
    }
    sampledNs += addLines(stacks, -Infinity, Infinity, false);
  }
  if (sampledNs === 0) {
    return [];
  }
  [...functions]
    .sort((a, b) => b[1].selfNs - a[1].selfNs)
    .slice(0, RUN_FUNCTIONS)
    .forEach(([key]) => hot.add(key));
  for (const c of blockingCases(model, blockingMs * 1e6)) {
    const stacks = model.stacks.of(model.threads[c.thread].stream);
    if (!stacks || stacks.sampleCount === 0) {
      continue;
    }
    const fromNs = model.spanStartNs.data[c.span];
    const toNs = model.spanEndNs.data[c.span];
    for (const f of hotFunctions(stacks, fromNs, toNs, BLOCKING_FUNCTIONS)) {
      hot.add(functionKey(f.function, f.file, f.line));
    }
    addLines(stacks, fromNs, toNs, true);
  }
  const out: HotLine[] = [];
  for (const acc of lines.values()) {
    let top: string | undefined;
    for (const [fn, ns] of acc.byFunction) {
      if (top === undefined || ns > acc.byFunction.get(top)!) {
        top = fn;
      }
    }
    const fn = top !== undefined ? functions.get(top) : undefined;
    if (!fn || !hot.has(top!) || acc.selfNs < Math.max(MIN_LINE_NS, MIN_LINE_SHARE * fn.selfNs)) {
      continue;
    }
    out.push({
      file: acc.file,
      line: acc.line,
      function: top!.split('\0')[0],
      selfMs: roundMs(acc.selfNs),
      samples: Math.round(acc.samples),
      share: Math.round((acc.selfNs / sampledNs) * 1000) / 1000,
      blockingSelfMs: roundMs(acc.blockingNs),
      functionSelfMs: roundMs(fn.selfNs),
      totalMs: roundMs(fn.totalNs),
      exact: acc.exact,
    });
  }
  return out.sort((a, b) => b.selfMs - a.selfMs || a.line - b.line).slice(0, MAX_LINES);
}
