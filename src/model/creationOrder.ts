/** The operations of a trace in order of creation, kept as the trace grows. */
import { i32 } from './columns';
import type { TraceModel } from './traceModel';

/**
 * Resource indices ordered by creation time (resources created before tracing: by their first
 * run), ties by index. Each update merges the threads' new operations, and merges that batch
 * into the rows when it reaches back before the last one (threads' frames arrive interleaved).
 * The first update of a large trace orders rows only as far as they are read (`at`): the first
 * paint shows a screenful of them, and merging 10M took 0.45 s of it.
 */
export class CreationOrder {
  private readonly order = i32();
  private synced = 0;
  /** Per thread: how many of its operations are ordered. */
  private readonly cursors: number[] = [];
  /** The first update's merge while it is not done: rows from order.length on are not yet. */
  private pending: LazyMerge | undefined;

  constructor(private readonly model: TraceModel) {}

  /** Number of operations ordered so far (the rows a pending merge will give included). */
  get length(): number {
    return this.pending ? this.pending.out.length : this.order.length;
  }

  /** The operation at a position. */
  at(row: number): number {
    const pending = this.pending;
    if (pending && row >= this.order.length) {
      // Ahead of what is read, so that scrolling row by row does not merge row by row.
      this.mergeUpTo(Math.min(pending.out.length, row + 1 + LAZY_MERGE_STEP));
    }
    return this.order.data[row];
  }

  /** The position of an operation, or -1 (a linear search: for selection, not per frame). */
  rowOf(res: number): number {
    const found = this.order.data.subarray(0, this.order.length).indexOf(res);
    if (found >= 0 || !this.pending) {
      return found;
    }
    // Merged on only until the operation's row comes (revealing an early one merges little).
    while (this.pending) {
      const from = this.order.length;
      this.mergeUpTo(Math.min(this.pending.out.length, from + 4 * LAZY_MERGE_STEP));
      const at = this.order.data.subarray(from, this.order.length).indexOf(res);
      if (at >= 0) {
        return from + at;
      }
    }
    return -1;
  }

  /** Whether rows are still to be merged (tests). */
  get merging(): boolean {
    return this.pending !== undefined;
  }

  /** When an operation was created (resources created before tracing: their first run). */
  createdNs(res: number): number {
    const initNs = this.model.resInitNs.data[res];
    return initNs === initNs ? initNs : this.model.firstRunNs(res);
  }

