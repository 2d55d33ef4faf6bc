// Every record kind of the format, each with its checks, and the frame loop of both format
// versions: its size is the format's. The nine hot kinds are read in decodeFrame's own small
// loop (for speed: 10M spans), every other in rareRecord's one switch; splitting further would
// scatter how one record is read. Version 2's frame numbers and the search past damage are in
// frameIntegrity.ts.
import {
  checkSamplerInfo,
  checkStackInfo,
  checkThreadEnd,
  checkThreadInfo,
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  FRAME_HEADER_BYTES_V1,
  frameCrc,
  LocFlag,
  MAX_CORES,
  MAX_FRAME_PAYLOAD,
  Rec,
  TRACE_MAGIC,
  TRACE_VERSION,
  type CpuSample,
  type MachineCpu,
  type SamplerInfo,
  type StackInfo,
  type ThreadEnd,
  type ThreadInfo,
} from '../shared/traceFormat';
import { FrameIntegrity } from './frameIntegrity';
import { TraceError } from './traceError';

/** A source location as the trace defines it. */
export interface TraceLocation {
  file: string;
  line: number;
  column: number;
  inferred: boolean;
  /**
   * Where the sink keeps this location (its own index, set by the sink): the decoder hands each
   * defined location out as one object, so a sink interns it by a field instead of a hash.
   * Not enumerable (copies, JSON and messages leave it out); readonly to everyone else.
   */
  readonly internedAt?: number;
}

/** Receives decoded records; `stream` identifies the thread as `pid:threadId`. */
export interface TraceSink {
  thread(stream: string, info: ThreadInfo, timeNs: number): void;
  init(
    stream: string,
    timeNs: number,
    asyncId: number,
    triggerId: number,
    execId: number,
    type: string,
    location: TraceLocation | undefined,
  ): void;
  before(stream: string, timeNs: number, asyncId: number): void;
  after(stream: string, timeNs: number, asyncId: number): void;
  promiseResolve(stream: string, timeNs: number, asyncId: number): void;
  destroy(stream: string, timeNs: number, asyncId: number): void;
  end(stream: string, timeNs: number, end: ThreadEnd): void;
  dropped(stream: string, timeNs: number, count: number): void;
  spawn(stream: string, timeNs: number, asyncId: number, threadId: number): void;
  /** The sampler found (or saw renamed) OS thread `tid` of process `pid`. */
  osThread?(timeNs: number, pid: number, tid: number, ppid: number, name: string): void;
  /** OS thread `tid` ran `runNs` and waited `waitNs` for a core during the `periodNs` before. */
  cpuSample?(sample: CpuSample): void;
  /** The whole machine kept its cores busy `busyNs` in all during the `periodNs` before. */
  machineCpu?(sample: MachineCpu): void;
  /** OS thread `tid` is gone. */
  osThreadExit?(timeNs: number, tid: number): void;
  /** What the sampler could do and what it cost. */
  samplerInfo?(timeNs: number, info: SamplerInfo): void;
  threadCpu?(stream: string, timeNs: number, cpuNs: number, periodNs: number, flags: number): void;
  /** The flight recorder let this stream's events before `timeNs` go (it kept `keptNs`). */
  discarded?(stream: string, timeNs: number, keptNs: number): void;
  /** The program's own mark or measure (`kind`: MarkKind), `durationNs` 0 for a mark. */
  mark?(stream: string, startNs: number, durationNs: number, name: string, kind: number): void;
  /** Lines `firstLine`.. of source `file`, embedded when the trace was saved. */
  sourceLines?(file: string, firstLine: number, lines: string[]): void;
  /** Stack frame `id` of the stream: `name` at file:line:column, called from frame `parent`. */
  stackFrame?(
    stream: string,
    id: number,
    parent: number,
    name: string,
    file: string,
    line: number,
    column: number,
  ): void;
  /** A sampled stack: frame `frameId` (the leaf) stood for `durationNs` from `startNs`. */
  stackSample?(stream: string, startNs: number, durationNs: number, frameId: number): void;
  /** Whether the stream's stacks are sampled, and why not. */
  stackInfo?(stream: string, timeNs: number, info: StackInfo): void;
  /** Timer `asyncId` falls due `delayNs` after it is armed (Rec.TimerDelay). */
  timerDelay?(stream: string, timeNs: number, asyncId: number, delayNs: number): void;
}

