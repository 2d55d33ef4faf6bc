/** Reading a trace file piece by piece, with memory bounded by one frame. */
import { FILE_HEADER_BYTES } from '../shared/traceFormat';
import type { TraceDecoder } from './decoder';

/**
 * Feeds a trace file to a decoder in chunks of any size (a file read piece by piece): checks
 * the header first, so bytes that are no trace stop at the first chunk, and decodes each frame
 * once it is whole. It holds at most one frame and a chunk (MAX_FRAME_PAYLOAD + 20 + chunk),
 * however long the input: `summary` of an endless device stops at its first invalid frame. A
 * damaged frame of a version 2 trace is passed over (the decoder finds the next whole one) and
 * reported by `finish()`, once everything after it was read.
 */
export class TraceChunkReader {
  private pending = new Uint8Array(0);
  private headerRead = false;

  constructor(readonly decoder: TraceDecoder) {}

  /** Decodes what `chunk` completes; throws a TraceError where reading must stop. */
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
    pos += this.decoder.pushAvailable(bytes.subarray(pos));
    this.pending = bytes.slice(pos);
  }

  /** The input ended: throws a TraceError if it ended inside the header or a frame, or for the
   * first damaged frame (after every frame that could be read reached the sink). */
  finish(): void {
    if (!this.headerRead) {
      this.decoder.checkHeader(this.pending);
    }
    // The rest: what ends in the middle of a frame, or damage, is thrown.
    this.decoder.pushFrames(this.pending);
    this.pending = new Uint8Array(0);
  }
}
