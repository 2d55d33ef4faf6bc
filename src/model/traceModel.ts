/**
 * The columnar store of a trace, fed record by record by the decoder (it is the one TraceSink).
 * Its size is earned: each record kind's handler updates the same private state (the threads'
 * open-span stacks, id indexes, interned types and sites, the last span of each operation),
 * and split across files that state would have to be exposed. What derives from the store
 * lives elsewhere: summary.ts, verdict.ts, parallelism.ts, osThreads.ts, rangeStats.ts.
 */
import {
  THREAD_STATE_RUNNING,
  type CpuSample,
  type MachineCpu,
  type SamplerInfo,
  type StackInfo,
  type ThreadEnd,
  type ThreadInfo,
} from '../shared/traceFormat';
import { Column, f64, i32, IdColumn, type Resizable, u16, u32 } from './columns';
import { TraceRejection, type TraceLocation, type TraceSink } from './decoder';
import { EmbeddedSources } from './embeddedSources';
import { IdIndex } from './idIndex';
import { MarkStore } from './marks';
import { OP_KINDS, opKindOf } from './opKinds';
import { OsThreadStore } from './osThreads';
import { StackStore } from './stacks';

/** One JS thread (an event loop): the main thread of a process or a worker. */
export interface ThreadRow {
  /** Index in `TraceModel.threads`. */
  index: number;
  /** `pid:threadId`. */
  stream: string;
  info: ThreadInfo;
  /** Set once the thread's End record arrived. */
  end?: ThreadEnd;
  endNs?: number;
  /** Events the tracer counted but could not record. */
  dropped: number;
  /** Deepest nesting of callbacks seen (0 = only top-level callbacks). */
  maxDepth: number;
  /** Number of callback spans on this thread. */
  spanCount: number;
  /** For a worker: the thread that started it (-1 if unknown). */
  parent: number;
  /** For a worker: its WORKER operation in the parent (a resource index, -1 if unknown). */
  createdBy: number;
  /**
   * This thread's operations (resource indices) in creation order: a thread's records arrive
   * in time order, so these are sorted by creation time (see CreationOrder).
   */
  readonly ops: Column<Int32Array>;
  /**
   * This thread's spans at each depth, in time order. Spans at one depth never overlap (a
   * callback at depth d starts only once the previous one at depth d returned), so they are
   * in end order too: views bisect them for a window (see SpanIndex, topBusyBefore).
   */
  readonly spansAtDepth: Column<Int32Array>[];
}

interface ThreadState {
  row: ThreadRow;
  /** First capacity of its top-level lane (from its stream's size, when the model was told). */
  laneCapacity: number;
  /** asyncId -> resource index. */
  resources: IdIndex;
  /** Open spans, innermost last. */
  stack: number[];
  /**
   * Async ids of the open spans at depth SHALLOW_DEPTH or more, counted: an After looks for
   * its span among at most SHALLOW_DEPTH others, never through a deep stack it does not match.
   */
  deepOpen?: Map<number, number>;
}

/** The type of an operation that ran but whose creation the trace lacks (made before tracing). */
const BEFORE_TRACING = '(before tracing)';
/** The same in a flight recording: its creation fell in a discarded segment. */
const BEFORE_WINDOW = '(before the window)';
/**
 * Resource types the tracer or the model makes up (the scripts' own spans, operations of unknown
 * creation): not async operations of the program, left out of its counts and exports.
 */
export const SYNTHETIC_TYPES: ReadonlySet<string> = new Set([
  '(main script)',
  '(worker script)',
  BEFORE_TRACING,
  BEFORE_WINDOW,
]);

/** A column of a table (resources or spans): its storage and a way to make it larger. */
type SizedColumn = Resizable & { data: { length: number } };

/** Gives each column room for `rows` (doubling, at least); returns the least room of any. */
function roomFor(columns: readonly SizedColumn[], rows: number): number {
  let capacity = Infinity;
  for (const column of columns) {
    if (column.data.length < rows) {
      column.reserve(Math.max(rows, 2 * column.data.length, 1024));
    }
    capacity = Math.min(capacity, column.data.length);
  }
  return capacity;
}

/**
 * Appends to a thread's list, as its push would: a function of one column class, small enough
 * for V8 to inline where it stopped inlining push (a call per operation and per span).
 */
