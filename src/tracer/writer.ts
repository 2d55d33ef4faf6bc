import * as fs from 'node:fs';
import { FRAME_HEADER_BYTES, Rec } from '../shared/traceFormat';

/** Default frame buffer: large enough that a busy thread writes a few frames a second. */
const FRAME_BYTES = 64 * 1024;
/** Room every fixed-size record fits in (kind + 6 varints of at most 8 bytes). */
const RECORD_ROOM = 64;

const utf8 = new TextEncoder();

/**
 * Writes one thread's records into preallocated frames and appends each full frame to the
 * thread's stream file with a synchronous write (no async resources, nothing in the trace).
 */
export class FrameWriter {
  private buf: Uint8Array = new Uint8Array(FRAME_BYTES);
  private view = new DataView(this.buf.buffer);
  private pos = FRAME_HEADER_BYTES;
  private lastNs = 0;
  private readonly strings = new Map<string, number>();
  private readonly locations = new Map<string, number>();
  /** Inferred twin of each location id, made on first use. */
  private readonly inferredTwin: number[] = [0];
  private readonly locationInfo: Array<[string, number, number]> = [['', 0, 0]];
  /** Bytes written to the file so far. */
  bytesWritten = 0;

  constructor(
    private readonly fd: number,
    private readonly pid: number,
    private readonly threadId: number,
  ) {}

  /** Writes the frame in progress, if it holds any record. */
  flush(): void {
    if (this.pos === FRAME_HEADER_BYTES) {
      return;
    }
    this.view.setUint32(0, this.pos - FRAME_HEADER_BYTES, true);
    this.view.setUint32(4, this.pid, true);
    this.view.setUint32(8, this.threadId, true);
    let off = 0;
    while (off < this.pos) {
      off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    }
    this.bytesWritten += this.pos;
    this.pos = FRAME_HEADER_BYTES;
    this.lastNs = 0;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) {
      return;
    }
    this.flush();
    if (FRAME_HEADER_BYTES + n > this.buf.length) {
      // One record larger than a frame (a huge argv): grow once, it stays.
      this.buf = new Uint8Array(FRAME_HEADER_BYTES + n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private uv(value: number): void {
    const buf = this.buf;
    let v = value;
    while (v >= 0x80) {
      buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
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
      this.buf[this.pos++] = inferred ? 1 : 0;
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
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = Rec.Init;
    this.dt(timeNs);
    this.uv(asyncId);
    this.zv(asyncId - triggerId);
    this.zv(asyncId - execId);
    this.uv(typeId);
    this.uv(locId);
  }

  /** A record made of a kind, a time and one number (Before, After, Destroy...). */
  event(kind: number, timeNs: number, value: number): void {
    this.room(RECORD_ROOM);
    this.buf[this.pos++] = kind;
    this.dt(timeNs);
    this.uv(value);
  }

  /** A record made of a kind, a time and a JSON document (Thread, End). */
  json(kind: number, timeNs: number, value: unknown): void {
    const data = utf8.encode(JSON.stringify(value));
    this.room(data.length + RECORD_ROOM);
    this.buf[this.pos++] = kind;
    this.dt(timeNs);
    this.bytes(data);
  }

  /** Bytes held in the frame in progress. */
  get pending(): number {
    return this.pos - FRAME_HEADER_BYTES;
  }
}
