/**
 * The command line, for traces without VS Code:
 *   concurrency-visualizer record [--out FILE] [--max-size MB] [--library-frames] -- <command...>
 *   concurrency-visualizer summary FILE [--json]
 * `record` runs any command (node app.js, npm test...) with the tracer injected into every Node
 * process it starts, passes stdio through and exits with the program's own status (128+N for
 * signal N); `summary` prints what a trace holds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceSession } from '../launch/traceSession';
import { TraceDecoder, TraceError } from '../model/decoder';
import { summarize } from '../model/summary';
import { TraceModel } from '../model/traceModel';
import { formatSummary } from './formatSummary';

const USAGE = `usage:
  concurrency-visualizer record [--out FILE] [--max-size MB] [--library-frames] [--no-sampler]
                                -- <command...>
      Runs the command with the tracer in every Node.js process it starts and writes one
      trace file (default: trace.cvtrace). Exits with the command's own exit status.
      --no-sampler: no OS thread sampling (/proc); the tracer estimates CPU per JS thread,
      as it does where /proc is not available.
  concurrency-visualizer summary FILE [--json]
      Prints the threads, operations, callbacks and longest callbacks of a trace.`;

/** Thrown for wrong usage: printed with the usage text, exit status 2. */
class UsageError extends Error {}

function record(argv: string[]): Promise<number> {
  const sep = argv.indexOf('--');
  const opts = sep >= 0 ? argv.slice(0, sep) : [];
  const command = sep >= 0 ? argv.slice(sep + 1) : argv;
  let out = 'trace.cvtrace';
  let maxBytes: number | undefined;
  let skipNodeModules = true;
  let sample = true;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    if (o === '--out' && opts[i + 1]) {
      out = opts[++i];
    } else if (o === '--max-size' && Number(opts[i + 1]) > 0) {
      maxBytes = Number(opts[++i]) * 1024 * 1024;
    } else if (o === '--library-frames') {
      skipNodeModules = false;
    } else if (o === '--no-sampler') {
      sample = false;
    } else {
      throw new UsageError(`unknown option ${o}`);
    }
  }
  if (!command.length) {
    throw new UsageError('no command to record: put it after --');
  }
  const session = new TraceSession(
    {
      command: command[0],
      args: command.slice(1),
      cwd: process.cwd(),
      env: process.env,
      tracerPath: path.join(__dirname, 'tracer.js'),
      warn: (m) => process.stderr.write(`concurrency-visualizer: ${m}\n`),
      tracer: { maxBytes, skipNodeModules, ...(sample ? {} : { cpuEstimates: true }) },
      stdio: 'inherit',
      // The trace is written once, at the end: no need to read it while it grows.
      live: false,
      sample,
    },
    {
      exit: (info) => {
        // The CLI's session folder is only a staging area: the trace file is what stays.
        if (info.error) {
          const cause = info.cause ?? info.error;
          process.stderr.write(`concurrency-visualizer: cannot run ${command[0]}: ${cause}\n`);
          fs.rmSync(session.folder.dir, { recursive: true, force: true });
          done(127);
          return;
        }
        try {
          fs.writeFileSync(out, session.trace());
          process.stderr.write(`concurrency-visualizer: trace written to ${out}\n`);
        } catch (err) {
          process.stderr.write(`concurrency-visualizer: could not write ${out}: ${String(err)}\n`);
        }
        fs.rmSync(session.folder.dir, { recursive: true, force: true });
        done(info.signal ? 128 + (os.constants.signals[info.signal] ?? 0) : (info.code ?? 1));
      },
    },
  );
  // Ctrl+C at the terminal reaches the whole process group: the program decides what it
  // means; we wait for it and save what it recorded.
  const ignore = (): void => undefined;
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(s, ignore);
  }
  let done!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  session.start();
  return finished;
}

function summary(argv: string[]): number {
  const json = argv.includes('--json');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    throw new UsageError('summary needs exactly one trace file');
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(files[0]);
  } catch (err) {
    process.stderr.write(
      `concurrency-visualizer: cannot read ${files[0]}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const model = new TraceModel();
  let problem: string | undefined;
  try {
    new TraceDecoder(model).pushFile(bytes);
  } catch (err) {
    if (!(err instanceof TraceError)) {
      throw err;
    }
    problem = err.message;
  }
  const s = summarize(model, problem);
  process.stdout.write(json ? `${JSON.stringify(s, null, 2)}\n` : `${formatSummary(s)}\n`);
  if (problem) {
    process.stderr.write(`concurrency-visualizer: ${files[0]}: ${problem}\n`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    switch (cmd) {
      case 'record':
        return await record(rest);
      case 'summary':
        return summary(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${cmd}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`concurrency-visualizer: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
