/**
 * `export --format chrome|html FILE -o OUT`: a trace in another format. The output is written as
 * it is produced (chunks through a stream, gzipped when OUT ends in .gz), never held whole.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { TraceModel } from '../../model/traceModel';
import { UsageError } from '../errors';
import { readTrace } from '../summary';
import { terminalSafe } from '../terminalText';
import { chromeTraceChunks } from './chrome';
import { htmlExportChunks } from './html';

/** The formats `export` writes. */
const FORMATS = ['chrome', 'html'] as const;

/** Writes text chunks to `file` as they come (with backpressure), gzipped for `.gz`. */
export async function writeChunks(chunks: Iterable<string>, file: string): Promise<void> {
  const source = Readable.from(chunks, { objectMode: false });
  const out = fs.createWriteStream(file);
  if (file.endsWith('.gz')) {
    await pipeline(source, zlib.createGzip(), out);
  } else {
    await pipeline(source, out);
  }
}

interface ExportArgs {
  format: (typeof FORMATS)[number];
  input: string;
  output: string;
}

function parseArgs(argv: string[]): ExportArgs {
  let format: string | undefined;
  let output: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a === '-f') {
      format = argv[++i];
    } else if (a.startsWith('--format=')) {
      format = a.slice('--format='.length);
    } else if (a === '-o' || a === '--out') {
      output = argv[++i];
    } else if (a.startsWith('--out=')) {
      output = a.slice('--out='.length);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`export needs --format ${FORMATS.join(' or ')}`);
  }
  if (files.length !== 1) {
    throw new UsageError('export needs exactly one trace file');
  }
  if (!output) {
    throw new UsageError('export needs -o OUT');
  }
  return { format: format as ExportArgs['format'], input: files[0], output };
}

/** `export`: 0 when written; 1 when the trace is damaged (what could be read is written). */
export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const model = new TraceModel();
  const problem = readTrace(args.input, model);
  model.compact();
  const chunks =
    args.format === 'chrome' ? chromeTraceChunks(model) : htmlExportChunks(args.input, model);
  await writeChunks(chunks, args.output);
  process.stderr.write(`concurrency-visualizer: ${terminalSafe(args.output)} written\n`);
  if (problem) {
    process.stderr.write(`concurrency-visualizer: ${terminalSafe(`${args.input}: ${problem}`)}\n`);
    return 1;
  }
  return 0;
}
