/** Reading a trace file piece by piece, with memory bounded by one frame. */
import { FILE_HEADER_BYTES, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD } from '../shared/traceFormat';
import type { TraceDecoder } from './decoder';

/**
 * Feeds a trace file to a decoder in chunks of any size (a file read piece by piece): checks
 * the header first, so bytes that are no trace stop at the first chunk, and decodes each frame
 * once it is whole. It holds at most one frame and a chunk (MAX_FRAME_PAYLOAD + 12 + chunk),
 * however long the input: `summary` of an endless device stops at its first invalid frame.
 */
export class TraceChunkReader {
  private pending = new Uint8Array(0);
  private headerRead = false;

  constructor(readonly decoder: TraceDecoder) {}

  /** Decodes what `chunk` completes; throws a TraceError at the first invalid byte. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.pending.length) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending, 0);
      bytes.set(chunk, this.pending.length);
    }
    let pos = 0;
    if (!this.headerRead) {
      if (bytes.length < FILE_HEADER_BYTES) {
        this.pending = bytes.slice();
        return;
      }
      this.decoder.pushHeader(bytes);
      this.headerRead = true;
      pos = FILE_HEADER_BYTES;
    }
    // The whole frames in hand; a frame header claiming too much is the decoder's to report.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let whole = pos;
    while (bytes.length - whole >= FRAME_HEADER_BYTES) {
      const length = view.getUint32(whole, true);
      if (length > MAX_FRAME_PAYLOAD) {
        this.decoder.pushFrames(bytes.subarray(pos, whole));
        this.decoder.pushFrames(bytes.subarray(whole));
      }
      if (whole + FRAME_HEADER_BYTES + length > bytes.length) {
        break;
      }
      whole += FRAME_HEADER_BYTES + length;
    }
    this.decoder.pushFrames(bytes.subarray(pos, whole));
    this.pending = bytes.slice(whole);
  }

  /** The input ended: throws a TraceError if it ended inside the header or a frame. */
  finish(): void {
    if (!this.headerRead) {
      this.decoder.checkHeader(this.pending);
    }
    if (this.pending.length) {
      this.decoder.pushFrames(this.pending);
    }
  }
}