  /** Orders the operations created since the last call. */
  update(): void {
    const m = this.model;
    const count = m.resourceCount;
    if (count === this.synced) {
      return;
    }
    this.finishPending();
    const order = this.order;
    const n = order.length;
    if (n === 0 && this.startLazyMerge(count - this.synced)) {
      this.synced = count;
      return;
    }
    this.synced = count;
    const fresh = this.mergeThreads();
    if (n === 0) {
      order.data = fresh;
      order.length = fresh.length;
      return;
    }
    // Threads' frames arrive interleaved, so the batch may reach back before the last rows:
    // only the rows after its first operation move (a live trace's recent rows, not all).
    const firstNs = this.createdNs(fresh[0]);
    let p = n;
    if (firstNs < this.createdNs(order.data[n - 1])) {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.createdNs(order.data[mid]) <= firstNs) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      p = lo;
    }
    const tail = order.data.slice(p, n);
    if (n + fresh.length > order.data.length) {
      order.reserve(Math.max(n + fresh.length, 2 * order.data.length));
    }
    const rows = order.data;
    let i = 0;
    let j = 0;
    let o = p;
    while (i < tail.length && j < fresh.length) {
      rows[o++] = this.createdNs(tail[i]) <= this.createdNs(fresh[j]) ? tail[i++] : fresh[j++];
    }
    while (i < tail.length) {
      rows[o++] = tail[i++];
    }
    while (j < fresh.length) {
      rows[o++] = fresh[j++];
    }
    order.length = n + fresh.length;
  }

  /**
   * Starts the first merge without doing it, when it is large and over few threads (the
   * linear merge is resumable; the heap's is not). Returns whether it did.
   */
  private startLazyMerge(fresh: number): boolean {
    const threads = this.model.threads;
    const k = threads.length;
    if (fresh < LAZY_MERGE_ABOVE || k > LINEAR_MERGE_THREADS) {
      return false;
    }
    while (this.cursors.length < k) {
      this.cursors.push(0);
    }
    const heads = new Float64Array(k);
    const headRes = new Int32Array(k);
    const lengths = new Int32Array(k);
    let total = 0;
    for (let t = 0; t < k; t++) {
      const ops = threads[t].ops;
      const cursor = this.cursors[t];
      lengths[t] = ops.length;
      total += ops.length - cursor;
      if (cursor < ops.length) {
        headRes[t] = ops.data[cursor];
        heads[t] = this.createdNs(headRes[t]);
      } else {
        heads[t] = Infinity;
      }
    }
    const out = new Int32Array(total);
    this.order.data = out;
    this.order.length = 0;
    this.pending = { out, heads, headRes, lengths };
    return true;
  }

  /** Merges the pending rows up to (not including) `end`. */
  private mergeUpTo(end: number): void {
    const pending = this.pending!;
    const { out, heads, headRes, lengths } = pending;
    const k = heads.length;
    // The threads' current arrays (compact() may have trimmed them into new ones since).
    const lists: Int32Array[] = [];
    for (let t = 0; t < k; t++) {
      lists.push(this.model.threads[t].ops.data);
    }
    this.order.length = linearMerge(
      out,
      this.order.length,
      end,
      heads,
      headRes,
      lists,
      lengths,
      this.cursors,
      this.model,
    );
    if (this.order.length >= out.length) {
      this.pending = undefined;
    }
  }

  /** Merges whatever of the first update is still pending. */
  private finishPending(): void {
    if (this.pending) {
      this.mergeUpTo(this.pending.out.length);
    }
  }

  /**
   * The operations each thread created since the last call, merged by creation time, ties by
   * index. Each thread's own are already in order (ThreadRow.ops): one pass picks the earliest
   * head of a handful of threads, instead of sorting a million keys.
   */
  private mergeThreads(): Int32Array {
    const threads = this.model.threads;
    const k = threads.length;
    while (this.cursors.length < k) {
      this.cursors.push(0);
    }
    const cursors = this.cursors;
    // Each thread's head (creation time and index) in typed arrays: the inner loop reads only
    // these, not each thread's row (a 1M merge: 80 -> 60 ms in Node; it is in the first draw).
    const heads = new Float64Array(k);
    const headRes = new Int32Array(k);
    const lists: Int32Array[] = [];
    const lengths = new Int32Array(k);
    let total = 0;
    for (let t = 0; t < k; t++) {
      const ops = threads[t].ops;
      lists.push(ops.data);
      lengths[t] = ops.length;
      total += ops.length - cursors[t];
      if (cursors[t] < ops.length) {
        headRes[t] = ops.data[cursors[t]];
        heads[t] = this.createdNs(headRes[t]);
      } else {
        heads[t] = Infinity;
      }
    }
    const out = new Int32Array(total);
    if (k > LINEAR_MERGE_THREADS) {
      this.mergeByHeap(out, heads, headRes, lists, lengths);
      return out;
    }
    linearMerge(out, 0, total, heads, headRes, lists, lengths, cursors, this.model);
    return out;
  }

  /**
   * The same merge through a min-heap of the threads' heads: O(n log threads), for traces of
   * many threads (scanning every head per operation took O(threads x n): 120k threads of one
   * operation each, 1.4e10 steps).
   */
  private mergeByHeap(
    out: Int32Array,
    heads: Float64Array,
    headRes: Int32Array,
    lists: Int32Array[],
    lengths: Int32Array,
  ): void {
    const cursors = this.cursors;
    const heap = new Int32Array(heads.length);
    let size = 0;
    // Thread a before thread b: earlier head, ties by operation index.
    const before = (a: number, b: number): boolean =>
      heads[a] < heads[b] || (heads[a] === heads[b] && headRes[a] < headRes[b]);
    const siftDown = (i: number): void => {
      const t = heap[i];
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && before(heap[child + 1], heap[child])) {
          child++;
        }
        if (!before(heap[child], t)) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = t;
    };
    for (let t = 0; t < heads.length; t++) {
      if (heads[t] !== Infinity) {
        heap[size++] = t;
      }
    }
    for (let i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
    for (let o = 0; size > 0; o++) {
      const t = heap[0];
      out[o] = headRes[t];
      const next = ++cursors[t];
      if (next < lengths[t]) {
        headRes[t] = lists[t][next];
        heads[t] = this.createdNs(headRes[t]);
      } else {
        heap[0] = heap[--size];
      }
      siftDown(0);
    }
  }
}

/** Up to this many threads, a merge scans every thread's head (faster than a heap for few). */
const LINEAR_MERGE_THREADS = 16;
/** A first update of more operations than this is merged as far as rows are read. */
const LAZY_MERGE_ABOVE = 1 << 16;
/** Rows merged ahead of the one read. */
const LAZY_MERGE_STEP = 1 << 14;

/** The state of a first merge done as far as rows are read (see CreationOrder.at). */
interface LazyMerge {
  /** Every row to come; the rows before `order.length` are merged. */
  out: Int32Array;
  /** Each thread's head: creation time (Infinity: done) and operation. */
  heads: Float64Array;
  headRes: Int32Array;
  /** How many of each thread's operations the merge takes. */
  lengths: Int32Array;
}

/**
 * Writes out[from..to) by picking the earliest of the threads' heads (ties by index) and
 * advancing that thread's cursor; returns `to`. Each thread's list is in creation order.
 */
function linearMerge(
  out: Int32Array,
  from: number,
  to: number,
  heads: Float64Array,
  headRes: Int32Array,
  lists: Int32Array[],
  lengths: Int32Array,
  cursors: number[],
  model: TraceModel,
): number {
  const k = heads.length;
  const initNs = model.resInitNs.data;
  for (let o = from; o < to; o++) {
    let best = -1;
    let bestNs = Infinity;
    let bestRes = 0;
    for (let t = 0; t < k; t++) {
      const ns = heads[t];
      if (ns === Infinity) {
        continue;
      }
      const res = headRes[t];
      if (best < 0 || ns < bestNs || (ns === bestNs && res < bestRes)) {
        best = t;
        bestNs = ns;
        bestRes = res;
      }
    }
    out[o] = bestRes;
    const next = ++cursors[best];
    if (next < lengths[best]) {
      const res = lists[best][next];
      headRes[best] = res;
      // createdNs, inlined for the common case (created while traced).
      const ns = initNs[res];
      heads[best] = ns === ns ? ns : model.firstRunNs(res);
    } else {
      heads[best] = Infinity;
    }
  }
  return to;
}
