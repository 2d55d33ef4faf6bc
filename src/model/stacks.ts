/**
 * Sampled JavaScript stacks (issue #17): per thread, its stack frames (one per distinct path
 * from the root, as the tracer's StackFrame records define them) and its samples in time order
 * (start, duration, leaf frame), and what they say about a span of time: the hottest functions
 * with their self and total time.
 */
import type { StackInfo } from '../shared/traceFormat';
import { Column, f64, u32 } from './columns';
import { TraceRejection } from './decoder';
import type { TraceModel } from './traceModel';

/** Most frames one thread may define: past this a trace is taken as corrupt. */
const MAX_FRAMES = 1 << 22;

/** The stacks of one JS thread. */
export class ThreadStacks {
  /** Frame columns, indexed by frame id (id 0 is the root: no function). */
  readonly frameParent: number[] = [0];
  readonly frameName: number[] = [0];
  readonly frameFile: number[] = [0];
  readonly frameLine: number[] = [0];
  readonly frameColumn: number[] = [0];
  /** Depth of each frame (1 for a function called from the root). */
  readonly frameDepth: number[] = [0];
  /** Sample columns, in start order. */
  readonly sampleStartNs = f64();
  readonly sampleDurationNs = f64();
  readonly sampleFrame = u32();
  /** Deepest frame, for the flame chart's height. */
  maxDepth = 0;
  /** Set by the thread's StackInfo record. */
  info?: StackInfo;
  /** True when a sample arrived before the one before it (then sorted on first read). */
  private unsorted = false;
  /** Line ticks per batch (see addLineTicks): the last sample start each batch covers. */
  readonly lineBatchEndNs: number[] = [];
  /** Per batch: by leaf frame id, its lines and their ticks (parallel lists). */
  readonly lineBatchTicks: Array<Map<number, { lines: number[]; ticks: number[] }>> = [];
  /** Latest sample start since the last line ticks (-1: no sample since). */
  private pendingEndNs = -1;

  constructor(private readonly strings: StringTable) {}

  /** The function name of frame `id`. */
  nameOf(id: number): string {
    return this.strings.list[this.frameName[id]];
  }

  /** The file of frame `id` ('' when V8 knows none). */
  fileOf(id: number): string {
    return this.strings.list[this.frameFile[id]];
  }

  /** Adds frame `id` (ids come in order from 1). */
  addFrame(id: number, parent: number, name: string, file: string, line: number, col: number) {
    if (id !== this.frameParent.length || parent >= id || id > MAX_FRAMES) {
      throw new TraceRejection(`stack frame ${id} defined out of order`);
    }
    const depth = this.frameDepth[parent] + 1;
    this.frameParent.push(parent);
    this.frameName.push(this.strings.intern(name));
    this.frameFile.push(this.strings.intern(file));
    this.frameLine.push(line);
    this.frameColumn.push(col);
    this.frameDepth.push(depth);
    this.maxDepth = Math.max(this.maxDepth, depth);
  }

  /** Adds a sample of leaf frame `frameId`. */
  addSample(startNs: number, durationNs: number, frameId: number): void {
    if (frameId === 0 || frameId >= this.frameParent.length) {
      throw new TraceRejection(`a stack sample of undefined frame ${frameId}`);
    }
    const n = this.sampleStartNs.length;
    if (n > 0 && startNs < this.sampleStartNs.data[n - 1]) {
      this.unsorted = true;
    }
    this.sampleStartNs.push(startNs);
    this.sampleDurationNs.push(durationNs);
    this.sampleFrame.push(frameId);
    this.pendingEndNs = Math.max(this.pendingEndNs, startNs);
  }

