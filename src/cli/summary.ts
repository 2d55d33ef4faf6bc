import * as fs from 'node:fs';
import { TraceChunkReader } from '../model/chunkReader';
import { TraceDecoder, TraceError } from '../model/decoder';
import { summarize } from '../model/summary';
import { TraceModel } from '../model/traceModel';
import { CliError, UsageError } from './errors';
import { formatSummary } from './formatSummary';
import { terminalSafe, terminalSafeJson } from './terminalText';

/** Bytes read at a time: the file is never in memory whole, only what the model keeps of it. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Decodes a trace file chunk by chunk into `model`; returns the first problem of the bytes (with
 * its offset) or undefined. Only a regular file is read: a device (/dev/zero) or a FIFO could be
 * endless, and opening a FIFO would wait for a writer (hence O_NONBLOCK until it is refused).
 */
export function readTrace(file: string, model: TraceModel): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 1);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) {
      throw new CliError(`cannot read ${file}: not a regular file`, 1);
    }
    const reader = new TraceChunkReader(new TraceDecoder(model));
    try {
      for (;;) {
        // A fresh buffer each time: the decoder may keep views of what it was given.
        const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        const n = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
        if (n === 0) {
          break;
        }
        reader.push(chunk.subarray(0, n));
      }
      reader.finish();
    } catch (err) {
      if (!(err instanceof TraceError)) {
        throw err;
      }
      return err.message;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** `summary FILE [--json]`: prints what a trace holds; 1 if it is damaged (after the summary). */
export function summaryCommand(argv: string[]): number {
  const json = argv.includes('--json');
  const unknown = argv.find((a) => a.startsWith('--') && a !== '--json');
  if (unknown) {
    throw new UsageError(`unknown option ${unknown}`);
  }
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    throw new UsageError('summary needs exactly one trace file');
  }
  const model = new TraceModel();
  const problem = readTrace(files[0], model);
  const s = summarize(model, problem);
  process.stdout.write(json ? `${terminalSafeJson(s)}\n` : `${terminalSafe(formatSummary(s))}\n`);
  if (problem) {
    process.stderr.write(`concurrency-visualizer: ${terminalSafe(`${files[0]}: ${problem}`)}\n`);
    return 1;
  }
  return 0;
}
