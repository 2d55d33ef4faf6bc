/**
 * A decoded trace in the Chrome Trace Event Format (the JSON that Perfetto, chrome://tracing and
 * speedscope open), produced as a sequence of text chunks so that a trace of millions of
 * callbacks is never one string: the caller writes each chunk (plain or gzipped) as it comes.
 *
 * What maps to what: a process per traced process (`M` process_name), a thread per JS thread
 * (`M` thread_name, its OS tid when known), a complete event (`X`) per callback, nested as it ran;
 * a flow (`s` at the operation's creation, inside the callback that created it, `f` with
 * `bp: e` binding to the callback it led to) per callback, so Perfetto draws the trigger arrows;
 * counters (`C`) for each OS thread's CPU (cores) and the run's cores busy (ours, waiting for a
 * core, other processes). Times are µs (ns / 1000, three decimals: exact).
 */
import { forBusyBuckets } from '../../model/busyBuckets';
import { OP_KINDS } from '../../model/opKinds';
import { SYNTHETIC_TYPES, type ThreadRow, type TraceModel } from '../../model/traceModel';

/** Characters gathered before a chunk is handed out. */
const CHUNK_CHARS = 256 * 1024;
/** Width of the cores-busy counter's steps: the verdict's buckets. */
const CORES_BUCKET_NS = 10e6;

/** A time in ns as the format's µs: three decimals are the ns, so no precision is lost. */
function us(timeNs: number): string {
  return (Math.round(timeNs) / 1000).toFixed(3);
}

/** The tid a JS thread gets: its OS thread's id when known (so it is the OS's), else unique. */
export function chromeTidOf(thread: ThreadRow): number {
  const { osTid, threadId, pid } = thread.info;
  if (osTid > 0) {
    return osTid;
  }
  // Small ids are kernel threads', never a user process's: safe beside real tids.
  return threadId === 0 ? pid : threadId;
}

/** The name of a process: its command line's script (or executable), then its pid. */
function processName(thread: ThreadRow): string {
  const argv = thread.info.argv ?? [];
  const script = argv[1] ?? argv[0] ?? 'node';
  return `${script.split(/[\\/]/).pop() ?? script} (${thread.info.pid})`;
}

/** Gathers event texts and hands them out in chunks of about CHUNK_CHARS. */
class Chunker {
  private parts: string[] = [];
  private chars = 0;
  private first = true;

  /** Adds one event (a JSON object's text); returns a chunk when one is full. */
  add(event: string): string | undefined {
    const text = this.first ? event : `,\n${event}`;
    this.first = false;
    this.parts.push(text);
    this.chars += text.length;
    return this.chars >= CHUNK_CHARS ? this.take() : undefined;
  }

  /** What is gathered, emptied. */
  take(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    return out;
  }
}

/**
 * The last top-level callback of thread `t` that starts at or before `timeNs`, if it is still
 * running then (a creation inside it binds there); -1 when none encloses that time.
 */
function enclosingTopSpan(model: TraceModel, t: number, timeNs: number): number {
  const lane = model.threads[t]?.spansAtDepth[0];
  if (!lane || lane.length === 0) {
    return -1;
  }
  const starts = model.spanStartNs.data;
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[lane.data[mid]] <= timeNs) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo === 0) {
    return -1;
  }
  const s = lane.data[lo - 1];
  const end = model.spanEndNs.data[s];
  return Number.isNaN(end) || end >= timeNs ? s : -1;
}

/**
 * The trace as Trace Event Format JSON (`{"traceEvents":[...]}`), in chunks of text. The model
 * must not change while the chunks are taken.
 */
