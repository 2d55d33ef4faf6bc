/**
 * Format version 2's frame checks for the decoder: each stream's frame numbers, the search for
 * the next sound frame past a damaged one, and the damage to report once everything that could
 * be read past it was (src/model/decoder.ts reads the records).
 */
import { FRAME_HEADER_BYTES, frameCrc, MAX_FRAME_PAYLOAD, Rec } from '../shared/traceFormat';
import { TraceError } from './traceError';

interface Sequence {
  /** The seq its next frame must carry. */
  next: number;
  /** A frame of it was lost to damage: its later frames are not believed. */
  broken: boolean;
}

/** What `inSequence` says of a frame. */
export type SequenceVerdict = 'read' | 'skip' | { outOfOrder: string };

/** Version 2's checks over the frames of one trace, across the decoder's calls. */
export class FrameIntegrity {
  private readonly sequences = new Map<string, Sequence>();
  /** The first damaged frame not yet reported. */
  private fault: { message: string; offset: number } | undefined;
  /** Bytes checksummed while looking for the next sound frame, and the bytes given: the first
   * stays below twice the second plus 1 MiB (linear time on hostile bytes). */
  private resyncBytes = 0;
  private pushedBytes = 0;
  /** Damaged frames found; frames read past damage; frames of damaged streams left out. */
  damagedFrames = 0;
  framesReadPastDamage = 0;
  framesSkipped = 0;

  /** `bytes` are about to be read (the search's budget grows with them). */
  given(bytes: number): void {
    this.pushedBytes += bytes;
  }

  /** A damaged frame at `offset`; `message` says what was wrong and what was read before. */
  damaged(message: string, offset: number): void {
    this.damagedFrames++;
    this.fault ??= { message, offset };
  }

  /** A frame was read (counted when it comes after damage). */
  read(): void {
    if (this.damagedFrames) {
      this.framesReadPastDamage++;
    }
  }

  /**
   * The first damage found and not yet reported, as the TraceError to show (its offset is the
   * damaged frame's), saying how much was read past it; undefined if none.
   */
  takeDamage(): TraceError | undefined {
    const fault = this.fault;
    if (!fault) {
      return undefined;
    }
    this.fault = undefined;
    const past =
      `; read on past it: ${this.framesReadPastDamage} frames of undamaged streams` +
      (this.framesSkipped ? `, ${this.framesSkipped} frames of damaged streams left out` : '') +
      (this.damagedFrames > 1 ? `, ${this.damagedFrames} damaged frames in all` : '');
    return new TraceError(`${fault.message}${past}`, fault.offset);
  }

  /**
   * Whether the frame of stream `key` numbered `seq` is the one its stream expects. A stream's
   * first frame is seq 0, or starts with a Discarded record (the flight recorder let the ones
   * before go). Past damage, a stream out of sequence lost a frame and is left out from there
   * on ('skip'); with no damage before it, it is an error.
   */
  inSequence(key: string, seq: number, firstKind: number): SequenceVerdict {
    let s = this.sequences.get(key);
    if (!s) {
      s = { next: 0, broken: false };
      this.sequences.set(key, s);
      if (seq !== 0 && firstKind === Rec.Discarded) {
        s.next = seq;
      } else if (seq !== 0) {
        s.broken = true;
      }
    } else if (!s.broken && seq !== s.next) {
      s.broken = true;
    }
    if (s.broken) {
      if (this.damagedFrames === 0) {
        return { outOfOrder: `stream ${key} has frame ${seq} where frame ${s.next} belongs` };
      }
      this.framesSkipped++;
      return 'skip';
    }
    s.next = seq + 1;
    return 'read';
  }

  /**
   * Where the next sound frame after the damaged one at `pos` starts, or -1: its header's
   * claimed end when a sound frame is there (the damage was in the payload), else the first
   * offset past `pos` holding a frame whose checksum holds and whose stream is known or starts
   * there. `partial` (bytes fed in pieces): a frame that may end past the bytes in hand is
   * taken as the place to go on from, checked when the rest arrives.
   */
  resync(bytes: Uint8Array, view: DataView, pos: number, length: number, partial: boolean): number {
    const budget = 2 * this.pushedBytes + (1 << 20);
    const soundAt = (p: number): boolean => {
      if (bytes.length - p < FRAME_HEADER_BYTES) {
        return false;
      }
      const n = view.getUint32(p, true);
      if (n > MAX_FRAME_PAYLOAD || p + FRAME_HEADER_BYTES + n > bytes.length) {
        return false;
      }
      if (
        view.getUint32(p + 12, true) !== 0 &&
        !this.sequences.has(streamAt(view, p)) &&
        bytes[p + FRAME_HEADER_BYTES] !== Rec.Discarded
      ) {
        return false;
      }
      this.resyncBytes += FRAME_HEADER_BYTES + n;
      return view.getUint32(p + 16, true) === frameCrc(bytes.subarray(p), n);
    };
    const claimed = pos + FRAME_HEADER_BYTES + length;
    if (length <= MAX_FRAME_PAYLOAD && claimed < bytes.length) {
      if (soundAt(claimed) || (partial && this.maybeFrameAt(bytes, view, claimed))) {
        return claimed;
      }
    }
    for (let p = pos + 1; p < bytes.length; p++) {
      if (this.resyncBytes > budget) {
        return -1;
      }
      if ((partial && this.maybeFrameAt(bytes, view, p)) || soundAt(p)) {
        return p;
      }
    }
    return partial ? bytes.length : -1;
  }

  /** Whether a frame that starts at `p` could end past the bytes in hand. */
  private maybeFrameAt(bytes: Uint8Array, view: DataView, p: number): boolean {
    if (bytes.length - p < FRAME_HEADER_BYTES) {
      return true;
    }
    const n = view.getUint32(p, true);
    return (
      n <= MAX_FRAME_PAYLOAD &&
      p + FRAME_HEADER_BYTES + n > bytes.length &&
      (view.getUint32(p + 12, true) === 0 || this.sequences.has(streamAt(view, p)))
    );
  }
}

/** The stream (`pid:threadId`) of the frame header at `p`. */
function streamAt(view: DataView, p: number): string {
  return `${view.getUint32(p + 4, true)}:${view.getUint32(p + 8, true)}`;
}