function appendTo(column: Column<Int32Array>, value: number): void {
  if (column.length === column.data.length) {
    column.reserve(Math.max(16, 2 * column.length));
  }
  column.data[column.length++] = value;
}

/** The index columns are 16-bit: threads, types and depths past this cannot be told apart. */
const MAX_INDEX16 = 0xffff;
/** Depths an After scans for its span before it consults ThreadState.deepOpen. */
const SHALLOW_DEPTH = 64;
/** Workers nested deeper than this lend their operations no creation site. */
const MAX_CREATOR_STEPS = 64;
/** First capacity of per-thread columns: a trace may hold many threads of few callbacks. */
const THREAD_COLUMN_CAPACITY = 16;

/**
 * The columnar store of a trace: threads, async operations (resources) and callback spans.
 * Pure: fed by a TraceDecoder, read by the timeline and the host. Times are ns since the
 * session epoch; an open interval has NaN as its end.
 */
export class TraceModel implements TraceSink {
  /** JS threads in order of appearance. */
  readonly threads: ThreadRow[] = [];
  /** Interned strings (resource types). */
  readonly types: string[] = [];
  /** Interned creation sites. */
  readonly locations: TraceLocation[] = [];

  /** Resource columns: one entry per async operation. */
  readonly resThread = u16();
  /** Async ids (Int32 storage while they fit: see IdColumn). */
  readonly resAsyncId = new IdColumn();
  readonly resType = u16();
  /** Index into `locations`, or -1. */
  readonly resLoc = i32();
  readonly resInitNs = f64();
  readonly resDestroyNs = f64();
  /** Resource index of the trigger, or -1 when it is not a traced operation (see triggerIdOf). */
  readonly resTrigger = i32();
  /** First span of this resource, or -1; spans of a resource are chained by `spanNextOfRes`. */
  readonly resFirstSpan = i32();
  /** Last span of each resource, while spans may still be added (see compact). */
  private resLastSpan = i32();
  private lastSpansDropped = false;

  /** Span columns: one entry per callback run. */
  readonly spanThread = u16();
  readonly spanRes = u32();
  readonly spanStartNs = f64();
  readonly spanEndNs = f64();
  readonly spanDepth = u16();
  readonly spanNextOfRes = i32();

  /** Earliest and latest time seen. */
  startNs = Infinity;
  endNs = -Infinity;
  /** Bumped on every change, so views know when to redraw. */
  version = 0;
  /** OS threads and CPU samples from the sampler's stream (no JS lane is made for it). */
  readonly os = new OsThreadStore();
  /** The program's own marks and measures (performance.mark / measure, console.time). */
  readonly marks = new MarkStore();
  /** Sampled JavaScript stacks per thread (stacks.ts). */
  readonly stacks = new StackStore();
  /** Async events decoded: init, before, after, promiseResolve and destroy records. */
  eventCount = 0;
  /** Flight recorder: the window kept, ns (0: the whole run was recorded). */
  ringWindowNs = 0;
  /** Flight recorder: the latest time before which some thread's events were let go (NaN: none). */
  discardedBeforeNs = NaN;
  /** Source lines embedded in the trace (`record --embed-sources`). */
  readonly sources = new EmbeddedSources();

  private readonly state = new Map<string, ThreadState>();
  /**
   * Trigger ids that are not traced operations (the program's top level, resources created
   * before tracing), by resource index. A resolved trigger's id is its resource's own id, so
   * no column repeats it (8 bytes per operation saved).
   */
  private readonly unresolvedTrigger = new Map<number, number>();
  /** The inferred copy of each location lent to a worker's unlocated operations. */
  private readonly inferredTwins = new Map<TraceLocation, TraceLocation>();
  private readonly typeIndex = new Map<string, number>();
  private readonly locIndex = new Map<TraceLocation, number>();

  /** Number of async operations. */
  get resourceCount(): number {
    return this.resAsyncId.length;
  }

  /** Number of callback spans. */
  get spanCount(): number {
    return this.spanStartNs.length;
  }

  /** The colour kind (index into OP_KINDS) of a resource. */
  kindIndexOf(resIndex: number): number {
    return this.kindOfType[this.resType.data[resIndex]];
  }

