import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FRAME_HEADER_BYTES,
  Rec,
  SAMPLER_THREAD_ID,
  sealFrame,
  type CpuSample,
  type MachineCpu,
  type SamplerInfo,
} from '../shared/traceFormat';

/** Flight recorder (record --ring): the sampler's stream in segments, like the tracer's. */
export interface SamplerRing {
  /** The session folder. */
  dir: string;
  /** The window kept, ns. */
  windowNs: number;
}

/** The file of the sampler's segment `segment` in ring mode (names sort in segment order). */
export function samplerSegmentName(segment: number): string {
  return `sampler.${String(segment).padStart(8, '0')}.cvt`;
}

/** Frame buffer size: a few seconds of samples of a busy program. */
const FRAME_BYTES = 64 * 1024;
/** Room every fixed-size record fits in. */
const RECORD_ROOM = 64;

const utf8 = new TextEncoder();

/**
 * Encodes the sampler's records (kinds 12-16 of the trace format) into frames and appends
 * them to its stream file with synchronous writes. Times are ns since the session epoch;
 * each frame restarts the time delta at 0, as the format says.
 */
export class SamplerRecordWriter {
  private buf = new Uint8Array(FRAME_BYTES);
  private pos = FRAME_HEADER_BYTES;
  private lastNs = 0;
  /** Frames written so far: the next frame's seq. */
  private seq = 0;
  /** Latest record time written, ns. */
  private latestNs = 0;
  /** Ring mode: the OS threads alive (written again at each segment's start), the segments. */
  private readonly alive = new Map<number, [pid: number, ppid: number, name: string]>();
  private readonly segments: Array<{ segment: number; fd: number; startNs: number }> = [];

  constructor(
    private fd: number,
    private readonly pid: number,
    private readonly ring?: SamplerRing,
  ) {
    if (ring) {
      // The caller opened segment 0 (samplerSegmentName(0)) as `fd`.
      this.segments.push({ segment: 0, fd, startNs: 0 });
    }
  }

  /** Bytes waiting in the current frame. */
  get pending(): number {
    return this.pos - FRAME_HEADER_BYTES;
  }

  /** An OS thread was found or renamed. */
  osThread(timeNs: number, pid: number, tid: number, ppid: number, name: string): void {
    if (this.ring) {
      this.alive.set(tid, [pid, ppid, name]);
    }
    const bytes = utf8.encode(name);
    this.room(RECORD_ROOM + bytes.length);
    this.kind(Rec.OsThread, timeNs);
    this.uv(pid);
    this.uv(tid);
    this.uv(ppid);
    this.uv(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A thread's run and wait time over the period before `timeNs`. */
  cpuSample({ timeNs, tid, periodNs, runNs, waitNs, cpu, state }: CpuSample): void {
    this.room(RECORD_ROOM);
    this.kind(Rec.CpuSample, timeNs);
    this.uv(tid);
    this.uv(periodNs);
    this.uv(runNs);
    this.uv(waitNs);
    this.uv(cpu);
    this.buf[this.pos++] = state & 0xff;
  }

  /** The whole machine's busy core time over the period before `timeNs`. */
  machineCpu({ timeNs, periodNs, busyNs }: MachineCpu): void {
    this.room(RECORD_ROOM);
    this.kind(Rec.MachineCpu, timeNs);
    this.uv(periodNs);
    this.uv(busyNs);
  }

  /** A thread is gone. */
  osThreadExit(timeNs: number, tid: number): void {
    this.alive.delete(tid);
    this.room(RECORD_ROOM);
    this.kind(Rec.OsThreadExit, timeNs);
    this.uv(tid);
  }

  /** The sampler's own figures. */
  samplerInfo(timeNs: number, info: SamplerInfo): void {
    const bytes = utf8.encode(JSON.stringify(info));
    this.room(RECORD_ROOM + bytes.length);
    this.kind(Rec.SamplerInfo, timeNs);
    this.uv(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes the current frame, if it holds anything. */
  flush(): void {
    const length = this.pos - FRAME_HEADER_BYTES;
    if (length <= 0) {
      return;
    }
    sealFrame(this.buf, length, this.pid, SAMPLER_THREAD_ID, this.seq++);
    let off = 0;
    while (off < this.pos) {
      off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    }
    this.pos = FRAME_HEADER_BYTES;
    this.lastNs = 0;
    if (this.ring) {
      this.rotateIfDue(this.ring);
    }
  }

  /** Closes the segment being written, in ring mode (the first one is the caller's). */
  close(): void {
    const current = this.segments[this.segments.length - 1];
    if (current && current.segment > 0) {
      fs.closeSync(current.fd);
    }
  }

  /**
   * Ring mode, right after a frame was written: a new segment every quarter window, starting
   * with a Discarded record and the OS threads alive; segments a window old are deleted.
   */
  private rotateIfDue(ring: SamplerRing): void {
    const current = this.segments[this.segments.length - 1];
    const timeNs = this.latestNs;
    if (timeNs - current.startNs < ring.windowNs / 4) {
      return;
    }
    const segment = current.segment + 1;
    let fd: number;
    try {
      fd = fs.openSync(path.join(ring.dir, samplerSegmentName(segment)), 'ax', 0o600);
    } catch {
      return; // the folder is gone: keep writing where we were
    }
    if (current.segment > 0) {
      fs.closeSync(current.fd); // segment 0's descriptor is the caller's to close
    }
    this.fd = fd;
    this.segments.push({ segment, fd, startNs: timeNs });
    this.kind(Rec.Discarded, timeNs);
    this.uv(ring.windowNs);
    for (const [tid, [pid, ppid, name]] of this.alive) {
      this.osThread(timeNs, pid, tid, ppid, name);
    }
    while (this.segments.length > 1 && timeNs - this.segments[1].startNs >= ring.windowNs) {
      const old = this.segments.shift()!;
      fs.rmSync(path.join(ring.dir, samplerSegmentName(old.segment)), { force: true });
    }
  }

  private room(bytes: number): void {
    if (this.pos + bytes > this.buf.length) {
      this.flush();
      if (FRAME_HEADER_BYTES + bytes > this.buf.length) {
        this.buf = new Uint8Array(FRAME_HEADER_BYTES + bytes);
      }
    }
  }

  private kind(kind: number, timeNs: number): void {
    this.buf[this.pos++] = kind;
    // Samples are taken in time order; a clamp keeps a stray earlier time from going negative.
    const dt = Math.max(0, Math.round(timeNs - this.lastNs));
    this.uv(dt);
    this.lastNs += dt;
    this.latestNs = Math.max(this.latestNs, this.lastNs);
  }

  private uv(value: number): void {
    let v = Math.max(0, Math.floor(value));
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
}