  /**
   * A StackInfo's `lineTicks` (frame, line, ticks triplets): the lines of the samples written
   * since the previous ones (the tracer writes them right after each batch; a batch too big for
   * one record continues in the next, with no sample between).
   */
  addLineTicks(flat: readonly number[]): void {
    const n = this.lineBatchEndNs.length;
    let batch: Map<number, { lines: number[]; ticks: number[] }>;
    if (this.pendingEndNs < 0 && n > 0) {
      batch = this.lineBatchTicks[n - 1];
    } else if (this.pendingEndNs >= 0) {
      batch = new Map();
      this.lineBatchEndNs.push(Math.max(this.pendingEndNs, n > 0 ? this.lineBatchEndNs[n - 1] : 0));
      this.lineBatchTicks.push(batch);
      this.pendingEndNs = -1;
    } else {
      return; // lines of no sample
    }
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const [frameId, line, ticks] = [flat[i], flat[i + 1], flat[i + 2]];
      if (frameId <= 0 || frameId >= this.frameParent.length || line <= 0 || ticks <= 0) {
        continue; // a frame this stream never defined: not believed
      }
      let entry = batch.get(frameId);
      if (!entry) {
        entry = { lines: [], ticks: [] };
        batch.set(frameId, entry);
      }
      const at = entry.lines.indexOf(line);
      if (at >= 0) {
        entry.ticks[at] += ticks;
      } else {
        entry.lines.push(line);
        entry.ticks.push(ticks);
      }
    }
  }

  /** Number of samples. */
  get sampleCount(): number {
    this.sortIfNeeded();
    return this.sampleStartNs.length;
  }

  /** The first sample that ends after `timeNs` (samples do not overlap: ends are in order). */
  firstSampleEndingAfter(timeNs: number): number {
    this.sortIfNeeded();
    const starts = this.sampleStartNs.data;
    const durations = this.sampleDurationNs.data;
    let lo = 0;
    let hi = this.sampleStartNs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] + durations[mid] <= timeNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private sortIfNeeded(): void {
    if (!this.unsorted) {
      return;
    }
    this.unsorted = false;
    const n = this.sampleStartNs.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const starts = this.sampleStartNs.data.slice(0, n);
    const durations = this.sampleDurationNs.data.slice(0, n);
    const frames = this.sampleFrame.data.slice(0, n);
    order.sort((a, b) => starts[a] - starts[b]);
    for (let i = 0; i < n; i++) {
      this.sampleStartNs.data[i] = starts[order[i]];
      this.sampleDurationNs.data[i] = durations[order[i]];
      this.sampleFrame.data[i] = frames[order[i]];
    }
  }
}

/** Strings of the stacks, interned (function names and files repeat across threads). */
class StringTable {
  readonly list: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** One of the hottest functions of a span of time. */
export interface HotFunction {
  function: string;
  /** Its file ('' when V8 knows none, e.g. the garbage collector). */
  file: string;
  /** The line its definition starts on (1-based, 0: unknown). */
  line: number;
  /** Time the function itself ran (at the top of the stack). */
  selfMs: number;
  /** Time it was on the stack at all (itself and what it called). */
  totalMs: number;
}

/** Every thread's stacks, by stream (`pid:threadId`). */
export class StackStore {
  private readonly threads = new Map<string, ThreadStacks>();
  private readonly strings = new StringTable();
  /** Samples over every thread. */
  sampleCount = 0;

  /** The stacks of `stream`, or undefined when it has none. */
  of(stream: string): ThreadStacks | undefined {
    return this.threads.get(stream);
  }

  /** Every thread that said anything about stacks. */
  entries(): IterableIterator<[string, ThreadStacks]> {
    return this.threads.entries();
  }

  private thread(stream: string): ThreadStacks {
    let t = this.threads.get(stream);
    if (!t) {
      t = new ThreadStacks(this.strings);
      this.threads.set(stream, t);
    }
    return t;
  }

  /** A StackFrame record. */
  frame(
    stream: string,
    id: number,
    parent: number,
    name: string,
    file: string,
    l: number,
    c: number,
  ) {
    this.thread(stream).addFrame(id, parent, name, file, l, c);
  }

  /** One sample of a StackSamples record. */
  sample(stream: string, startNs: number, durationNs: number, frameId: number): void {
    this.thread(stream).addSample(startNs, durationNs, frameId);
    this.sampleCount++;
  }

