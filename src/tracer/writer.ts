/**
 * The tracer's frame writer: records encoded into one preallocated buffer per thread and
 * written out in frames (varints, strings and locations defined once per stream, shared frames
 * for workers). Its size is earned: every record kind has a hot path (each field below 2^28
 * written with one store) beside its slow path, kept apart on purpose and measured in
 * bench:overhead; splitting them across files would put a module boundary in the hooks' way.
 */
import { writeSync } from 'node:fs';
import { FRAME_HEADER_BYTES, LocFlag, Rec, sealFrame } from '../shared/traceFormat';
import { continuedFrameStart } from './liveFlush';

/** Default frame buffer: large enough that a busy thread writes a few frames a second. */
const FRAME_BYTES = 64 * 1024;
/** Room every fixed-size record fits in (kind + 6 varints of at most 8 bytes). */
const RECORD_ROOM = 64;

const utf8 = new TextEncoder();

/** Fast paths take values below this: their varints have at most 4 bytes. */
const MAX28 = 0x10000000;

/**
 * Writes `value` (0 <= value < 2^28) as a varint at `pos` with one 32-bit store (the bytes past
 * its end are scratch, overwritten by what follows); returns the position after it. No loop and
 * no branch: it runs in the hooks, between two polls of the event loop, where every branch and
 * every instruction is cold.
 */
function uv28(view: DataView, pos: number, value: number): number {
  // ceil(bits / 7) bytes (bits >= 1; * 9363 >>> 16 divides by 7 for these small numbers)
  const len = ((38 - Math.clz32(value | 1)) * 9363) >>> 16;
  // 7 bits per byte, then the continuation bit of every byte but the last.
  const spread =
    (value & 0x7f) |
    ((value & 0x3f80) << 1) |
    ((value & 0x1fc000) << 2) |
    ((value & 0xfe00000) << 3);
  view.setUint32(pos, spread | (0x808080 >>> ((4 - len) << 3)), true);
  return pos + len;
}

/**
 * The frame buffer of a worker thread, shared with the other threads of its process so that
 * one of them can write what the worker had not flushed when it was terminated (a terminated
 * worker runs no more JavaScript: its `exit` listeners never run).
 */
export interface SharedFrame {
  /** The frame buffer (a SharedArrayBuffer). */
  buffer: SharedArrayBuffer;
  /** [0]: end of the last complete record; [1]: FrameState; [2]: the stream's next frame seq;
   * [3] (live frames only, TAKEN_SLOT): where the records not yet written out start. */
  control: SharedArrayBuffer;
}

/** Who may write a shared frame's bytes to the file. */
export const FrameState = {
  /** Only the owner thread writes records; nobody is writing the file. */
  Open: 0,
  /** The owner is writing the frame to the file. */
  Flushing: 1,
  /** Closed: the owner ended, or another thread took the rest; nobody writes any more. */
  Closed: 2,
  /** The live-flush thread is writing the records the owner has not flushed (liveFlush.ts). */
  Live: 3,
} as const;

/** control[TAKEN_SLOT] of a live frame: where the records not yet written out start. */
export const TAKEN_SLOT = 3;

/** Allocates a shared frame. */
export function allocateSharedFrame(): SharedFrame {
  return {
    buffer: new SharedArrayBuffer(FRAME_BYTES),
    control: new SharedArrayBuffer(12),
  };
}

/**
 * Writes what a stopped (or dying) thread left in its shared frame, unless it ended cleanly or
 * someone already did (then returns undefined); returns the stream's next frame seq, for what
 * the caller writes after it. Safe against the owner flushing at the same moment.
 */
export function flushSharedFrame(
  fd: number,
  pid: number,
  threadId: number,
  frame: SharedFrame,
): number | undefined {
  const control = new Int32Array(frame.control);
  for (;;) {
    const state = Atomics.compareExchange(control, 1, FrameState.Open, FrameState.Closed);
    if (state === FrameState.Closed) {
      return undefined;
    }
    if (state === FrameState.Open) {
      break;
    }
    // The owner is mid-flush: it finishes in microseconds.
  }
  const end = Atomics.load(control, 0);
  const seq = Atomics.load(control, 2);
  if (end <= FRAME_HEADER_BYTES) {
    return seq;
  }
  const bytes = new Uint8Array(end);
  bytes.set(new Uint8Array(frame.buffer, 0, end));
  sealFrame(bytes, end - FRAME_HEADER_BYTES, pid, threadId, seq);
  let off = 0;
  while (off < end) {
    off += writeSync(fd, bytes, off, end - off);
  }
  return seq + 1;
}