  /**
   * Sizes the columns for about `spans` callbacks and `resources` operations up front, so a
   * large trace decodes without growing (each doubling copies and touches fresh pages). An
   * overestimate costs address space only until compact(): untouched pages are not resident.
   * `streamBytes` (frame bytes per stream, see bytesPerStream) sizes each thread's own lists
   * the same way when its first record comes.
   */
  reserve(spans: number, resources: number, streamBytes?: ReadonlyMap<string, number>): void {
    this.streamBytes = streamBytes;
    this.forgetCapacities();
    for (const column of this.resourceColumns()) {
      column.reserve(resources);
    }
    this.resLastSpan.reserve(resources);
    for (const column of this.spanColumns()) {
      column.reserve(spans);
    }
  }

  /**
   * Gives back what a finished trace no longer needs: the columns' spare capacity and, once
   * every thread has ended, the last-span column (rebuilt from the chains if data still comes).
   * Call when no more data is expected soon (a saved trace, an ended program).
   */
  compact(): void {
    this.forgetCapacities();
    for (const column of [...this.resourceColumns(), ...this.spanColumns()]) {
      column.trim();
    }
    for (const row of this.threads) {
      row.ops.trim();
      for (const lane of row.spansAtDepth) {
        lane.trim();
      }
    }
    if (this.threads.length && this.threads.every((t) => t.end !== undefined)) {
      this.resLastSpan = i32();
      this.lastSpansDropped = true;
    } else {
      this.resLastSpan.trim();
    }
  }

  /**
   * When each promise resolved (NaN: none), made at the first resolve record: most traces
   * have none (callback code), and the column would be 8 bytes per operation. See resolveNsOf.
   */
  private resResolveNs: Column<Float64Array> | undefined;

  /** When a promise resolved: NaN if it did not (or is not a promise). */
  resolveNsOf(resIndex: number): number {
    const column = this.resResolveNs;
    return column !== undefined && resIndex < column.length ? column.data[resIndex] : NaN;
  }

  /** The per-operation columns, but for the last-span one (which compact() may drop). */
  private resourceColumns(): SizedColumn[] {
    return [
      ...(this.resResolveNs ? [this.resResolveNs] : []),
      this.resThread,
      this.resAsyncId,
      this.resType,
      this.resLoc,
      this.resInitNs,
      this.resDestroyNs,
      this.resTrigger,
      this.resFirstSpan,
    ];
  }

  /**
   * Room in every resource column (the last-span one included) and in every span column:
   * rows below these are written in place (see addResource, before). 0 until the first row.
   */
  private resCapacity = 0;
  private spanCapacity = 0;

  /** Makes room for `rows` resources in each resource column (doubling, as a push would). */
  private fitResources(rows: number): void {
    this.resCapacity = roomFor([...this.resourceColumns(), this.resLastSpan], rows);
  }

  /** Makes room for `rows` spans in each span column. */
  private fitSpans(rows: number): void {
    this.spanCapacity = roomFor(this.spanColumns(), rows);
  }

  /** The columns changed under the capacities (reserved, trimmed, replaced): look again. */
  private forgetCapacities(): void {
    this.resCapacity = 0;
    this.spanCapacity = 0;
  }

  /** The per-callback columns. */
  private spanColumns(): SizedColumn[] {
    return [
      this.spanThread,
      this.spanRes,
      this.spanStartNs,
      this.spanEndNs,
      this.spanDepth,
      this.spanNextOfRes,
    ];
  }

  /** Rebuilds the last-span column after compact() dropped it (data arrived after all). */
  private ensureLastSpans(): void {
    if (!this.lastSpansDropped) {
      return;
    }
    this.lastSpansDropped = false;
    this.forgetCapacities();
    const last = this.resLastSpan;
    for (let res = 0; res < this.resourceCount; res++) {
      let span = this.resFirstSpan.data[res];
      let tail = -1;
      while (span >= 0) {
        tail = span;
        span = this.spanNextOfRes.data[span];
      }
      last.push(tail);
    }
  }

  /** Start of a resource's first callback, NaN while it has not run. */
  firstRunNs(resIndex: number): number {
    const span = this.resFirstSpan.data[resIndex];
    return span < 0 ? NaN : this.spanStartNs.data[span];
  }

  /** The async id of the operation that triggered a resource (-1: unknown). */
  triggerIdOf(resIndex: number): number {
    const trigger = this.resTrigger.data[resIndex];
    return trigger >= 0
      ? this.resAsyncId.data[trigger]
      : (this.unresolvedTrigger.get(resIndex) ?? -1);
  }

