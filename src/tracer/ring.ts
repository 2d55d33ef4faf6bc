/**
 * The flight recorder (`record --ring SECONDS`, `concurrencyVisualizer.ringSeconds`): each
 * thread writes its stream in segment files (`<pid>-<threadId>.<segment>.cvt`, the segment
 * number zero-padded so that names sort in order), starts a new one every quarter of the window
 * (or once one holds SEGMENT_MAX_BYTES) and deletes those that ended more than the window ago.
 * Every segment but the first starts with a Discarded record and the thread's tables again
 * (FrameWriter.startSegment), so the oldest one kept reads on its own. On disk a thread keeps
 * between one window and one window and a quarter of its events, and at most
 * MAX_SEGMENTS x SEGMENT_MAX_BYTES, however long the program runs.
 */
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameWriter } from './writer';

/** A segment is closed once it holds this much, even before its quarter of the window. */
export const SEGMENT_MAX_BYTES = 16 * 1024 * 1024;
/** Segments a thread keeps at most (a window of 4 quarters, the one being written, and one). */
const MAX_SEGMENTS = 6;
/** Stream files and the session folder are the user's alone (issue #22). */
const FILE_MODE = 0o600;

/** The file name of segment `segment` of a stream, in ring mode. */
export function segmentFileName(pid: number, threadId: number, segment: number): string {
  return `${pid}-${threadId}.${String(segment).padStart(8, '0')}.cvt`;
}

interface Segment {
  segment: number;
  fd: number;
  startNs: number;
  /** FrameWriter.bytesWritten when it started. */
  startBytes: number;
}

/**
 * One thread's segments. `open()` gives the first segment's descriptor; `rotateIfDue(t)` runs
 * right after each periodic flush and whenever a full frame was written (the frame is empty
 * then: FrameWriter.onFrameFull), never inside a frame: a thread that writes many events
 * without a turn of its event loop (a long synchronous loop, a burst of GC destroys) rotates
 * at its frames.
 */
export class RingSegments {
  private readonly segments: Segment[] = [];

  constructor(
    private readonly dir: string,
    private readonly pid: number,
    private readonly threadId: number,
    /** The window: events older than this may go. */
    private readonly windowNs: number,
  ) {}

  /** Opens the first segment; returns its descriptor. */
  open(timeNs: number): number {
    return this.add(0, timeNs, 0).fd;
  }

  /** The descriptor frames go to now. */
  get fd(): number {
    return this.segments[this.segments.length - 1].fd;
  }

  /** Starts a new segment if the current one is a quarter window old or full; deletes old ones. */
  rotateIfDue(writer: FrameWriter, timeNs: number): void {
    const current = this.segments[this.segments.length - 1];
    if (
      timeNs - current.startNs < this.windowNs / 4 &&
      writer.bytesWritten - current.startBytes < SEGMENT_MAX_BYTES
    ) {
      return;
    }
    let next: Segment;
    try {
      next = this.add(current.segment + 1, timeNs, writer.bytesWritten);
    } catch {
      return; // the folder is gone: keep writing where we were
    }
    writer.startSegment(next.fd, timeNs, this.windowNs);
    closeQuietly(current.fd);
    current.fd = -1;
    // A segment can go once the one after it started more than a window ago: every event in
    // it is then older than the window.
    while (
      this.segments.length > 1 &&
      (timeNs - this.segments[1].startNs >= this.windowNs || this.segments.length > MAX_SEGMENTS)
    ) {
      const old = this.segments.shift()!;
      try {
        unlinkSync(join(this.dir, segmentFileName(this.pid, this.threadId, old.segment)));
      } catch {
        // Already gone (the session folder was cleaned).
      }
    }
  }

  /** Closes the segment being written (the thread ended). */
  close(): void {
    const current = this.segments[this.segments.length - 1];
    closeQuietly(current.fd);
    current.fd = -1;
  }

  private add(segment: number, startNs: number, startBytes: number): Segment {
    const name = segmentFileName(this.pid, this.threadId, segment);
    const fd = openSync(join(this.dir, name), 'a', FILE_MODE);
    const s = { segment, fd, startNs, startBytes };
    this.segments.push(s);
    return s;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closed by the program already (it may close every fd it does not know).
  }
}
