// Builds large synthetic traces in the real format (src/shared/traceFormat.ts), for load tests.
import { Rec } from '../../src/shared/traceFormat';
import { traceFileHeader } from '../../src/launch/tail';

class Bytes {
  readonly out: number[] = [];
  u8(b: number): void {
    this.out.push(b);
  }
  uv(n: number): void {
    while (n >= 128) {
      this.out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.out.push(n);
  }
  zv(n: number): void {
    this.uv(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  text(s: string): void {
    const b = new TextEncoder().encode(s);
    this.uv(b.length);
    this.out.push(...b);
  }
}

/** One thread's stream, cut into frames; each frame restarts time deltas at 0. */
class Stream {
  readonly frames: number[][] = [];
  private frame = new Bytes();
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
    this.frame.text(
      JSON.stringify({
        pid: this.pid,
        threadId: this.threadId,
        osTid: -1,
        kind,
        name,
        parentPid: 0,
        parentThreadId: -1,
        nodeVersion: 'v20',
        platform: 'linux',
        arch: 'x64',
        cores: 4,
        argv: [],
        startNs: timeNs,
      }),
    );
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
  init(timeNs: number, asyncId: number, typeId: number, locId: number): void {
    this.frame.u8(Rec.Init);
    this.dt(timeNs);
    this.frame.uv(asyncId);
    this.frame.zv(1);
    this.frame.zv(1);
    this.frame.uv(typeId);
    this.frame.uv(locId);
  }
  event(kind: number, timeNs: number, asyncId: number): void {
    this.frame.u8(kind);
    this.dt(timeNs);
    this.frame.uv(asyncId);
  }
  /** Closes the current frame when it is big enough (or `force`). */
  cut(force = false): void {
    if (this.frame.out.length > 32 * 1024 || (force && this.frame.out.length)) {
      const payload = this.frame.out;
      const header = new DataView(new ArrayBuffer(12));
      header.setUint32(0, payload.length, true);
      header.setUint32(4, this.pid, true);
      header.setUint32(8, this.threadId, true);
      this.frames.push([...new Uint8Array(header.buffer), ...payload]);
      this.frame = new Bytes();
      this.lastNs = 0;
    }
  }
}

/**
 * A trace of `threads` threads with `spansPerThread` callback spans each: Timeouts every
 * 10 µs running 4 µs, every tenth with a nested TickObject callback.
 */
export function syntheticTrace(threads: number, spansPerThread: number): Uint8Array {
  const parts: number[][] = [];
  for (let t = 0; t < threads; t++) {
    const s = new Stream(1000, t);
    s.thread(1_000_000, t === 0 ? 'main' : `worker ${t}`);
    s.string(1, 'Timeout');
    s.string(2, 'TickObject');
    s.string(3, '/app/load.js');
    s.location(1, 3, 10, 5);
    s.location(2, 3, 20, 7);
    let asyncId = 10;
    let spans = 0;
    for (let i = 0; spans < spansPerThread; i++) {
      const t0 = 2_000_000 + i * 10_000;
      const id = asyncId++;
      s.init(t0, id, 1, 1);
      s.event(Rec.Before, t0 + 3_000, id);
      spans++;
      if (i % 10 === 0 && spans < spansPerThread) {
        const inner = asyncId++;
        s.init(t0 + 3_500, inner, 2, 2);
        s.event(Rec.Before, t0 + 4_000, inner);
        s.event(Rec.After, t0 + 5_000, inner);
        spans++;
      }
      s.event(Rec.After, t0 + 7_000, id);
      s.event(Rec.Destroy, t0 + 7_500, id);
      s.cut();
    }
    s.cut(true);
    parts.push(...s.frames);
  }
  const header = traceFileHeader();
  const total = header.length + parts.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let pos = header.length;
  for (const f of parts) {
    out.set(f, pos);
    pos += f.length;
  }
  return out;
}