  /** The creation site of a resource, if recorded. */
  locationOf(resIndex: number): TraceLocation | undefined {
    // A worker's own script, the ticks of its bootstrap and what Node made in it before tracing
    // have no user frame: they come from the `new Worker()` that started it (inferred), up the
    // chain of creators: a loop of at most MAX_CREATOR_STEPS (a corrupt trace can make a cycle,
    // or a chain of thousands that every operation would walk).
    let res = resIndex;
    for (let steps = 0; steps <= MAX_CREATOR_STEPS; steps++) {
      const loc = this.resLoc.data[res];
      if (loc >= 0) {
        const site = this.locations[loc];
        return res === resIndex || site.inferred ? site : this.inferredTwin(site);
      }
      const creator = this.threads[this.resThread.data[res]]?.createdBy ?? -1;
      if (creator < 0 || creator === res) {
        return undefined;
      }
      res = creator;
    }
    return undefined;
  }

  /** The inferred copy of a location, made once. */
  private inferredTwin(site: TraceLocation): TraceLocation {
    let twin = this.inferredTwins.get(site);
    if (!twin) {
      twin = { ...site, inferred: true };
      this.inferredTwins.set(site, twin);
    }
    return twin;
  }

  /** The type name of a resource, e.g. 'Timeout'. */
  typeOf(resIndex: number): string {
    return this.types[this.resType.data[resIndex]];
  }

  /** The colour kind (index into OP_KINDS) of each interned type (hot loops read it directly). */
  readonly kindOfType: number[] = [];

  private touch(timeNs: number): void {
    if (timeNs < this.startNs) {
      this.startNs = timeNs;
    }
    if (timeNs > this.endNs) {
      this.endNs = timeNs;
    }
    this.version++;
  }

  /** Frame bytes per stream, told by reserve(): sizes a new thread's lists. */
  private streamBytes: ReadonlyMap<string, number> | undefined;

  private lastStream = '';
  private lastState?: ThreadState;

  private threadState(stream: string): ThreadState {
    // Records come in frames of one stream: the last one is nearly always the one asked for.
    if (stream === this.lastStream && this.lastState) {
      return this.lastState;
    }
    const st = this.lookupThreadState(stream);
    this.lastStream = stream;
    this.lastState = st;
    return st;
  }

  private lookupThreadState(stream: string): ThreadState {
    let st = this.state.get(stream);
    if (!st) {
      // A stream whose Thread record was lost still gets a lane.
      const [pid, threadId] = stream.split(':').map(Number);
      // A callback or an operation takes ~20-30 bytes of a stream: sized for more than that.
      const capacity = Math.max(
        THREAD_COLUMN_CAPACITY,
        Math.ceil((this.streamBytes?.get(stream) ?? 0) / 16),
      );
      const row: ThreadRow = {
        index: this.threads.length,
        stream,
        info: {
          pid,
          threadId,
          osTid: -1,
          kind: threadId === 0 ? 'main' : 'worker',
          name: threadId === 0 ? 'main' : `worker ${threadId}`,
          parentPid: -1,
          parentThreadId: -1,
          nodeVersion: '',
          platform: '',
          arch: '',
          cores: 0,
          argv: [],
          startNs: NaN,
        },
        dropped: 0,
        maxDepth: 0,
        spanCount: 0,
        parent: -1,
        createdBy: -1,
        ops: i32(capacity),
        spansAtDepth: [],
      };
      if (this.threads.length > MAX_INDEX16) {
        throw new TraceRejection(`more than ${MAX_INDEX16 + 1} threads`);
      }
      this.threads.push(row);
      st = { row, laneCapacity: capacity, resources: new IdIndex(), stack: [] };
      this.state.set(stream, st);
    }
    return st;
  }

  /** The type interned last: most operations repeat the one before. */
  private lastType: string | undefined;
  private lastTypeIndex = -1;

  private internType(type: string): number {
    if (type === this.lastType) {
      return this.lastTypeIndex;
    }
    let i = this.typeIndex.get(type);
    if (i === undefined) {
      i = this.types.length;
      if (i > MAX_INDEX16) {
        throw new TraceRejection(`more than ${MAX_INDEX16 + 1} operation types`);
      }
      this.types.push(type);
      this.kindOfType.push(OP_KINDS.indexOf(opKindOf(type)));
      this.typeIndex.set(type, i);
    }
    this.lastType = type;
    this.lastTypeIndex = i;
    return i;
  }