export { TraceError };

/**
 * Thrown by a sink for a decoded value it cannot hold (more threads or types than its columns
 * index, callbacks nested too deep): the decoder turns it into a TraceError at the record.
 */
export class TraceRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceRejection';
  }
}

/**
 * Latest time a reader believes, ns since the session epoch (2^53 - 1, 104 days): past it
 * times are no longer exact integers, and only a corrupt delta gets there.
 */
export const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

/** A record's time, `timeNs` plus its delta, checked: times past 2^53 are corrupt. */
function timeAfter(timeNs: number, dtNs: number): number {
  const t = timeNs + dtNs;
  if (t > MAX_TIME_NS) {
    throw new TraceRejection('a time past 2^53 ns (104 days)');
  }
  return t;
}

/** A frame's bytes that cannot be read at `pos` (within the bytes pushed): a TraceError soon. */
class FrameFault extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

interface StreamState {
  strings: string[];
  locations: (TraceLocation | undefined)[];
  /** A frame of it was decoded (a Discarded record after that is only a new segment). */
  opened?: boolean;
  /** Time of the last timed record of the stream's previous frame (for Rec.Continue). */
  lastTimeNs: number;
}

/** The first version this reader opens (version 1: frames without seq or checksum). */
const OLDEST_VERSION = 1;

const utf8 = new TextDecoder();

/**
 * Decodes trace bytes into sink calls. Feed it a whole file (`pushFile`) or the file header
 * once and then whole frames as they arrive (`pushFrames`); per-stream tables persist between
 * calls. On a truncated or corrupt frame it throws a TraceError naming the offset, after
 * every earlier frame has reached the sink.
 */
export class TraceDecoder {
  private readonly streams = new Map<string, StreamState>();
  /** Bytes consumed so far, for error offsets. */
  private consumed = 0;
  /** The format version of the file header read (frames of version 2 carry seq and crc). */
  private version = TRACE_VERSION;
  /** Version 2's frame numbers and damage (read on past a damaged frame, reported after). */
  readonly integrity = new FrameIntegrity();

  constructor(private readonly sink: TraceSink) {}

  /** Decodes a whole trace: header and frames. */
  pushFile(bytes: Uint8Array): void {
    this.pushHeader(bytes);
    this.pushFrames(bytes.subarray(FILE_HEADER_BYTES));
  }

  /** Checks the file header at the start of `bytes` and counts its 8 bytes as read. */
  pushHeader(bytes: Uint8Array): void {
    this.version = this.checkHeader(bytes);
    this.consumed += FILE_HEADER_BYTES;
  }

  /** Checks a file header; returns its format version. */
  checkHeader(bytes: Uint8Array): number {
    if (bytes.length < FILE_HEADER_BYTES) {
      throw new TraceError('Not a trace file: shorter than its 8-byte header', this.consumed);
    }
    for (let i = 0; i < 4; i++) {
      if (bytes[i] !== TRACE_MAGIC[i]) {
        throw new TraceError(
          'Not a trace file: the header does not start with "CVTR"',
          this.consumed,
        );
      }
    }
    const version = bytes[4] | (bytes[5] << 8);
    if (version < OLDEST_VERSION || version > TRACE_VERSION) {
      throw new TraceError(
        `Trace format version ${version} is not supported (this viewer reads versions ${OLDEST_VERSION} to ${TRACE_VERSION})`,
        this.consumed + 4,
      );
    }
    // Version 2 defines no flag: any set is damage (version 1 writers left them 0 too).
    if (version >= 2 && (bytes[6] | bytes[7]) !== 0) {
      throw new TraceError('Corrupt trace: unknown flags in the file header', this.consumed + 6);
    }
    return version;
  }