export function* chromeTraceChunks(model: TraceModel): Generator<string> {
  const chunker = new Chunker();
  const threads = model.threads;
  const tids = threads.map(chromeTidOf);
  const endOfRun = Number.isFinite(model.endNs) ? model.endNs : 0;
  yield '{"displayTimeUnit":"ns","traceEvents":[\n';

  // Names: one process per pid (named by its main thread), one thread per JS thread.
  const namedPids = new Set<number>();
  const meta = (pid: number, tid: number, name: string, args: Record<string, unknown>): string =>
    JSON.stringify({ ph: 'M', cat: '__metadata', pid, tid, name, args });
  const events: string[] = [];
  threads.forEach((thread, t) => {
    const pid = thread.info.pid;
    if (!namedPids.has(pid) && thread.info.kind === 'main') {
      namedPids.add(pid);
      events.push(meta(pid, tids[t], 'process_name', { name: processName(thread) }));
    }
    events.push(meta(pid, tids[t], 'thread_name', { name: thread.info.name || 'thread' }));
    events.push(meta(pid, tids[t], 'thread_sort_index', { sort_index: t }));
  });
  for (const e of events) {
    const chunk = chunker.add(e);
    if (chunk) {
      yield chunk;
    }
  }

  // Callbacks: spans are numbered in the order their Before arrived, which is time order on
  // each thread, so each thread's X events come out in start order, parents before children.
  // Ends are clamped into the parent's (an open span ends with its thread, or the run).
  const typeText = model.types.map((type) => JSON.stringify(type));
  const catText = model.types.map((_, i) => JSON.stringify(OP_KINDS[model.kindOfType[i]]));
  const syntheticType = model.types.map((type) => SYNTHETIC_TYPES.has(type));
  const openEnds = threads.map(() => [] as number[]);
  const n = model.spanCount;
  const sThread = model.spanThread.data;
  const sRes = model.spanRes.data;
  const sStart = model.spanStartNs.data;
  const sEnd = model.spanEndNs.data;
  const sDepth = model.spanDepth.data;
  for (let s = 0; s < n; s++) {
    const t = sThread[s];
    const thread = threads[t];
    const ends = openEnds[t];
    const depth = sDepth[s];
    const threadEnd = thread.endNs ?? endOfRun;
    const parentEnd = depth > 0 && ends[depth - 1] !== undefined ? ends[depth - 1] : Infinity;
    const startNs = sStart[s];
    let endNs = Number.isNaN(sEnd[s]) ? Math.max(threadEnd, startNs) : sEnd[s];
    endNs = Math.max(startNs, Math.min(endNs, parentEnd));
    ends[depth] = endNs;
    const r = sRes[s];
    const type = model.resType.data[r];
    const loc = model.locationOf(r);
    const site = loc ? `,"site":${JSON.stringify(`${loc.file}:${loc.line}:${loc.column}`)}` : '';
    const open = Number.isNaN(sEnd[s]) ? ',"unfinished":true' : '';
    const chunk = chunker.add(
      `{"ph":"X","pid":${thread.info.pid},"tid":${tids[t]},"ts":${us(startNs)},"dur":${us(
        endNs - startNs,
      )},"name":${typeText[type]},"cat":${catText[type]},"args":{"asyncId":${model.resAsyncId.data[r]}${site}${open}}}`,
    );
    if (chunk) {
      yield chunk;
    }
    // Its arrow, from the operation's creation (inside the callback then running on the
    // creating thread) to this callback: `f` binds to the slice enclosing its time, written
    // right after that slice so that, at equal times, an importer that keeps file order (as
    // Perfetto's sorter does) has the slice open when it reads the flow's end.
    if (!syntheticType[type]) {
      const creator = model.resThread.data[r];
      const initNs = model.resInitNs.data[r];
      if (initNs <= startNs && enclosingTopSpan(model, creator, initNs) >= 0) {
        const flow = `"id":${s + 1},"name":"trigger","cat":"async"`;
        const begin = chunker.add(
          `{"ph":"s",${flow},"pid":${threads[creator].info.pid},"tid":${tids[creator]},"ts":${us(initNs)}}`,
        );
        if (begin) {
          yield begin;
        }
        const finish = chunker.add(
          `{"ph":"f","bp":"e",${flow},"pid":${thread.info.pid},"tid":${tids[t]},"ts":${us(startNs)}}`,
        );
        if (finish) {
          yield finish;
        }
      }
    }
  }

  yield* osCounterChunks(model, chunker);
  yield* coresCounterChunks(model, chunker, threads[0]?.info.pid ?? 0);
  const rest = chunker.take();
  yield `${rest}\n]}\n`;
}

/**
 * Each OS thread's CPU as a counter of its process (`CPU <name> <tid>`, in cores): a sample's
 * run time over its period from the sample's start, 0 where its thread had no sample (idle).
 */
function* osCounterChunks(model: TraceModel, chunker: Chunker): Generator<string> {
  const os = model.os;
  const names = os.threads.map((row) => `CPU ${row.name} ${row.tid}`);
  const lastEnd = new Float64Array(os.threads.length).fill(NaN);
  const counter = (row: number, timeNs: number, cores: number): string | undefined => {
    const pid = os.threads[row].pid;
    return chunker.add(
      `{"ph":"C","cat":"cpu","pid":${pid},"tid":${os.threads[row].tid},"ts":${us(timeNs)},"name":${JSON.stringify(
        names[row],
      )},"args":{"cores":${Math.round(cores * 1000) / 1000}}}`,
    );
  };
  for (let i = 0; i < os.sampleCount; i++) {
    const row = os.sampleThread.data[i];
    const startNs = os.sampleStartNs.data[i];
    const endNs = os.sampleEndNs.data[i];
    const prevEnd = lastEnd[row];
    if (!Number.isNaN(prevEnd) && prevEnd < startNs) {
      const c = counter(row, prevEnd, 0);
      if (c) {
        yield c;
      }
    }
    const period = endNs - startNs;
    const c = counter(row, startNs, period > 0 ? os.sampleRunNs.data[i] / period : 0);
    if (c) {
      yield c;
    }
    lastEnd[row] = endNs;
  }
  for (let row = 0; row < lastEnd.length; row++) {
    if (!Number.isNaN(lastEnd[row])) {
      const c = counter(row, lastEnd[row], 0);
      if (c) {
        yield c;
      }
    }
  }
}

/**
 * The run's cores busy in the verdict's 10 ms buckets, as one counter of the first process
 * with three series: ours, ours waiting for a core, and other processes.
 */
function* coresCounterChunks(model: TraceModel, chunker: Chunker, pid: number): Generator<string> {
  if (!(model.endNs > model.startNs)) {
    return;
  }
  const from = model.startNs;
  const texts: string[] = [];
  let nextFree = 0;
  const point = (bucket: number, busy: number, waiting: number, other: number): void => {
    const r = (x: number): number => Math.round(x * 1000) / 1000;
    texts.push(
      `{"ph":"C","cat":"cpu","pid":${pid},"tid":${pid},"ts":${us(from + bucket * CORES_BUCKET_NS)},"name":"Cores busy","args":{"ours":${r(busy)},"waiting":${r(waiting)},"other":${r(other)}}}`,
    );
  };
  // forBusyBuckets skips idle buckets: a zero is written where a run of busy ones stops.
  forBusyBuckets(model, from, model.endNs, CORES_BUCKET_NS, (first, count, cores, wait, other) => {
    if (first > nextFree) {
      point(nextFree, 0, 0, 0);
    }
    point(first, cores, wait, other);
    nextFree = first + count;
  });
  point(nextFree, 0, 0, 0);
  for (const text of texts) {
    const c = chunker.add(text);
    if (c) {
      yield c;
    }
  }
}