  private internLocation(loc: TraceLocation): number {
    // The decoder hands out one object per defined location, so identity interns it: by the
    // index this model left on it (checked: the object may have met another model), else a map.
    const at = loc.internedAt;
    if (at !== undefined && this.locations[at] === loc) {
      return at;
    }
    let i = this.locIndex.get(loc);
    if (i === undefined) {
      i = this.locations.length;
      this.locations.push(loc);
      this.locIndex.set(loc, i);
    }
    // Not enumerable: the location's copies, JSON and messages stay as they were.
    Object.defineProperty(loc, 'internedAt', { value: i, writable: true, configurable: true });
    return i;
  }

  private addResource(
    st: ThreadState,
    asyncId: number,
    triggerId: number,
    type: string,
    loc: TraceLocation | undefined,
    initNs: number,
  ): number {
    this.ensureLastSpans();
    const ids = this.resAsyncId;
    const i = ids.length;
    // The row's cells are written in place, with one capacity check for the nine columns: a
    // push each was a call each (V8 stopped inlining them here), 13% of a 10M-span decode.
    if (i >= this.resCapacity) {
      this.fitResources(i + 1);
    }
    const n = i + 1;
    if (ids.data instanceof Float64Array || (asyncId | 0) === asyncId) {
      ids.data[i] = asyncId;
      ids.length = n;
    } else {
      ids.push(asyncId);
    }
    const trigger = st.resources.get(triggerId) ?? -1;
    this.resThread.data[i] = st.row.index;
    this.resThread.length = n;
    this.resType.data[i] = this.internType(type);
    this.resType.length = n;
    this.resLoc.data[i] = loc ? this.internLocation(loc) : -1;
    this.resLoc.length = n;
    this.resInitNs.data[i] = initNs;
    this.resInitNs.length = n;
    this.resDestroyNs.data[i] = NaN;
    this.resDestroyNs.length = n;
    this.resTrigger.data[i] = trigger;
    this.resTrigger.length = n;
    this.resFirstSpan.data[i] = -1;
    this.resFirstSpan.length = n;
    this.resLastSpan.data[i] = -1;
    this.resLastSpan.length = n;
    const resolved = this.resResolveNs;
    if (resolved !== undefined) {
      resolved.data[i] = NaN;
      resolved.length = n;
    }
    if (trigger < 0 && triggerId !== -1) {
      this.unresolvedTrigger.set(i, triggerId);
    }
    st.resources.set(asyncId, i);
    appendTo(st.row.ops, i);
    return i;
  }

  thread(stream: string, info: ThreadInfo, timeNs: number): void {
    this.threadState(stream).row.info = info;
    this.touch(timeNs);
  }

  init(
    stream: string,
    timeNs: number,
    asyncId: number,
    triggerId: number,
    _execId: number,
    type: string,
    location: TraceLocation | undefined,
  ): void {
    this.eventCount++;
    this.addResource(this.threadState(stream), asyncId, triggerId, type, location, timeNs);
    this.touch(timeNs);
  }

  before(stream: string, timeNs: number, asyncId: number): void {
    this.eventCount++;
    const st = this.threadState(stream);
    let res = st.resources.get(asyncId);
    if (res === undefined) {
      // Created before the tracer started (e.g. the main module's own resources), or, in a
      // flight recording, before the window it kept.
      const type = Number.isFinite(this.discardedBeforeNs) ? BEFORE_WINDOW : BEFORE_TRACING;
      res = this.addResource(st, asyncId, -1, type, undefined, NaN);
    }
    const depth = st.stack.length;
    if (depth > MAX_INDEX16) {
      throw new TraceRejection(`callbacks nested deeper than ${MAX_INDEX16}`);
    }
    if (depth >= SHALLOW_DEPTH) {
      const deep = (st.deepOpen ??= new Map());
      deep.set(asyncId, (deep.get(asyncId) ?? 0) + 1);
    }
    // In place, one capacity check for the six columns (as in addResource).
    const span = this.spanStartNs.length;
    if (span >= this.spanCapacity) {
      this.fitSpans(span + 1);
    }
    const n = span + 1;
    this.spanStartNs.data[span] = timeNs;
    this.spanStartNs.length = n;
    this.spanThread.data[span] = st.row.index;
    this.spanThread.length = n;
    this.spanRes.data[span] = res;
    this.spanRes.length = n;
    this.spanEndNs.data[span] = NaN;
    this.spanEndNs.length = n;
    this.spanDepth.data[span] = depth;
    this.spanDepth.length = n;
    this.spanNextOfRes.data[span] = -1;
    this.spanNextOfRes.length = n;
    this.ensureLastSpans();
    if (this.resFirstSpan.data[res] < 0) {
      this.resFirstSpan.data[res] = span;
    } else {
      this.spanNextOfRes.data[this.resLastSpan.data[res]] = span;
    }
    this.resLastSpan.data[res] = span;
    // A span's depth is the stack's: at most one more than any before it on this thread.
    const lanes = st.row.spansAtDepth;
    if (depth === lanes.length) {
      lanes.push(i32(depth === 0 ? st.laneCapacity : THREAD_COLUMN_CAPACITY));
    }
    appendTo(lanes[depth], span);
    st.stack.push(span);
    st.row.spanCount++;
    if (depth > st.row.maxDepth) {
      st.row.maxDepth = depth;
    }
    this.touch(timeNs);
  }

