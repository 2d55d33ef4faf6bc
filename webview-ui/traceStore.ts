/** The webview's copy of the trace: decodes hydrate and append messages into a TraceModel. */
import { TraceDecoder } from '../src/model/decoder';
import { bytesPerStream } from '../src/model/streamBytes';
import { TraceModel } from '../src/model/traceModel';
import type { ProgramStatus, SessionInfo } from '../src/shared/protocol';

/** Traces larger than this have their model's columns sized from their length up front. */
const RESERVE_ABOVE_BYTES = 1 << 20;

/**
 * Holds the model of the current session. A decoding error never discards what was decoded
 * before it: the error is kept for the banner and the model stays as it was.
 */
export class TraceStore {
  /** The model of the current session (replaced on hydrate). */
  model = new TraceModel();
  /** The session shown, once hydrated. */
  session: SessionInfo | undefined;
  /** The program's state, once known. */
  status: ProgramStatus | undefined;
  private decoder = new TraceDecoder(this.model);

  /** Starts over with the chunks of a hydrate message. Returns an error message or undefined. */
  hydrate(session: SessionInfo, status: ProgramStatus, chunks: unknown[]): string | undefined {
    this.session = session;
    this.status = status;
    this.model = new TraceModel();
    this.decoder = new TraceDecoder(this.model);
    const parts = chunks.map(toBytes);
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total > RESERVE_ABOVE_BYTES) {
      // A callback or an operation takes ~20-30 bytes of trace: sized for more than that.
      this.model.reserve(Math.ceil(total / 16), Math.ceil(total / 16), bytesPerStream(parts));
    }
    let first = true;
    for (const bytes of parts) {
      const error = this.decode(() => {
        if (first) {
          this.decoder.pushFile(bytes);
        } else {
          this.decoder.pushFrames(bytes);
        }
      });
      first = false;
      if (error) {
        return error;
      }
    }
    return undefined;
  }

  /**
   * Gives back the spare capacity of a finished trace's columns (copies of every column: run
   * it after the first paint, not before). Returns whether it did.
   */
  compactIfFinished(model: TraceModel): boolean {
    const state = this.status?.state;
    if (
      model !== this.model ||
      state === undefined ||
      state === 'starting' ||
      state === 'running'
    ) {
      return false;
    }
    model.compact();
    return true;
  }

  /** Decodes whole frames that arrived live. Returns an error message or undefined. */
  append(chunk: unknown): string | undefined {
    const bytes = toBytes(chunk);
    return this.decode(() => this.decoder.pushFrames(bytes));
  }

  private decode(run: () => void): string | undefined {
    try {
      run();
      return undefined;
    } catch (err) {
      // TraceError says where ("... at byte offset N"); anything else is a bug worth reading too.
      return err instanceof Error ? err.message : String(err);
    }
  }
}

/**
 * Trace bytes as a Uint8Array. The protocol sends Uint8Array; be lenient with the shapes a
 * serializer may turn it into (ArrayBuffer, number[], or a plain object of indices).
 */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) {
    return chunk;
  }
  if (chunk instanceof ArrayBuffer) {
    return new Uint8Array(chunk);
  }
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (Array.isArray(chunk)) {
    return Uint8Array.from(chunk as number[]);
  }
  if (chunk && typeof chunk === 'object') {
    const values = Object.values(chunk as Record<string, number>);
    return Uint8Array.from(values);
  }
  return new Uint8Array(0);
}