  /** A StackInfo record (one with line ticks keeps the thread's info and adds the lines). */
  info(stream: string, info: StackInfo): void {
    const t = this.thread(stream);
    const { lineTicks, ...rest } = info;
    if (lineTicks) {
      t.addLineTicks(lineTicks);
    }
    if (!t.info || !lineTicks) {
      t.info = rest;
    }
  }
}

/**
 * The `limit` hottest functions of thread `stacks` between `fromNs` and `toNs`, by self time
 * then total time: each sample counts for the part of it inside the range. A function is keyed
 * by name, file and line (its calls from different callers are one function); a recursive one
 * counts once per sample in its total.
 */
export function hotFunctions(
  stacks: ThreadStacks,
  fromNs: number,
  toNs: number,
  limit = 10,
): HotFunction[] {
  const byKey = new Map<string, { frame: number; selfNs: number; totalNs: number }>();
  const keyOfFrame = new Map<number, string>();
  const keyOf = (frame: number): string => {
    let key = keyOfFrame.get(frame);
    if (key === undefined) {
      key = `${stacks.frameName[frame]}:${stacks.frameFile[frame]}:${stacks.frameLine[frame]}`;
      keyOfFrame.set(frame, key);
    }
    return key;
  };
  const starts = stacks.sampleStartNs.data;
  const durations = stacks.sampleDurationNs.data;
  const leaves = stacks.sampleFrame.data;
  const n = stacks.sampleCount;
  const seen = new Set<string>();
  for (let i = stacks.firstSampleEndingAfter(fromNs); i < n && starts[i] < toNs; i++) {
    const ns = Math.min(toNs, starts[i] + durations[i]) - Math.max(fromNs, starts[i]);
    if (ns <= 0) {
      continue;
    }
    seen.clear();
    for (let f = leaves[i]; f !== 0; f = stacks.frameParent[f]) {
      const key = keyOf(f);
      let entry = byKey.get(key);
      if (!entry) {
        entry = { frame: f, selfNs: 0, totalNs: 0 };
        byKey.set(key, entry);
      }
      if (f === leaves[i]) {
        entry.selfNs += ns;
      }
      if (!seen.has(key)) {
        seen.add(key);
        entry.totalNs += ns;
      }
    }
  }
  return [...byKey.values()]
    .sort((a, b) => b.selfNs - a.selfNs || b.totalNs - a.totalNs)
    .slice(0, limit)
    .map((e) => ({
      function: stacks.nameOf(e.frame),
      file: stacks.fileOf(e.frame),
      line: stacks.frameLine[e.frame],
      selfMs: Math.round(e.selfNs / 1e3) / 1e3,
      totalMs: Math.round(e.totalNs / 1e3) / 1e3,
    }));
}

/**
 * What sampling costs a thread that is not running, for the tooltips of its lanes, or
 * undefined when its stacks are not sampled. V8's sampler interrupts the thread (a signal on
 * POSIX) at every tick, running or not: measured on Linux, a worker blocked 2 s in
 * Atomics.wait woke about 910 times and used 14-16 ms of CPU at 2 ms (0.5 ms with --no-stacks),
 * an idle event loop about 960 times and 19 ms more than without; 19-23 ms at 1 ms, 7-8 ms at
 * 10 ms.
 */
export function samplingCostNote(info: StackInfo | undefined): string | undefined {
  if (!info?.on || !(info.intervalUs > 0)) {
    return undefined;
  }
  const ms = info.intervalUs / 1000;
  return `stack sampling wakes this thread every ${ms} ms even while it waits: about ${ms >= 5 ? '0.4' : '1'}% of a core it would not use untraced`;
}

/** Sample columns are typed: re-exported so the webview's painter can read them alike. */
export type SampleColumn = Column<Float64Array>;

/** Hot functions listed per callback in the summary. */
const HOT_PER_CALLBACK = 5;

/** The hottest functions of callback span `s`, or undefined when its thread has no samples. */
export function spanHotFunctions(
  model: TraceModel,
  s: number,
  limit = HOT_PER_CALLBACK,
): HotFunction[] | undefined {
  const stacks = model.stacks.of(model.threads[model.spanThread.data[s]].stream);
  if (!stacks || stacks.sampleCount === 0) {
    return undefined;
  }
  return hotFunctions(stacks, model.spanStartNs.data[s], model.spanEndNs.data[s], limit);
}

/** What `summary --json` says about sampled stacks. */
export interface SummaryStacks {
  /** Samples over every thread. */
  samples: number;
  /** Each thread that wrote a StackInfo: sampled or not, and why not. */
  threads: Array<{ thread: string; on: boolean; intervalMs: number; reason?: string }>;
}

/** The summary's stacks figures, or undefined for a trace recorded without stack sampling. */
export function stacksSummary(model: TraceModel): SummaryStacks | undefined {
  const threads: SummaryStacks['threads'] = [];
  for (const t of model.threads) {
    const info = model.stacks.of(t.stream)?.info;
    if (info) {
      threads.push({
        thread: `${t.info.name} (pid ${t.info.pid}, thread ${t.info.threadId})`,
        on: info.on,
        intervalMs: info.intervalUs / 1000,
        ...(info.reason !== undefined ? { reason: info.reason } : {}),
      });
    }
  }
  return threads.length ? { samples: model.stacks.sampleCount, threads } : undefined;
}