  after(stream: string, timeNs: number, asyncId: number): void {
    this.eventCount++;
    const st = this.threadState(stream);
    // Close up to the matching span; unmatched afters (hooks enabled mid-callback) are ignored.
    const stack = st.stack;
    let k = stack.length - 1;
    // A deep stack is searched only where the span is: above SHALLOW_DEPTH if it is open
    // there (everything above it then closes), else below; so an After costs O(1) + closes.
    const low = stack.length > SHALLOW_DEPTH && !st.deepOpen?.get(asyncId) ? SHALLOW_DEPTH : 0;
    if (low) {
      k = SHALLOW_DEPTH - 1;
    }
    for (; k >= 0; k--) {
      if (this.resAsyncId.data[this.spanRes.data[stack[k]]] === asyncId) {
        while (stack.length > k) {
          this.closeTop(st, timeNs);
        }
        break;
      }
    }
    this.touch(timeNs);
  }

  /** Ends the innermost open span of a thread at `timeNs`. */
  private closeTop(st: ThreadState, timeNs: number): void {
    const span = st.stack.pop()!;
    this.spanEndNs.data[span] = timeNs;
    if (st.stack.length >= SHALLOW_DEPTH) {
      const id = this.resAsyncId.data[this.spanRes.data[span]];
      const open = st.deepOpen!.get(id)! - 1;
      if (open) {
        st.deepOpen!.set(id, open);
      } else {
        st.deepOpen!.delete(id);
      }
    }
  }

  promiseResolve(stream: string, timeNs: number, asyncId: number): void {
    this.eventCount++;
    const res = this.threadState(stream).resources.get(asyncId);
    if (res !== undefined) {
      let column = this.resResolveNs;
      if (column === undefined) {
        // The first resolve: NaN for every operation so far, room for as many as the others.
        column = this.resResolveNs = f64();
        this.forgetCapacities();
        column.reserve(Math.max(this.resourceCount, this.resInitNs.data.length));
        column.data.fill(NaN, 0, this.resourceCount);
        column.length = this.resourceCount;
      }
      column.data[res] = timeNs;
    }
    this.touch(timeNs);
  }

  destroy(stream: string, timeNs: number, asyncId: number): void {
    this.eventCount++;
    const st = this.threadState(stream);
    const res = st.resources.get(asyncId);
    if (res !== undefined) {
      this.resDestroyNs.data[res] = timeNs;
    }
    this.touch(timeNs);
  }

  end(stream: string, timeNs: number, end: ThreadEnd): void {
    const st = this.threadState(stream);
    st.row.end = end;
    st.row.endNs = timeNs;
    // A thread that dies inside a callback (uncaught exception, exit) closes its open spans.
    while (st.stack.length) {
      this.closeTop(st, timeNs);
    }
    // Nothing refers to its async ids after its end: its id table (12+ bytes per operation) goes.
    st.resources = new IdIndex();
    this.touch(timeNs);
  }

  discarded(_stream: string, timeNs: number, keptNs: number): void {
    // No lane of its own: the sampler's stream has one too.
    this.ringWindowNs = Math.max(this.ringWindowNs, keptNs);
    if (!(timeNs <= this.discardedBeforeNs)) {
      this.discardedBeforeNs = timeNs;
    }
    this.touch(timeNs);
  }

