import * as fs from 'node:fs';
import {
  FILE_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  TRACE_MAGIC,
  TRACE_VERSION,
} from '../shared/traceFormat';
import { listStreamFiles } from './session';

interface TailedFile {
  fd: number;
  /** Bytes of this file already handed out. */
  offset: number;
}

/** The 8-byte header that starts a combined trace (this build's format version). */
export function traceFileHeader(): Uint8Array {
  const header = new Uint8Array(FILE_HEADER_BYTES);
  header.set(TRACE_MAGIC, 0);
  header[4] = TRACE_VERSION & 0xff;
  header[5] = TRACE_VERSION >> 8;
  return header;
}

/**
 * Follows every stream file of a session folder and returns the whole frames appended since
 * the last call (a frame still being written stays for the next call). Reads through kept-open
 * descriptors; new files (new workers, child processes) are picked up as they appear.
 */
export class SessionTail {
  private readonly files = new Map<string, TailedFile>();
  private scratch = new Uint8Array(256 * 1024);

  constructor(private readonly dir: string) {}

  /** New whole frames from every stream, concatenated; empty when there is nothing new. */
  poll(): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    let names: string[];
    try {
      names = listStreamFiles(this.dir);
    } catch {
      return new Uint8Array(0);
    }
    // A segment the flight recorder deleted is let go: its descriptor would keep its space.
    const listed = new Set(names);
    for (const [name, file] of this.files) {
      if (!listed.has(name)) {
        fs.closeSync(file.fd);
        this.files.delete(name);
      }
    }
    for (const name of names) {
      let file = this.files.get(name);
      if (!file) {
        try {
          file = { fd: fs.openSync(name, 'r'), offset: 0 };
        } catch {
          continue; // a flight-recorder segment deleted since the listing
        }
        this.files.set(name, file);
      }
      const chunk = this.readWholeFrames(file);
      if (chunk.length) {
        parts.push(chunk);
        total += chunk.length;
      }
    }
    if (parts.length === 1) {
      return parts[0];
    }
    const out = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  }

  private readWholeFrames(file: TailedFile): Uint8Array {
    const size = fs.fstatSync(file.fd).size;
    const available = size - file.offset;
    if (available < FRAME_HEADER_BYTES) {
      return new Uint8Array(0);
    }
    if (this.scratch.length < available) {
      this.scratch = new Uint8Array(Math.max(available, this.scratch.length * 2));
    }
    const n = fs.readSync(file.fd, this.scratch, 0, available, file.offset);
    const view = new DataView(this.scratch.buffer, 0, n);
    let end = 0;
    while (end + FRAME_HEADER_BYTES <= n) {
      const frameEnd = end + FRAME_HEADER_BYTES + view.getUint32(end, true);
      if (frameEnd > n) {
        break;
      }
      end = frameEnd;
    }
    file.offset += end;
    return this.scratch.slice(0, end);
  }

  /** Closes every descriptor. */
  close(): void {
    for (const file of this.files.values()) {
      fs.closeSync(file.fd);
    }
    this.files.clear();
  }
}

/** Reads a whole session folder into one trace (header + every stream's whole frames). */
export function readSessionTrace(dir: string): Uint8Array {
  const tail = new SessionTail(dir);
  try {
    const frames = tail.poll();
    const out = new Uint8Array(FILE_HEADER_BYTES + frames.length);
    out.set(traceFileHeader(), 0);
    out.set(frames, FILE_HEADER_BYTES);
    return out;
  } finally {
    tail.close();
  }
}
