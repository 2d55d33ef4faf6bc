/**
 * Reading a saved `.cvtrace` for the trace editor, bounded: only a regular file is read (never
 * a FIFO or a device, which could block or never end), and at most `maxBytes` of it.
 */
import * as fs from 'node:fs';
import { FILE_HEADER_BYTES, TRACE_MAGIC, TRACE_VERSION } from '../shared/traceFormat';

/** What could be read of a trace file, and what the user must be told about it. */
export interface TraceFileContents {
  /** The bytes read (possibly fewer than the file holds). */
  bytes: Uint8Array;
  /** Why the file could not be read in full or cannot be shown; undefined when it can. */
  problem?: string;
}

/**
 * Reads the trace file at `filePath`: at most `maxBytes` (the rest is left out, and `problem`
 * says so). The decoder in the webview names the byte offset of a damaged or truncated frame;
 * this says what it cannot: that the path is not a regular file, or that a newer version of the
 * extension wrote the file.
 */
export function readTraceFile(filePath: string, maxBytes: number): TraceFileContents {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return { bytes: new Uint8Array(0), problem: `cannot open it: ${(err as Error).message}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      return { bytes: new Uint8Array(0), problem: 'it is not a regular file' };
    }
    const length = Math.min(stat.size, maxBytes);
    const bytes = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, bytes, read, length - read, read);
      if (n === 0) {
        break; // the file shrank while it was read
      }
      read += n;
    }
    const contents = read < length ? bytes.subarray(0, read) : bytes;
    const newer = newerVersion(contents);
    if (newer !== undefined) {
      return {
        bytes: contents,
        problem: `written by a newer version of Concurrency Visualizer (format version ${newer}; this one reads ${TRACE_VERSION}): update the extension to open it`,
      };
    }
    if (stat.size > maxBytes) {
      return {
        bytes: contents,
        problem: `only its first ${maxBytes} bytes of ${stat.size} were read (the setting concurrencyVisualizer.maxTraceSizeMB)`,
      };
    }
    return { bytes: contents };
  } finally {
    fs.closeSync(fd);
  }
}

/** The format version of a trace header newer than this reader's, else undefined. */
export function newerVersion(bytes: Uint8Array): number | undefined {
  if (bytes.length < FILE_HEADER_BYTES || TRACE_MAGIC.some((b, i) => bytes[i] !== b)) {
    return undefined;
  }
  const version = bytes[4] | (bytes[5] << 8);
  return version > TRACE_VERSION ? version : undefined;
}