/**
 * Writes one thread's records into preallocated frames and appends each full frame to the
 * thread's stream file with a synchronous write (no async resources, nothing in the trace).
 */
export class FrameWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** For a shared frame: [end of last complete record, FrameState]. */
  private control?: Int32Array;
  /** Another thread closed the shared frame: this writer writes nothing more. */
  closed = false;
  private pos = FRAME_HEADER_BYTES;
  /** Time of the previous record in this frame (0 at a frame's start: deltas restart). */
  private lastNs = 0;
  /** Time of the previous record written at all, across frames. */
  private lastTimeNs = 0;
  private readonly strings = new Map<string, number>();
  private readonly locations = new Map<string, number>();
  /** Inferred twin of each location id, made on first use. */
  private readonly inferredTwin: number[] = [0];
  private readonly locationInfo: Array<[string, number, number]> = [['', 0, 0]];
  /** Bytes written to the file so far. */
  bytesWritten = 0;
  /** The next frame's seq: frames of this stream written so far (by any writer of it). */
  seq = 0;
  /** Kind of the last timed record written (Rec.*), 0 before any. */
  lastKind = 0;
  /** Called after each frame written to the file (the tracer checks the session's size). */
  onFrameWritten: (() => void) | undefined = undefined;
  /**
   * Called when a full frame was written and the next record needs room (the frame is empty,
   * no record half-written): the flight recorder may start a new segment there (ring.ts), so
   * that a thread busy without a turn of its event loop (no periodic flush) still keeps to its
   * window.
   */
  onFrameFull: (() => void) | undefined = undefined;
  private inFrameFull = false;

  /** The Thread record's JSON, written again at each flight-recorder segment's start. */
  private threadJson: unknown;

  constructor(
    private fd: number,
    private readonly pid: number,
    private readonly threadId: number,
    shared?: SharedFrame,
  ) {
    this.buf = shared ? new Uint8Array(shared.buffer) : new Uint8Array(FRAME_BYTES);
    this.view = new DataView(this.buf.buffer);
    if (shared) {
      this.control = new Int32Array(shared.control);
      this.control[0] = FRAME_HEADER_BYTES;
    }
  }

  /** Marks the records written so far as complete (seen by a thread that takes the rest). */
  private publish(): void {
    if (this.control) {
      this.control[0] = this.pos;
    }
  }

  /** Writes the frame in progress, if it holds any record; `close` ends a shared frame. */
  flush(close = false): void {
    const control = this.control;
    if (control) {
      let state: number;
      while (
        (state = Atomics.compareExchange(control, 1, FrameState.Open, FrameState.Flushing)) ===
        FrameState.Live
      ) {
        // The live-flush thread is writing this frame's first part: a write, microseconds.
      }
      if (state !== FrameState.Open) {
        // Another thread took the rest (the process is exiting): write nothing more.
        this.closed = true;
        this.pos = FRAME_HEADER_BYTES;
        return;
      }
    }
    this.writeFrame();
    if (control) {
      control[0] = FRAME_HEADER_BYTES;
      // (A worker's frame has no such slot: the store is ignored.)
      control[TAKEN_SLOT] = FRAME_HEADER_BYTES;
      Atomics.store(control, 1, close ? FrameState.Closed : FrameState.Open);
    }
  }

  private writeFrame(): void {
    if (this.pos === FRAME_HEADER_BYTES || this.closed) {
      return;
    }
    // A live frame whose first part the live-flush thread wrote: the rest goes as a frame that
    // continues it (liveFlush.ts), its header over bytes already written.
    let off = this.control ? continuedFrameStart(this.buf, this.control, this.pos) : 0;
    if (off < 0) {
      this.frameWritten();
      return;
    }
    // A shared frame's seq lives in control[2]: the live-flush thread numbers the frames it
    // writes there, and a thread that takes a terminated worker's rest numbers its after them.
    const seq = this.control ? Atomics.load(this.control, 2) : this.seq;
    sealFrame(
      this.buf.subarray(off),
      this.pos - off - FRAME_HEADER_BYTES,
      this.pid,
      this.threadId,
      seq,
    );
    this.seq = seq + 1;
    if (this.control) {
      Atomics.store(this.control, 2, this.seq);
    }
    const first = off;
    while (off < this.pos) {
      off += writeSync(this.fd, this.buf, off, this.pos - off);
    }
    this.bytesWritten += this.pos - first;
    this.frameWritten();
  }

  /** The frame is out: the next one starts empty, its deltas from 0. */
  private frameWritten(): void {
    this.pos = FRAME_HEADER_BYTES;
    this.lastTimeNs = Math.max(this.lastTimeNs, this.lastNs);
    this.lastNs = 0;
    this.onFrameWritten?.();
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) {
      return;
    }
    this.flush();
    if (this.onFrameFull && !this.inFrameFull && !this.closed) {
      this.inFrameFull = true;
      try {
        this.onFrameFull();
      } finally {
        this.inFrameFull = false;
      }
      if (this.pos + n <= this.buf.length) {
        return;
      }
      this.flush(); // the new segment's tables filled the frame
    }
    if (FRAME_HEADER_BYTES + n > this.buf.length) {
      // One record larger than a frame (a huge argv): grow once, it stays, unshared.
      if (this.control) {
        Atomics.store(this.control, 1, FrameState.Closed);
        this.control = undefined;
      }
      this.buf = new Uint8Array(FRAME_HEADER_BYTES + n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private uv(value: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (value < 0x80000000) {
      // Integer fast path: nearly every value (ids, ns deltas) is below 2^31.
      let v = value >>> 0;
      while (v >= 0x80) {
        buf[pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[pos++] = v;
    } else {
      let v = value;
      while (v >= 0x80) {
        buf[pos++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      buf[pos++] = v;
    }
    this.pos = pos;
  }

  private zv(value: number): void {
    this.uv(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  private dt(timeNs: number): void {
    // Times are monotonic within a thread; clamp anyway so a delta is never negative.
    const d = timeNs > this.lastNs ? timeNs - this.lastNs : 0;
    this.lastNs += d;
    this.uv(d);
  }

  private bytes(data: Uint8Array): void {
    this.uv(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** The stream's id for a string, defining it first if new. */
  stringId(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size + 1;
      this.strings.set(s, id);
      const data = utf8.encode(s);
      this.room(data.length + 2 * RECORD_ROOM);
      this.buf[this.pos++] = Rec.String;
      this.uv(id);
      this.bytes(data);
      this.publish();
    }
    return id;
  }

  /** The stream's id for a location, defining it first if new. */
  locationId(file: string, line: number, column: number, inferred: boolean): number {
    const key = `${inferred ? '~' : ''}${line}:${column}:${file}`;
    let id = this.locations.get(key);
    if (id === undefined) {
      const fileId = this.stringId(file);
      id = this.locations.size + 1;
      this.locations.set(key, id);
      this.locationInfo[id] = [file, line, column];
      this.inferredTwin[id] = inferred ? id : 0;
      this.room(RECORD_ROOM);
      this.buf[this.pos++] = Rec.Location;
      this.uv(id);
      this.uv(fileId);
      this.uv(line);
      this.uv(column);
      this.buf[this.pos++] = inferred ? LocFlag.Inferred : 0;
      this.publish();
    }
    return id;
  }

  /** The same location not flagged as inferred (0 stays 0). */
  baseLocationId(locId: number): number {
    const info = this.locationInfo[locId];
    return locId === 0 || this.inferredTwin[locId] !== locId
      ? locId
      : this.locationId(info[0], info[1], info[2], false);
  }

  /** The same location flagged as inferred (0 stays 0). */
  inferredLocationId(locId: number): number {
    const twin = this.inferredTwin[locId];
    if (twin || locId === 0) {
      return twin;
    }
    const [file, line, column] = this.locationInfo[locId];
    const id = this.locationId(file, line, column, true);
    this.inferredTwin[locId] = id;
    return id;
  }

  /** An async operation was created (`typeId` and `locId` from stringId / locationId). */
  init(
    timeNs: number,
    asyncId: number,
    triggerId: number,
    execId: number,
    typeId: number,
    locId: number,
  ): void {
    const dt = timeNs - this.lastNs;
    const triggerZ =
      asyncId >= triggerId ? (asyncId - triggerId) * 2 : (triggerId - asyncId) * 2 - 1;
    const execZ = asyncId >= execId ? (asyncId - execId) * 2 : (execId - asyncId) * 2 - 1;
    const pos = this.pos;
    if (
      pos + RECORD_ROOM > this.buf.length ||
      !(dt >= 0 && dt < MAX28) ||
      asyncId >= MAX28 ||
      triggerZ >= MAX28 ||
      execZ >= MAX28 ||
      typeId >= MAX28 ||
      locId >= MAX28
    ) {
      this.initSlow(timeNs, asyncId, triggerId, execId, typeId, locId);
      return;
    }
    // The hot path: every field below 2^28, each written with one store.
    const view = this.view;
    this.buf[pos] = Rec.Init;
    this.lastKind = Rec.Init;
    this.lastNs = timeNs;
    let p = uv28(view, pos + 1, dt);
    p = uv28(view, p, asyncId);
    p = uv28(view, p, triggerZ);
    p = uv28(view, p, execZ);
    p = uv28(view, p, typeId);
    p = uv28(view, p, locId);
    this.pos = p;
    if (this.control) {
      this.control[0] = p;
    }
  }

  private initSlow(
    timeNs: number,
    asyncId: number,
    triggerId: number,
    execId: number,
    typeId: number,
    locId: number,
  ): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.Init;
    this.lastKind = Rec.Init;
    this.dt(timeNs);
    this.uv(asyncId);
    this.zv(asyncId - triggerId);
    this.zv(asyncId - execId);
    this.uv(typeId);
    this.uv(locId);
    this.publish();
  }

  /** A promise was created (promise-hooks path): see Rec.PromiseInit. */
  promiseInit(timeNs: number, id: number, parentId: number, execId: number, locId: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.PromiseInit;
    this.lastKind = Rec.PromiseInit;
    this.dt(timeNs);
    this.uv(id);
    this.uv(parentId ? id - parentId : 0);
    this.uv(execId);
    this.uv(locId);
    this.publish();
  }

  /** A record made of a kind, a time and one number (Before, After...): the hot path, inlined. */
  event(kind: number, timeNs: number, value: number): void {
    const dt = timeNs - this.lastNs;
    const pos = this.pos;
    if (pos + RECORD_ROOM > this.buf.length || !(dt >= 0 && dt < MAX28) || value >= MAX28) {
      this.eventSlow(kind, timeNs, value);
      return;
    }
    const view = this.view;
    this.buf[pos] = kind;
    this.lastKind = kind;
    this.lastNs = timeNs;
    const p = uv28(view, uv28(view, pos + 1, dt), value);
    this.pos = p;
    if (this.control) {
      this.control[0] = p;
    }
  }

  private eventSlow(kind: number, timeNs: number, value: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = kind;
    this.lastKind = kind;
    this.dt(timeNs);
    this.uv(value);
    this.publish();
  }

  /** A Destroy record at the time of the previous record (dt 0): see the tracer's destroy hook. */
  destroy(asyncId: number): void {
    this.atLastTime(Rec.Destroy, asyncId);
  }

  /**
   * A record of `kind` (Before, PromiseBefore, Destroy) and one number, at the time of the
   * previous record (dt 0): for what happens right after it, where a clock read would tell the
   * same time.
   */
  atLastTime(kind: number, value: number): void {
    const pos = this.pos;
    if (pos + RECORD_ROOM > this.buf.length || this.lastNs === 0 || value >= MAX28) {
      this.atLastTimeSlow(kind, value);
      return;
    }
    // The kind and a zero dt in one store, then the value.
    this.view.setUint16(pos, kind, true);
    this.lastKind = kind;
    const p = uv28(this.view, pos + 2, value);
    this.pos = p;
    if (this.control) {
      this.control[0] = p;
    }
  }

  private atLastTimeSlow(kind: number, value: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = kind;
    this.lastKind = kind;
    // First record of a frame: the time of the last record of the previous one.
    this.dt(this.lastNs === 0 ? this.lastTimeNs : this.lastNs);
    this.uv(value);
    this.publish();
  }

  /** A ThreadCpu record: see Rec.ThreadCpu. */
  threadCpu(timeNs: number, cpuNs: number, periodNs: number, flags: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.ThreadCpu;
    this.lastKind = Rec.ThreadCpu;
    this.dt(timeNs);
    this.uv(cpuNs);
    this.uv(periodNs);
    this.buf[this.pos++] = flags;
    this.publish();
  }

  /** A TimerDelay record (see Rec.TimerDelay), at the time of the Init it follows. */
  timerDelay(timeNs: number, asyncId: number, delayUs: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.TimerDelay;
    this.lastKind = Rec.TimerDelay;
    this.dt(timeNs);
    this.uv(asyncId);
    this.uv(delayUs);
    this.publish();
  }

  /** This thread started worker `threadId` through its WORKER operation `asyncId`. */
  spawn(timeNs: number, asyncId: number, threadId: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.Spawn;
    this.lastKind = Rec.Spawn;
    this.dt(timeNs);
    this.uv(asyncId);
    this.uv(threadId);
    this.publish();
  }

  /**
   * Flight recorder: the frames from here on go to `fd` (a new segment file), which starts with
   * a Discarded record, the Thread record and every string and location defined so far (same
   * ids), so that it reads on its own once the segments before it are deleted. Call it with the
   * frame empty (right after a flush).
   */
  startSegment(fd: number, timeNs: number, keptNs: number): void {
    this.flush();
    this.fd = fd;
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.Discarded;
    this.dt(timeNs);
    this.uv(keptNs);
    this.publish();
    if (this.threadJson !== undefined) {
      this.json(Rec.Thread, timeNs, this.threadJson);
    }
    let id = 0;
    for (const s of this.strings.keys()) {
      const data = utf8.encode(s);
      this.room(data.length + RECORD_ROOM);
      this.buf[this.pos++] = Rec.String;
      this.uv(++id);
      this.bytes(data);
      this.publish();
    }
    for (let loc = 1; loc < this.locationInfo.length; loc++) {
      const [file, line, column] = this.locationInfo[loc];
      this.room(RECORD_ROOM);
      this.buf[this.pos++] = Rec.Location;
      this.uv(loc);
      this.uv(this.strings.get(file) ?? 0);
      this.uv(line);
      this.uv(column);
      this.buf[this.pos++] = this.inferredTwin[loc] === loc ? LocFlag.Inferred : 0;
      this.publish();
    }
  }

  /** A Mark record (see Rec.Mark); the times are integer ns. */
  mark(timeNs: number, nameId: number, startNs: number, durationNs: number, kind: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.Mark;
    this.lastKind = Rec.Mark;
    this.dt(timeNs);
    this.uv(nameId);
    // From the time the record really has (dt never goes back).
    this.zv(this.lastNs - startNs);
    this.uv(durationNs);
    this.buf[this.pos++] = kind;
    this.publish();
  }

  /** A record made of a kind, a time and a JSON document (Thread, End). */
  json(kind: number, timeNs: number, value: unknown): void {
    if (kind === Rec.Thread) {
      this.threadJson = value;
    }
    const data = utf8.encode(JSON.stringify(value));
    this.room(data.length + RECORD_ROOM);
    this.buf[this.pos++] = kind;
    this.lastKind = kind;
    this.dt(timeNs);
    this.bytes(data);
    this.publish();
  }

  /** A record of `kind`, then `dt` unless `timeNs` is undefined, then `values` as uv varints
   * (callers zigzag signed ones): the stack records of profiler.ts (at most ~4K values). */
  varints(kind: number, timeNs: number | undefined, values: ArrayLike<number>): void {
    this.room(values.length * 8 + RECORD_ROOM);
    this.buf[this.pos++] = kind;
    if (timeNs !== undefined) {
      this.lastKind = kind;
      this.dt(timeNs);
    }
    for (let i = 0; i < values.length; i++) {
      this.uv(values[i]);
    }
    this.publish();
  }

  /** Bytes held in the frame in progress. */
  get pending(): number {
    return this.pos - FRAME_HEADER_BYTES;
  }
}
