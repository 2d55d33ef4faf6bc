// Synthetic traces for the viewer benchmark: real trace-format bytes (src/shared/traceFormat.ts),
// encoded straight into typed buffers so that 5M spans take seconds, not minutes.
import { FILE_HEADER_BYTES, FRAME_HEADER_BYTES, Rec } from '../src/shared/traceFormat';
import { traceFileHeader } from '../src/launch/tail';

/** Payload bytes after which a frame is cut, as the tracer's 64 KiB buffer does. */
const FRAME_PAYLOAD = 60 * 1024;

const utf8 = new TextEncoder();

/** A growable byte buffer with the format's varints. */
class Writer {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  private room(n: number): void {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
  }
  u8(b: number): void {
    this.room(1);
    this.bytes[this.length++] = b;
  }
  uv(n: number): void {
    this.room(10);
    while (n >= 128) {
      this.bytes[this.length++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.bytes[this.length++] = n;
  }
  zv(n: number): void {
    this.uv(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  text(s: string): void {
    const b = utf8.encode(s);
    this.uv(b.length);
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
}

/** One thread's stream: records into the current frame; closed frames kept with their end time. */
class Stream {
  readonly frames: { endNs: number; bytes: Uint8Array }[] = [];
  private frame = new Writer();
  private lastNs = 0;

  constructor(
    private readonly pid: number,
    private readonly threadId: number,
  ) {}

  private dt(timeNs: number): void {
    this.frame.uv(timeNs - this.lastNs);
    this.lastNs = timeNs;
  }
  thread(timeNs: number, name: string): void {
    this.frame.u8(Rec.Thread);
    this.dt(timeNs);
    const kind = this.threadId === 0 ? 'main' : 'worker';
    const info = { pid: this.pid, threadId: this.threadId, osTid: -1, kind, name };
    const rest = { parentPid: 0, parentThreadId: -1, nodeVersion: 'v22', platform: 'linux' };
    this.frame.text(JSON.stringify({ ...info, ...rest, arch: 'x64', cores: 8, argv: [] }));
  }
  string(id: number, s: string): void {
    this.frame.u8(Rec.String);
    this.frame.uv(id);
    this.frame.text(s);
  }
  location(id: number, fileId: number, line: number, column: number): void {
    this.frame.u8(Rec.Location);
    this.frame.uv(id);
    this.frame.uv(fileId);
    this.frame.uv(line);
    this.frame.uv(column);
    this.frame.u8(0);
  }
  init(timeNs: number, asyncId: number, triggerId: number, typeId: number, locId: number): void {
    this.frame.u8(Rec.Init);
    this.dt(timeNs);
    this.frame.uv(asyncId);
    this.frame.zv(asyncId - triggerId);
    this.frame.zv(asyncId - triggerId);
    this.frame.uv(typeId);
    this.frame.uv(locId);
  }
  event(kind: number, timeNs: number, asyncId: number): void {
    this.frame.u8(kind);
    this.dt(timeNs);
    this.frame.uv(asyncId);
  }
  /** The thread's End record, as a program that finished writes it. */
  end(timeNs: number, reason: string): void {
    this.frame.u8(Rec.End);
    this.dt(timeNs);
    this.frame.text(JSON.stringify({ reason, exitCode: 0 }));
  }
  /** Closes the current frame when it is full (or when forced). */
  cut(force = false): void {
    const n = this.frame.length;
    if (n >= FRAME_PAYLOAD || (force && n > 0)) {
      const bytes = new Uint8Array(FRAME_HEADER_BYTES + n);
      const header = new DataView(bytes.buffer);
      header.setUint32(0, n, true);
      header.setUint32(4, this.pid, true);
      header.setUint32(8, this.threadId, true);
      bytes.set(this.frame.bytes.subarray(0, n), FRAME_HEADER_BYTES);
      this.frames.push({ endNs: this.lastNs, bytes });
      this.frame = new Writer();
      this.lastNs = 0;
    }
  }
}

/** Resource types (string ids 1..) with how often a top-level callback is one of them. */
const TYPES = ['Timeout', 'Immediate', 'FSREQCALLBACK', 'TCPWRAP', 'HTTPINCOMINGMESSAGE', 'ZLIB'];
const NESTED_TYPE = TYPES.length + 1; // 'PROMISE'
/** String id of the first file (string ids are defined in order). */
const FIRST_FILE = TYPES.length + 2;
const FILES = [
  '/bench/app/server.js',
  '/bench/app/db.js',
  '/bench/app/cache.js',
  '/bench/lib/util.js',
];

/** What a generated trace holds, to check the viewer against. */
export interface GeneratedTrace {
  bytes: Uint8Array;
  spans: number;
  resources: number;
  threads: number;
}

/**
 * A trace of `totalSpans` callback spans over `threads` threads: top-level callbacks of mixed
 * types (2-120 µs, gaps up to 40 µs), a third with a nested promise reaction, each creating the
 * next operations it triggers (so causal chains are real); each thread ends with its End record,
 * as in the trace of a program that finished. Frames are interleaved by time, as a live session
 * reads them.
 */
export function generateTrace(totalSpans: number, threads = 8, seed = 1): GeneratedTrace {
  let rnd = seed >>> 0 || 1;
  const random = (): number => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  const perThread = Math.ceil(totalSpans / threads);
  const streams: Stream[] = [];
  let spans = 0;
  let resources = 0;
  for (let t = 0; t < threads; t++) {
    const s = new Stream(4242, t);
    streams.push(s);
    let timeNs = 1_000_000 + t * 50_000;
    s.thread(timeNs, t === 0 ? 'main' : `worker ${t}`);
    [...TYPES, 'PROMISE'].forEach((type, i) => s.string(i + 1, type));
    FILES.forEach((file, i) => s.string(FIRST_FILE + i, file));
    for (let loc = 1; loc <= 24; loc++) {
      s.location(loc, FIRST_FILE + (loc % FILES.length), 10 + loc * 3, 5);
    }
    let asyncId = 10;
    // Operations created but not run yet: [asyncId, typeId].
    const pending: number[] = [];
    let done = 0;
    const root = asyncId++;
    s.init(timeNs, root, 1, 1, 1);
    pending.push(root, 1);
    resources++;
    while (done < perThread && spans < totalSpans) {
      timeNs += Math.floor(random() * 40_000) + 200;
      let id: number;
      if (pending.length === 0) {
        id = asyncId++;
        s.init(timeNs - 100, id, 1, 1, 1);
        resources++;
      } else {
        id = pending.shift()!;
        pending.shift();
      }
      s.event(Rec.Before, timeNs, id);
      spans++;
      done++;
      const durNs = 2_000 + Math.floor(random() * random() * 118_000);
      // The callback starts one or two operations (or none) at points inside it.
      const children = random() < 0.45 ? 2 : random() < 0.9 ? 1 : 0;
      for (let c = 0; c < children && pending.length < 64; c++) {
        const child = asyncId++;
        const typeId = 1 + Math.floor(random() * TYPES.length);
        s.init(timeNs + Math.floor((durNs * (c + 1)) / 4), child, id, typeId, 1 + (child % 24));
        pending.push(child, typeId);
        resources++;
      }
      if (random() < 0.33 && done < perThread) {
        const inner = asyncId++;
        const innerStart = timeNs + Math.floor(durNs * 0.6);
        s.init(innerStart - 50, inner, id, NESTED_TYPE, 1 + (inner % 24));
        s.event(Rec.Before, innerStart, inner);
        s.event(Rec.After, innerStart + Math.floor(durNs * 0.3), inner);
        resources++;
        spans++;
        done++;
      }
      timeNs += durNs;
      s.event(Rec.After, timeNs, id);
      s.event(Rec.Destroy, timeNs + 10, id);
      s.cut();
    }
    // A recorded program that finished: every thread ends (a cut trace would have no End).
    s.end(timeNs + 1_000, t === 0 ? 'exit' : 'worker-exit');
    s.cut(true);
  }
  const frames = streams.flatMap((s) => s.frames).sort((a, b) => a.endNs - b.endNs);
  const total = FILE_HEADER_BYTES + frames.reduce((n, f) => n + f.bytes.length, 0);
  const bytes = new Uint8Array(total);
  bytes.set(traceFileHeader(), 0);
  let pos = FILE_HEADER_BYTES;
  for (const f of frames) {
    bytes.set(f.bytes, pos);
    pos += f.bytes.length;
  }
  return { bytes, spans, resources, threads };
}
