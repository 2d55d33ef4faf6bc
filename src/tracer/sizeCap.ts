/**
 * The session's size cap: once the session folder holds `maxBytes` of stream files, every
 * thread of every process stops recording (and counts what it drops). Each thread measures
 * the folder itself, after each frame it writes once it wrote CAP_CHECK_BYTES more: a check
 * costs a readdir and a stat per stream, so it never runs in the hooks.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameWriter } from './writer';

/** With a size cap, the session folder is measured each time a thread wrote this much more. */
const CAP_CHECK_BYTES = 128 * 1024;

/** Calls `onFull` (once or more) after a frame of `writer` left `dir` at `maxBytes` or more. */
export function capSessionSize(
  writer: FrameWriter,
  dir: string,
  maxBytes: number,
  onFull: () => void,
): void {
  /** The session's size is checked again once this thread has written this many bytes. */
  let nextSizeCheck = CAP_CHECK_BYTES;
  writer.onFrameWritten = () => {
    if (writer.bytesWritten >= nextSizeCheck) {
      nextSizeCheck = writer.bytesWritten + CAP_CHECK_BYTES;
      if (sessionBytes(dir) >= maxBytes) {
        // Full: every thread of every process sees the same folder and stops too.
        onFull();
      }
    }
  };
}

/** Bytes in a session folder's stream files. */
function sessionBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.cvt')) {
        total += statSync(join(dir, name)).size;
      }
    }
  } catch {
    // The folder is gone: the recorder is not listening any more.
  }
  return total;
}
