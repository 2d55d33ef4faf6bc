/**
 * `record --embed-sources`: the lines of code around every creation site a trace names, appended
 * to the trace as SourceLines records (kind 34) in a stream of their own (pid 0, threadId
 * SOURCES_THREAD_ID), so that a colleague without the checkout sees the code in the details.
 */
import { TraceDecoder } from '../../model/decoder';
import { TraceModel } from '../../model/traceModel';
import { FRAME_HEADER_BYTES, Rec, sealFrame, SOURCES_THREAD_ID } from '../../shared/traceFormat';
import { readExcerpts, type SourceExcerpts } from './html';

/** Payload bytes after which a frame is closed (well under MAX_FRAME_PAYLOAD). */
const FRAME_PAYLOAD_BYTES = 256 * 1024;

const utf8 = new TextEncoder();

/** Frames of one stream, its records appended with LEB128 varints. */
class FramesWriter {
  private readonly frames: Uint8Array[] = [];
  private bytes: number[] = [];

  uv(n: number): void {
    while (n >= 128) {
      this.bytes.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.bytes.push(n);
  }

  text(s: string): void {
    const b = utf8.encode(s);
    this.uv(b.length);
    for (const x of b) {
      this.bytes.push(x);
    }
  }

  /** Closes the current frame once it is full enough (or always, at the end). */
  cut(force = false): void {
    if (this.bytes.length === 0 || (!force && this.bytes.length < FRAME_PAYLOAD_BYTES)) {
      return;
    }
    const frame = new Uint8Array(FRAME_HEADER_BYTES + this.bytes.length);
    frame.set(this.bytes, FRAME_HEADER_BYTES);
    sealFrame(frame, this.bytes.length, 0, SOURCES_THREAD_ID, this.frames.length);
    this.frames.push(frame);
    this.bytes = [];
  }

  done(): Uint8Array[] {
    this.cut(true);
    return this.frames;
  }
}

/** The frames that carry `excerpts`: each file's name once, then its runs of lines. */
export function sourceFrames(excerpts: SourceExcerpts): Uint8Array[] {
  const w = new FramesWriter();
  let stringId = 0;
  for (const [file, kept] of Object.entries(excerpts)) {
    const numbers = Object.keys(kept)
      .map(Number)
      .sort((a, b) => a - b);
    if (!numbers.length) {
      continue;
    }
    w.uv(Rec.String);
    w.uv(++stringId);
    w.text(file);
    for (let i = 0; i < numbers.length;) {
      let j = i;
      while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) {
        j++;
      }
      w.uv(Rec.SourceLines);
      w.uv(stringId);
      w.uv(numbers[i]);
      w.uv(j - i + 1);
      for (let k = i; k <= j; k++) {
        w.text(kept[numbers[k]]);
      }
      w.cut();
      i = j + 1;
    }
  }
  return w.done();
}

/**
 * The trace with the code around its creation sites appended (the files read now, as the panel
 * would read them). A trace that cannot be read whole gets the sites of what could be read.
 */
export function withEmbeddedSources(trace: Uint8Array): Uint8Array {
  const model = new TraceModel();
  try {
    new TraceDecoder(model).pushFile(trace);
  } catch {
    // What was decoded before the damage still names sites worth keeping.
  }
  const frames = sourceFrames(readExcerpts(model));
  const total = trace.length + frames.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(total);
  out.set(trace, 0);
  let pos = trace.length;
  for (const f of frames) {
    out.set(f, pos);
    pos += f.length;
  }
  return out;
}