  /**
   * Decodes whole frames (no file header). Returns the number of bytes consumed. In a version 2
   * trace a frame whose checksum fails is not decoded: the reader looks for the next frame whose
   * checksum holds and reads on, leaving out every later frame of a stream that lost one (its
   * tables and deltas are no longer known), then throws the first damage as a TraceError at the
   * end of the call, after everything it could read reached the sink.
   */
  pushFrames(bytes: Uint8Array): number {
    const pos = this.readFrames(bytes, false);
    const damage = this.takeDamage();
    if (damage) {
      throw damage;
    }
    return pos;
  }

  /**
   * For a reader fed in pieces: decodes the whole frames at the start of `bytes` and returns
   * the bytes consumed (the rest is a frame still incomplete: give it again with more). Damage
   * is kept for `takeDamage()` rather than thrown; errors that end reading are thrown.
   */
  pushAvailable(bytes: Uint8Array): number {
    return this.readFrames(bytes, true);
  }

  /** Bytes of a frame header in the file being read (by its version). */
  get frameHeaderBytes(): number {
    return this.version >= 2 ? FRAME_HEADER_BYTES : FRAME_HEADER_BYTES_V1;
  }

  private readFrames(bytes: Uint8Array, partial: boolean): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v2 = this.version >= 2;
    const headerBytes = this.frameHeaderBytes;
    let pos = 0;
    const integrity = this.integrity;
    integrity.given(bytes.length);
    try {
      while (pos < bytes.length) {
        let problem: string | undefined;
        let length = 0;
        if (bytes.length - pos < headerBytes) {
          if (partial) {
            break;
          }
          problem = 'Truncated trace: a frame header is cut off';
        } else {
          length = view.getUint32(pos, true);
          if (length > MAX_FRAME_PAYLOAD) {
            problem = `Corrupt trace: frame claims ${length} bytes`;
          } else if (pos + headerBytes + length > bytes.length) {
            if (partial) {
              break;
            }
            problem = 'Truncated trace: the last frame is cut off';
          } else if (
            v2 &&
            view.getUint32(pos + 16, true) !== frameCrc(bytes.subarray(pos), length)
          ) {
            problem = 'Corrupt trace: a frame fails its checksum';
          }
        }
        if (problem !== undefined) {
          const next = v2 ? integrity.resync(bytes, view, pos, length, partial) : -1;
          if (next < 0) {
            throw this.takeDamage() ?? this.error(problem, this.consumed + pos);
          }
          integrity.damaged(`${problem} ${this.readSoFar()}`, this.consumed + pos);
          pos = next;
          continue;
        }
        const pid = view.getUint32(pos + 4, true);
        const threadId = view.getUint32(pos + 8, true);
        const start = pos + headerBytes;
        const verdict = v2
          ? integrity.inSequence(
              `${pid}:${threadId}`,
              view.getUint32(pos + 12, true),
              length ? bytes[start] : 0,
            )
          : 'read';
        if (typeof verdict === 'object') {
          throw this.error(`Corrupt trace: ${verdict.outOfOrder}`, this.consumed + pos);
        }
        if (verdict === 'read') {
          if (length > 0) {
            this.decodeFrame(pid, threadId, bytes, start, start + length);
          }
          this.frames++;
          integrity.read();
        }
        pos = start + length;
      }
    } catch (err) {
      // What ends reading is reported first if damage came before it.
      throw err instanceof TraceError ? (this.takeDamage() ?? err) : err;
    }
    this.consumed += pos;
    return pos;
  }

  /** The first damage found and not yet reported, as a TraceError; undefined if none. */
  takeDamage(): TraceError | undefined {
    return this.integrity.takeDamage();
  }

  /** Frames and records decoded so far, for error messages and callers' progress. */
  frames = 0;
  records = 0;

  /** The error for bytes that cannot be read at `offset`, saying what was read before. */
  private error(message: string, offset: number): TraceError {
    return new TraceError(`${message} ${this.readSoFar()}`, offset);
  }

  private readSoFar(): string {
    return `(after ${this.frames} whole frames and ${this.records} records)`;
  }

  /** Where the last varint or rare record read ended (`uvAt`, `rareRecord`): a second result. */
  private at = 0;

  /**
   * Reads one frame's records. The nine kinds nearly every record is (an operation's init, its
   * callbacks' before and after, its resolve and destroy; the same of promises) are read here on
   * locals, their varints of up to 3 bytes inline; the rest go to `rareRecord`. The split keeps
   * this loop small enough for V8 to inline what it calls, and `pos` a register, not a closure's
   * context slot (which every read of a varint loaded and stored): 10M spans decoded in Node
   * 20, 3.99 -> 3.21 s (medians of three alternate pairs; bench/README.md).
   */
  private decodeFrame(
    pid: number,
    threadId: number,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): void {
    const stream = `${pid}:${threadId}`;
    let state = this.streams.get(stream);
    if (!state) {
      state = { strings: [''], locations: [undefined], lastTimeNs: 0 };
      this.streams.set(stream, state);
    }
    const sink = this.sink;
    let pos = start;
    let timeNs = 0;
    // Records of this frame decoded so far, and where the current one starts.
    let count = 0;
    let recordStart = start;
    try {
      while (pos < end) {
        recordStart = pos;
        count++;
        const kind = bytes[pos++];
        const promise = kind >= Rec.PromiseInit && kind <= Rec.PromiseSettled;
        if (!promise && (kind < Rec.Init || kind > Rec.Destroy)) {
          timeNs = this.rareRecord(
            kind,
            bytes,
            pos,
            end,
            timeNs,
            count,
            state,
            stream,
            pid,
            threadId,
          );
          pos = this.at;
          continue;
        }
        // Every hot kind starts `dt:uv asyncId:uv`. A varint of 1 to 3 bytes wholly in the
        // frame is read here (-1: not one of those); `uvAt` reads any other, with its checks.
        let dtNs = -1;
        if (end - pos >= 3) {
          const b0 = bytes[pos];
          if (b0 < 0x80) {
            dtNs = b0;
            pos += 1;
          } else {
            const b1 = bytes[pos + 1];
            if (b1 < 0x80) {
              dtNs = (b0 & 0x7f) | (b1 << 7);
              pos += 2;
            } else if (bytes[pos + 2] < 0x80) {
              dtNs = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (bytes[pos + 2] << 14);
              pos += 3;
            }
          }
        }
        if (dtNs < 0) {
          dtNs = this.uvAt(bytes, pos, end);
          pos = this.at;
        }
        timeNs = timeAfter(timeNs, dtNs);
        let id = -1;
        if (end - pos >= 3) {
          const b0 = bytes[pos];
          if (b0 < 0x80) {
            id = b0;
            pos += 1;
          } else {
            const b1 = bytes[pos + 1];
            if (b1 < 0x80) {
              id = (b0 & 0x7f) | (b1 << 7);
              pos += 2;
            } else if (bytes[pos + 2] < 0x80) {
              id = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (bytes[pos + 2] << 14);
              pos += 3;
            }
          }
        }
        if (id < 0) {
          id = this.uvAt(bytes, pos, end);
          pos = this.at;
        }
        switch (kind) {
          case Rec.Before:
            sink.before(stream, timeNs, id);
            break;
          case Rec.After:
            sink.after(stream, timeNs, id);
            break;
          case Rec.PromiseResolve:
            sink.promiseResolve(stream, timeNs, id);
            break;
          case Rec.Destroy:
            sink.destroy(stream, timeNs, id);
            break;
          case Rec.PromiseBefore:
            sink.before(stream, timeNs, -id);
            break;
          case Rec.PromiseAfter:
            sink.after(stream, timeNs, -id);
            break;
          case Rec.PromiseSettled:
            sink.promiseResolve(stream, timeNs, -id);
            break;
          case Rec.Init: {
            // `triggerDelta:zv execDelta:zv type:uv loc:uv`, each nearly always one byte.
            let u = pos < end ? bytes[pos] : 0x80;
            if (u < 0x80) {
              pos++;
            } else {
              u = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            const triggerId = id - (u % 2 === 0 ? u / 2 : -(u + 1) / 2);
            u = pos < end ? bytes[pos] : 0x80;
            if (u < 0x80) {
              pos++;
            } else {
              u = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            const execId = id - (u % 2 === 0 ? u / 2 : -(u + 1) / 2);
            u = pos < end ? bytes[pos] : 0x80;
            if (u < 0x80) {
              pos++;
            } else {
              u = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            const type = state.strings[u];
            let loc = pos < end ? bytes[pos] : 0x80;
            if (loc < 0x80) {
              pos++;
            } else {
              loc = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            if (type === undefined || loc >= state.locations.length) {
              throw new FrameFault('an operation refers to an undefined string or location', pos);
            }
            sink.init(stream, timeNs, id, triggerId, execId, type, state.locations[loc]);
            break;
          }
          default: {
            // Rec.PromiseInit: `parentDelta:uv execId:uv loc:uv` after its id.
            let parentDelta = pos < end ? bytes[pos] : 0x80;
            if (parentDelta < 0x80) {
              pos++;
            } else {
              parentDelta = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            let execId = pos < end ? bytes[pos] : 0x80;
            if (execId < 0x80) {
              pos++;
            } else {
              execId = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            let loc = pos < end ? bytes[pos] : 0x80;
            if (loc < 0x80) {
              pos++;
            } else {
              loc = this.uvAt(bytes, pos, end);
              pos = this.at;
            }
            if (loc >= state.locations.length) {
              throw new FrameFault('a promise refers to an undefined location', pos);
            }
            const trigger = parentDelta ? -(id - parentDelta) : execId;
            sink.init(stream, timeNs, -id, trigger, execId, 'PROMISE', state.locations[loc]);
          }
        }
      }
    } catch (err) {
      this.records += count - 1;
      if (err instanceof FrameFault) {
        throw this.error(
          `Corrupt trace: ${err.message} in stream ${stream}`,
          this.consumed + err.pos,
        );
      }
      // A sink's rejection of a value is the record's fault: report it where the record is.
      if (err instanceof TraceRejection) {
        throw this.error(
          `Unreadable trace: ${err.message} in stream ${stream}`,
          this.consumed + recordStart,
        );
      }
      throw err;
    }
    if (timeNs > 0) {
      state.lastTimeNs = timeNs;
    }
    this.records += count;
    state.opened = true;
  }

  /**
   * Reads one record of a kind other than the nine `decodeFrame` reads, starting after its kind
   * byte at `pos`; returns the stream's time after it and leaves its end in `at`. `count`: the
   * record's number in its frame. Faults are thrown as in `decodeFrame`.
   */
  private rareRecord(
    kind: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    timeAtStart: number,
    count: number,
    state: StreamState,
    stream: string,
    pid: number,
    threadId: number,
  ): number {
    const sink = this.sink;
    let pos = start;
    let timeNs = timeAtStart;
    const fail = (what: string): never => {
      throw new FrameFault(what, pos);
    };
    const uv = (): number => {
      const value = this.uvAt(bytes, pos, end);
      pos = this.at;
      return value;
    };
    const zv = (): number => {
      const u = uv();
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    };
    const text = (): string => {
      const n = uv();
      if (pos + n > end) {
        fail('a string runs past its frame');
      }
      const s = utf8.decode(bytes.subarray(pos, pos + n));
      pos += n;
      return s;
    };
    // Metadata: JSON, then checked field by field (a trace's JSON is not trusted).
    const json = <T>(check: (value: unknown) => T | string): T => {
      const s = text();
      let value: unknown;
      try {
        value = JSON.parse(s);
      } catch {
        return fail('unreadable metadata');
      }
      const checked = check(value);
      return typeof checked === 'string' ? fail(checked) : checked;
    };
    const threadInfo = (value: unknown): ThreadInfo | string =>
      checkThreadInfo(value, pid, threadId);
    const flag = (): number => {
      if (pos >= end) {
        fail('a record runs past its frame');
      }
      return bytes[pos++];
    };
    switch (kind) {
      case Rec.String: {
        const id = uv();
        const s = text();
        if (id !== state.strings.length) {
          fail(`string ${id} defined out of order`);
        }
        state.strings.push(s);
        break;
      }
      case Rec.Location: {
        const id = uv();
        const file = state.strings[uv()];
        const line = uv();
        const column = uv();
        const flags = flag();
        if (id !== state.locations.length || file === undefined) {
          fail(`location ${id} defined out of order`);
        }
        state.locations.push({
          file,
          line,
          column,
          inferred: (flags & LocFlag.Inferred) !== 0,
        });
        break;
      }
      case Rec.Thread:
        timeNs = timeAfter(timeNs, uv());
        sink.thread(stream, json(threadInfo), timeNs);
        break;
      case Rec.End:
        timeNs = timeAfter(timeNs, uv());
        sink.end(stream, timeNs, json(checkThreadEnd));
        break;
      case Rec.Dropped:
        sink.dropped(stream, (timeNs = timeAfter(timeNs, uv())), uv());
        break;
      case Rec.OsThread: {
        timeNs = timeAfter(timeNs, uv());
        const osPid = uv();
        const tid = uv();
        const ppid = uv();
        sink.osThread?.(timeNs, osPid, tid, ppid, text());
        break;
      }
      case Rec.CpuSample: {
        timeNs = timeAfter(timeNs, uv());
        const tid = uv();
        const periodNs = uv();
        const runNs = uv();
        const waitNs = uv();
        const cpu = uv();
        const cpuState = flag();
        if (cpu >= MAX_CORES) {
          fail(`a sample on core ${cpu} (a reader believes ${MAX_CORES} cores at most)`);
        }
        sink.cpuSample?.({ timeNs, tid, periodNs, runNs, waitNs, cpu, state: cpuState });
        break;
      }
      case Rec.MachineCpu: {
        timeNs = timeAfter(timeNs, uv());
        const periodNs = uv();
        const busyNs = uv();
        // Cores can be busy at most the whole period each: a larger figure is corruption.
        if (busyNs > periodNs * MAX_CORES) {
          fail(`a machine sample busy ${busyNs} ns in ${periodNs} ns (${MAX_CORES} cores at most)`);
        }
        sink.machineCpu?.({ timeNs, periodNs, busyNs });
        break;
      }
      case Rec.OsThreadExit:
        sink.osThreadExit?.((timeNs = timeAfter(timeNs, uv())), uv());
        break;
      case Rec.SamplerInfo:
        timeNs = timeAfter(timeNs, uv());
        sink.samplerInfo?.(timeNs, json(checkSamplerInfo));
        break;
      case Rec.ThreadCpu: {
        timeNs = timeAfter(timeNs, uv());
        const cpuNs = uv();
        const periodNs = uv();
        sink.threadCpu?.(stream, timeNs, cpuNs, periodNs, flag());
        break;
      }
      case Rec.SourceLines: {
        const file = state.strings[uv()];
        const firstLine = uv();
        const count = uv();
        // Each line takes a byte at least: a count past the frame is corrupt, not a loop.
        if (file === undefined || firstLine < 1 || count > end - pos) {
          fail('unreadable source lines');
        }
        const lines: string[] = [];
        for (let i = 0; i < count; i++) {
          lines.push(text());
        }
        sink.sourceLines?.(file, firstLine, lines);
        break;
      }
      case Rec.TimerDelay: {
        timeNs = timeAfter(timeNs, uv());
        const asyncId = uv();
        sink.timerDelay?.(stream, timeNs, asyncId, uv() * 1e3);
        break;
      }
      case Rec.Spawn: {
        timeNs = timeAfter(timeNs, uv());
        const asyncId = uv();
        sink.spawn(stream, timeNs, asyncId, uv());
        break;
      }
      case Rec.Discarded: {
        // A flight-recorder segment starts: the tables follow again, with the same ids.
        timeNs = timeAfter(timeNs, uv());
        const keptNs = uv();
        state.strings = [''];
        state.locations = [undefined];
        if (!state.opened) {
          // This stream's first frame in the trace: what came before it was let go.
          sink.discarded?.(stream, timeNs, keptNs);
        }
        break;
      }
      case Rec.Mark: {
        timeNs = timeAfter(timeNs, uv());
        const name = state.strings[uv()];
        const startNs = timeNs - zv();
        const durationNs = uv();
        const markKind = flag();
        if (name === undefined) {
          fail('a mark refers to an undefined string');
        }
        sink.mark?.(stream, startNs, durationNs, name, markKind);
        break;
      }
      case Rec.Continue:
        // Only as a frame's first record: its deltas go on from the previous frame's.
        if (count !== 1) {
          fail('a continuation in the middle of a frame');
        }
        timeNs = state.lastTimeNs;
        break;
      case Rec.StackFrame: {
        const id = uv();
        const parent = uv();
        const name = state.strings[uv()];
        const file = state.strings[uv()];
        const line = uv();
        const column = uv();
        if (name === undefined || file === undefined || parent >= id) {
          fail(`stack frame ${id} refers to an undefined string or frame`);
        }
        sink.stackFrame?.(stream, id, parent, name, file, line, column);
        break;
      }
      case Rec.StackSamples: {
        timeNs = timeAfter(timeNs, uv());
        let startUs = uv();
        const samples = uv();
        for (let i = 0; i < samples; i++) {
          startUs += zv();
          const frameId = uv();
          const durationUs = uv();
          if (startUs < 0 || startUs * 1000 > MAX_TIME_NS) {
            fail('a stack sample out of time');
          }
          sink.stackSample?.(stream, startUs * 1000, durationUs * 1000, frameId);
        }
        break;
      }
      case Rec.StackInfo:
        timeNs = timeAfter(timeNs, uv());
        sink.stackInfo?.(stream, timeNs, json(checkStackInfo));
        break;
      default:
        pos--;
        fail(`unknown record kind ${kind}`);
    }
    this.at = pos;
    return timeNs;
  }

  /**
   * Reads the LEB128 varint at `pos` of a frame ending at `end`, leaving the position after it
   * in `at`. Values up to 2^53 stay exact because high groups are multiplied, not shifted;
   * from the 9th group on, a value past 2^53 is a fault.
   */
  private uvAt(bytes: Uint8Array, start: number, end: number): number {
    let pos = start;
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= end) {
        throw new FrameFault('a record runs past its frame', pos);
      }
      const b = bytes[pos++];
      result += (b & 0x7f) * mul;
      // From the 9th group on (an 8-group varint is read whole, up to 2^56, as it always was).
      if (mul > 2 ** 49 && (result > Number.MAX_SAFE_INTEGER || mul > 2 ** 63)) {
        throw new FrameFault('a varint is past 2^53', pos);
      }
      if (b < 0x80) {
        this.at = pos;
        return result;
      }
      mul *= 128;
    }
  }
}
