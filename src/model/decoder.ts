import {
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  LocFlag,
  MAX_FRAME_PAYLOAD,
  Rec,
  TRACE_MAGIC,
  TRACE_VERSION,
  type CpuSample,
  type SamplerInfo,
  type ThreadEnd,
  type ThreadInfo,
} from '../shared/traceFormat';

/** A source location as the trace defines it. */
export interface TraceLocation {
  file: string;
  line: number;
  column: number;
  inferred: boolean;
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
  /** OS thread `tid` is gone. */
  osThreadExit?(timeNs: number, tid: number): void;
  /** What the sampler could do and what it cost. */
  samplerInfo?(timeNs: number, info: SamplerInfo): void;
  threadCpu?(stream: string, timeNs: number, cpuNs: number, periodNs: number, flags: number): void;
}

/** A trace that cannot be read past `offset` (bytes from the start of what was pushed). */
export class TraceError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte offset ${offset}`);
    this.name = 'TraceError';
  }
}

interface StreamState {
  strings: string[];
  locations: (TraceLocation | undefined)[];
}

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

  constructor(private readonly sink: TraceSink) {}

  /** Decodes a whole trace: header and frames. */
  pushFile(bytes: Uint8Array): void {
    this.checkHeader(bytes);
    this.consumed += FILE_HEADER_BYTES;
    this.pushFrames(bytes.subarray(FILE_HEADER_BYTES));
  }

  /** Checks a file header. */
  checkHeader(bytes: Uint8Array): void {
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
    if (version !== TRACE_VERSION) {
      throw new TraceError(
        `Trace format version ${version} is not supported (this viewer reads version ${TRACE_VERSION})`,
        this.consumed + 4,
      );
    }
  }

  /** Decodes whole frames (no file header). Returns the number of bytes consumed. */
  pushFrames(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    while (pos < bytes.length) {
      if (bytes.length - pos < FRAME_HEADER_BYTES) {
        throw new TraceError('Truncated trace: a frame header is cut off', this.consumed + pos);
      }
      const length = view.getUint32(pos, true);
      const pid = view.getUint32(pos + 4, true);
      const threadId = view.getUint32(pos + 8, true);
      if (length > MAX_FRAME_PAYLOAD) {
        throw new TraceError(`Corrupt trace: frame claims ${length} bytes`, this.consumed + pos);
      }
      if (pos + FRAME_HEADER_BYTES + length > bytes.length) {
        throw new TraceError('Truncated trace: the last frame is cut off', this.consumed + pos);
      }
      const start = pos + FRAME_HEADER_BYTES;
      this.decodeFrame(`${pid}:${threadId}`, bytes, start, start + length);
      pos = start + length;
    }
    this.consumed += pos;
    return pos;
  }

  private decodeFrame(stream: string, bytes: Uint8Array, start: number, end: number): void {
    let state = this.streams.get(stream);
    if (!state) {
      state = { strings: [''], locations: [undefined] };
      this.streams.set(stream, state);
    }
    const sink = this.sink;
    let pos = start;
    let timeNs = 0;
    const fail = (what: string): never => {
      throw new TraceError(`Corrupt trace: ${what} in stream ${stream}`, this.consumed + pos);
    };
    // LEB128 varint; values up to 2^53 stay exact because high groups are multiplied, not shifted.
    const uv = (): number => {
      let result = 0;
      let mul = 1;
      for (;;) {
        if (pos >= end) {
          return fail('a record runs past its frame');
        }
        const b = bytes[pos++];
        result += (b & 0x7f) * mul;
        if (b < 0x80) {
          return result;
        }
        mul *= 128;
        if (mul > 2 ** 56) {
          return fail('a varint is too long');
        }
      }
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
    const json = <T>(): T => {
      const s = text();
      try {
        return JSON.parse(s) as T;
      } catch {
        return fail('unreadable metadata');
      }
    };
    while (pos < end) {
      const kind = bytes[pos++];
      switch (kind) {
        case Rec.Init: {
          timeNs += uv();
          const asyncId = uv();
          const triggerId = asyncId - zv();
          const execId = asyncId - zv();
          const type = state.strings[uv()];
          const loc = uv();
          if (type === undefined || loc >= state.locations.length) {
            fail('an operation refers to an undefined string or location');
          }
          sink.init(stream, timeNs, asyncId, triggerId, execId, type, state.locations[loc]);
          break;
        }
        case Rec.Before:
          timeNs += uv();
          sink.before(stream, timeNs, uv());
          break;
        case Rec.After:
          timeNs += uv();
          sink.after(stream, timeNs, uv());
          break;
        case Rec.PromiseResolve:
          timeNs += uv();
          sink.promiseResolve(stream, timeNs, uv());
          break;
        case Rec.Destroy:
          timeNs += uv();
          sink.destroy(stream, timeNs, uv());
          break;
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
          const flags = bytes[pos++];
          if (id !== state.locations.length || file === undefined) {
            fail(`location ${id} defined out of order`);
          }
          state.locations.push({ file, line, column, inferred: (flags & LocFlag.Inferred) !== 0 });
          break;
        }
        case Rec.Thread:
          timeNs += uv();
          sink.thread(stream, json<ThreadInfo>(), timeNs);
          break;
        case Rec.End:
          timeNs += uv();
          sink.end(stream, timeNs, json<ThreadEnd>());
          break;
        case Rec.Dropped:
          timeNs += uv();
          sink.dropped(stream, timeNs, uv());
          break;
        case Rec.PromiseInit: {
          timeNs += uv();
          const id = uv();
          const parentDelta = uv();
          const execId = uv();
          const loc = uv();
          if (loc >= state.locations.length) {
            fail('a promise refers to an undefined location');
          }
          const trigger = parentDelta ? -(id - parentDelta) : execId;
          sink.init(stream, timeNs, -id, trigger, execId, 'PROMISE', state.locations[loc]);
          break;
        }
        case Rec.PromiseBefore:
          timeNs += uv();
          sink.before(stream, timeNs, -uv());
          break;
        case Rec.PromiseAfter:
          timeNs += uv();
          sink.after(stream, timeNs, -uv());
          break;
        case Rec.PromiseSettled:
          timeNs += uv();
          sink.promiseResolve(stream, timeNs, -uv());
          break;
        case Rec.OsThread: {
          timeNs += uv();
          const pid = uv();
          const tid = uv();
          const ppid = uv();
          sink.osThread?.(timeNs, pid, tid, ppid, text());
          break;
        }
        case Rec.CpuSample: {
          timeNs += uv();
          const tid = uv();
          const periodNs = uv();
          const runNs = uv();
          const waitNs = uv();
          const cpu = uv();
          if (pos >= end) {
            fail('a record runs past its frame');
          }
          sink.cpuSample?.({ timeNs, tid, periodNs, runNs, waitNs, cpu, state: bytes[pos++] });
          break;
        }
        case Rec.OsThreadExit:
          timeNs += uv();
          sink.osThreadExit?.(timeNs, uv());
          break;
        case Rec.SamplerInfo:
          timeNs += uv();
          sink.samplerInfo?.(timeNs, json<SamplerInfo>());
          break;
        case Rec.ThreadCpu: {
          timeNs += uv();
          const cpuNs = uv();
          const periodNs = uv();
          if (pos >= end) {
            fail('a record runs past its frame');
          }
          sink.threadCpu?.(stream, timeNs, cpuNs, periodNs, bytes[pos++]);
          break;
        }
        case Rec.Spawn: {
          timeNs += uv();
          const asyncId = uv();
          sink.spawn(stream, timeNs, asyncId, uv());
          break;
        }
        default:
          pos--;
          fail(`unknown record kind ${kind}`);
      }
    }
  }
}