  spawn(stream: string, timeNs: number, asyncId: number, threadId: number): void {
    const parent = this.threadState(stream);
    const child = this.threadState(`${parent.row.info.pid}:${threadId}`).row;
    child.parent = parent.row.index;
    child.createdBy = parent.resources.get(asyncId) ?? -1;
    this.touch(timeNs);
  }

  osThread(timeNs: number, pid: number, tid: number, ppid: number, name: string): void {
    this.os.osThread(timeNs, pid, tid, ppid, name);
    this.touch(timeNs);
  }

  cpuSample(sample: CpuSample): void {
    this.os.cpuSample(sample);
    this.touch(sample.timeNs);
  }

  machineCpu(sample: MachineCpu): void {
    this.os.machineCpu(sample);
    this.touch(sample.timeNs);
  }

  osThreadExit(timeNs: number, tid: number): void {
    this.os.osThreadExit(timeNs, tid);
    this.touch(timeNs);
  }

  samplerInfo(_timeNs: number, info: SamplerInfo): void {
    this.os.samplerInfo(info);
    this.version++;
  }

  /**
   * The tracer's own CPU reading of a JS thread, where no sampler read /proc: it becomes an
   * estimated OS-thread lane (one sample per reading, no core), and the store says the
   * figures are estimates. Ignored when a real sampler ran.
   */
  threadCpu(stream: string, timeNs: number, cpuNs: number, periodNs: number, _flags: number): void {
    if (this.os.info?.available) {
      return;
    }
    const row = this.threadState(stream).row;
    if (row.info.osTid === -1) {
      // No OS thread id here: a stand-in (negative, so it never meets a real one).
      row.info.osTid = -2 - row.index;
    }
    const tid = row.info.osTid;
    if (!this.os.rowOfTid(tid)) {
      this.os.osThread(timeNs - periodNs, row.info.pid, tid, row.info.parentPid, row.info.name);
    }
    if (!this.os.info) {
      this.os.samplerInfo({
        platform: row.info.platform,
        available: false,
        estimate: true,
        reason:
          "No OS thread sampling (no /proc here, or recorded with --no-sampler): CPU per JavaScript thread is the tracer's own estimate, read every 100 ms; no libuv, V8 or core lanes.",
        cores: row.info.cores,
        intervalNs: 100e6,
        rootPid: row.info.pid,
        samples: 0,
        busyNs: 0,
        hostCpuNs: 0,
        wallNs: 0,
        final: false,
      });
    }
    // A whole-process figure (ThreadCpuFlag.WholeProcess) stays on the main thread that read
    // it: an over-estimate of that thread, which the estimate note owns up to.
    this.os.cpuSample({
      timeNs,
      tid,
      periodNs,
      runNs: Math.min(cpuNs, periodNs * row.info.cores),
      waitNs: 0,
      cpu: 0,
      state: THREAD_STATE_RUNNING,
    });
    this.touch(timeNs);
  }

  mark(stream: string, startNs: number, durationNs: number, name: string, kind: number): void {
    this.marks.add(this.threadState(stream).row.index, startNs, durationNs, name, kind);
    this.touch(startNs + durationNs);
  }

  sourceLines(file: string, firstLine: number, lines: string[]): void {
    this.sources.add(file, firstLine, lines);
    this.version++;
  }

  /** Timers' delays by resource index, ns (sparse: only Timeouts of traces that record it). */
  private readonly timerDelays = new Map<number, number>();

  /** A timer's delay (it falls due this long after it is armed), ns; NaN when not recorded. */
  timerDelayNsOf(resIndex: number): number {
    return this.timerDelays.get(resIndex) ?? NaN;
  }

  timerDelay(stream: string, _timeNs: number, asyncId: number, delayNs: number): void {
    const res = this.threadState(stream).resources.get(asyncId);
    if (res !== undefined) {
      this.timerDelays.set(res, delayNs);
    }
  }

  dropped(stream: string, timeNs: number, count: number): void {
    this.threadState(stream).row.dropped += count;
    this.touch(timeNs);
  }

  stackFrame(...args: Parameters<StackStore['frame']>): void {
    this.stacks.frame(...args);
  }

  stackSample(stream: string, startNs: number, durationNs: number, frameId: number): void {
    this.stacks.sample(stream, startNs, durationNs, frameId);
    this.version++;
  }

  stackInfo(stream: string, _timeNs: number, info: StackInfo): void {
    this.stacks.info(stream, info);
  }
}

/** Columns re-exported for views that read them. */
export type { Column };
