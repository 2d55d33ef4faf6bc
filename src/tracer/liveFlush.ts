/**
 * A blocked thread stays live: while the main thread is stuck in a long callback it runs no
 * hook and flushes nothing, so the panel would see that callback only once it returned. The
 * main thread's records go into a shared frame (as a worker's do, for the rescue), and a small
 * thread of the tracer's own writes the records its owner has not flushed once the owner has
 * written nothing for QUIET_MS: the Before of the blocking callback reaches the file, and the
 * panel draws the open span growing to the live edge (which the sampler's records move on,
 * on Linux; where no sampler runs, the edge waits for the thread's next records).
 *
 * Only in live runs (TracerOptions.liveFlush: the extension's panel). The main thread's hot
 * path then becomes a worker's: one more store per record, of the end it published in the
 * shared frame. The two never write the file at once: the helper takes the frame's state from
 * Open to Live, writes the records from control[TAKEN_SLOT] to the published end and moves
 * TAKEN_SLOT there; the owner's flush waits for Open, then writes only the records after
 * TAKEN_SLOT, as a frame that starts with Rec.Continue (its deltas go on from the part written
 * before). Records are never written twice nor lost; the helper never writes past the end the
 * owner published, so it never reads a half-written record.
 *
 * The helper is a worker thread made under the tracer's guard (its resources stay out of the
 * trace), unref'd (it never keeps the program alive), which the tracer's preload, loaded in it
 * as in every worker, leaves untraced (isLiveFlushThread).
 */
import { FRAME_HEADER_BYTES, Rec } from '../shared/traceFormat';
import { workerThreads } from './threads';
import { allocateSharedFrame, FrameState, TAKEN_SLOT, type SharedFrame } from './writer';

/** The owner is taken as blocked once it has published no record for this long. */
const QUIET_MS = 50;
/** How often the helper looks. */
const POLL_MS = 20;
/** The key of the helper's workerData. */
const MARKER = 'concurrency-visualizer:live-flush';

/** A shared frame with the live-flush slot (control: [end, FrameState, taken]). */
export function allocateLiveFrame(): SharedFrame {
  const control = new SharedArrayBuffer(16);
  new Int32Array(control)[TAKEN_SLOT] = FRAME_HEADER_BYTES;
  return { buffer: allocateSharedFrame().buffer, control };
}

/**
 * Where the owner's frame starts in its buffer, for the owner's flush (holding the frame):
 * 0 for a whole frame; past 0 for the rest of a frame whose first part the helper wrote (the
 * header goes over bytes already written, then a Rec.Continue); -1 when nothing is left.
 */
export function continuedFrameStart(buf: Uint8Array, control: Int32Array, pos: number): number {
  const taken = control.length > TAKEN_SLOT ? control[TAKEN_SLOT] : FRAME_HEADER_BYTES;
  if (taken <= FRAME_HEADER_BYTES) {
    return 0;
  }
  if (taken >= pos) {
    return -1;
  }
  buf[taken - 1] = Rec.Continue;
  return taken - 1 - FRAME_HEADER_BYTES;
}

/** True in the tracer's own live-flush thread (the preload then traces nothing). */
export function isLiveFlushThread(): boolean {
  const data = workerThreads().workerData as Record<string, unknown> | null | undefined;
  return typeof data === 'object' && data !== null && MARKER in data;
}

/** What the helper gets. */
interface HelperData {
  buffer: SharedArrayBuffer;
  control: SharedArrayBuffer;
  fd: number;
  pid: number;
  threadId: number;
}

/**
 * The helper's code: plain JavaScript (it runs as a worker's eval source), node: built-ins
 * only. A timer rather than Atomics.wait: a worker in a timer ends at once when the process
 * exits. Made when used: writer.ts imports this file, whose constants are read here.
 */
const helperSource = (): string => `'use strict';
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { buffer, control, fd, pid, threadId } = workerData[${JSON.stringify(MARKER)}];
const HEADER = ${FRAME_HEADER_BYTES}, OPEN = ${FrameState.Open}, CLOSED = ${FrameState.Closed};
const LIVE = ${FrameState.Live}, TAKEN = ${TAKEN_SLOT}, CONTINUE = ${Rec.Continue};
const c = new Int32Array(control);
const bytes = new Uint8Array(buffer);
const view = new DataView(buffer);
// CRC-32 (IEEE) a byte at a time (src/shared/crc32.ts's, without its tables: this thread
// writes a frame at most every ${POLL_MS} ms); zlib's where Node has it.
const zlibCrc = require('node:zlib').crc32;
let table;
const crc32 = (from, to, initial) => {
  if (zlibCrc) {
    return zlibCrc(bytes.subarray(from, to), initial);
  }
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let k = n;
      for (let i = 0; i < 8; i++) k = k & 1 ? 0xedb88320 ^ (k >>> 1) : k >>> 1;
      table[n] = k;
    }
  }
  let crc = ~initial;
  for (let i = from; i < to; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
};
let lastEnd = -1;
let quietSince = 0;
const timer = setInterval(() => {
  if (Atomics.load(c, 1) === CLOSED) {
    clearInterval(timer);
    return;
  }
  const now = Date.now();
  const end = Atomics.load(c, 0);
  if (end !== lastEnd) {
    lastEnd = end;
    quietSince = now;
    return;
  }
  if (now - quietSince < ${QUIET_MS} || end <= Atomics.load(c, TAKEN)) {
    return;
  }
  if (Atomics.compareExchange(c, 1, OPEN, LIVE) !== OPEN) {
    return;
  }
  try {
    const to = Atomics.load(c, 0);
    const from = Atomics.load(c, TAKEN);
    if (to > from) {
      let off = 0;
      if (from > HEADER) {
        off = from - 1 - HEADER;
        bytes[from - 1] = CONTINUE;
      }
      // Sealed as every frame is (traceFormat.ts sealFrame): numbered after the owner's last
      // frame, checksummed over the header's first 16 bytes and the payload.
      const seq = Atomics.load(c, 2);
      view.setUint32(off, to - off - HEADER, true);
      view.setUint32(off + 4, pid, true);
      view.setUint32(off + 8, threadId, true);
      view.setUint32(off + 12, seq, true);
      view.setUint32(off + 16, crc32(off + HEADER, to, crc32(off, off + 16, 0)), true);
      while (off < to) {
        off += writeSync(fd, bytes, off, to - off);
      }
      Atomics.store(c, 2, seq + 1);
      Atomics.store(c, TAKEN, to);
    }
  } catch {
    // The file is gone: nothing to write to.
  } finally {
    // Back to Open unless the owner closed it meanwhile (a record larger than the frame).
    Atomics.compareExchange(c, 1, LIVE, OPEN);
  }
}, ${POLL_MS});
`;

/**
 * Starts the helper for the frame of the thread that writes stream (pid, threadId) to `fd`.
 * Call under the tracer's guard. Never throws: a program where no worker can start simply
 * shows blocked callbacks when they end, as before.
 */
export function startLiveFlush(
  frame: SharedFrame,
  fd: number,
  pid: number,
  threadId: number,
): void {
  try {
    const { Worker } = workerThreads();
    const data: HelperData = { buffer: frame.buffer, control: frame.control, fd, pid, threadId };
    const worker = new Worker(helperSource(), {
      eval: true,
      workerData: { [MARKER]: data },
      // Its output is never the program's (it prints nothing); no pipes into the program's.
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    // An error in it must never become the program's unhandled 'error'.
    worker.on('error', () => undefined);
    worker.unref();
  } catch {
    // No workers here (a sandbox, an old runtime): live flush is off.
  }
}
