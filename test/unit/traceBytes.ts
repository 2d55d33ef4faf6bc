// Trace bytes for the reader's tests: written by the tracer's and the sampler's own writers, or
// crafted record by record where a test needs what no writer would write.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { traceFileHeader } from '../../src/launch/tail';
import { SamplerRecordWriter } from '../../src/sampler/recordWriter';
import {
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  Rec,
  sealFrame,
  type ThreadInfo,
} from '../../src/shared/traceFormat';
import { FrameWriter } from '../../src/tracer/writer';

/** The frames a writer wrote into a temp file. */
function framesOf<W extends { flush(): void }>(make: (fd: number) => W, write: (w: W) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-reader-'));
  const file = path.join(dir, 's.cvt');
  const fd = fs.openSync(file, 'w');
  const w = make(fd);
  write(w);
  w.flush();
  fs.closeSync(fd);
  const frames = new Uint8Array(fs.readFileSync(file));
  fs.rmSync(dir, { recursive: true, force: true });
  return frames;
}

/** A trace file (header + frames) of one JS thread's records, by the tracer's writer. */
export function tracerFrames(write: (w: FrameWriter) => void, pid = 42, threadId = 0): Uint8Array {
  return framesOf((fd) => new FrameWriter(fd, pid, threadId), write);
}

/** Frames of the sampler's stream, by the sampler's writer. */
export function samplerFrames(write: (w: SamplerRecordWriter) => void, pid = 99): Uint8Array {
  return framesOf((fd) => new SamplerRecordWriter(fd, pid), write);
}

/** A trace file: the header and the given streams' frames, one stream after another. */
export function traceFile(...frames: Uint8Array[]): Uint8Array {
  const total = FILE_HEADER_BYTES + frames.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(total);
  out.set(traceFileHeader(), 0);
  let pos = FILE_HEADER_BYTES;
  for (const f of frames) {
    out.set(f, pos);
    pos += f.length;
  }
  return out;
}

/** A Thread record's JSON as the tracer writes it. */
export function threadInfo(pid: number, threadId: number, startNs = 0): ThreadInfo {
  return {
    pid,
    threadId,
    osTid: pid + threadId,
    kind: threadId ? 'worker' : 'main',
    name: threadId ? `w${threadId}` : 'main',
    parentPid: 1,
    parentThreadId: -1,
    nodeVersion: 'v22.0.0',
    platform: 'linux',
    arch: 'x64',
    cores: 2,
    argv: ['node', 'app.js'],
    startNs,
  };
}

/** Record bytes written field by field (varints as the format has them), for crafted frames. */
export class Payload {
  bytes: number[] = [];
  u8(b: number): this {
    this.bytes.push(b & 0xff);
    return this;
  }
  uv(n: number): this {
    while (n >= 128) {
      this.bytes.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.bytes.push(n);
    return this;
  }
  text(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    this.uv(utf8.length);
    utf8.forEach((b) => this.bytes.push(b));
    return this;
  }
  /** A frame of these records (the stream's frame number `seq`), sealed with its checksum. */
  frame(pid: number, threadId: number, seq = 0): Uint8Array {
    const out = new Uint8Array(FRAME_HEADER_BYTES + this.bytes.length);
    out.set(this.bytes, FRAME_HEADER_BYTES);
    sealFrame(out, this.bytes.length, pid, threadId, seq);
    return out;
  }
}

/** Defines stack frame `id` as the tracer does (profiler.ts): strings first, then the record. */
export function stackFrame(
  w: FrameWriter,
  id: number,
  parent: number,
  name: string,
  line: number,
  file = '/app/work.js',
): void {
  const nameId = w.stringId(name);
  const fileId = w.stringId(file);
  w.varints(Rec.StackFrame, undefined, [id, parent, nameId, fileId, line, 1]);
}

/** One StackSamples record: [startMs, frameId, durationMs] each. */
export function stackSamples(
  w: FrameWriter,
  timeNs: number,
  list: Array<[number, number, number]>,
): void {
  const firstUs = list[0][0] * 1000;
  const values = [firstUs, list.length];
  let prevUs = firstUs;
  for (const [startMs, frameId, durMs] of list) {
    const d = startMs * 1000 - prevUs;
    values.push(d >= 0 ? d * 2 : -d * 2 - 1, frameId, durMs * 1000);
    prevUs = startMs * 1000;
  }
  w.varints(Rec.StackSamples, timeNs, values);
}
