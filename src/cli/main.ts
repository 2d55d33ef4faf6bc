/**
 * The command line, for traces without VS Code:
 *   concurrency-visualizer record [--out FILE] [--max-size MB] [--library-frames] -- <command...>
 *   concurrency-visualizer summary FILE [--json]
 *   concurrency-visualizer export --format chrome|html FILE -o OUT
 *   concurrency-visualizer compare A B [--json] [--fail-if EXPR]...
 * `record` runs any command (node app.js, npm test...) with the tracer injected into every Node
 * process it starts, passes stdio through and exits with the program's own status (128+N for
 * signal N); `summary` prints what a trace holds. Started by bin/concurrency-visualizer, which
 * keeps the user's NODE_OPTIONS away from this process (record.ts hands them to the program).
 */
import * as inspector from 'node:inspector';
import type { TraceSession } from '../launch/traceSession';
import { compareCommand } from './compare';
import { CliError } from './errors';
import { exportCommand } from './export/command';
import { recordCommand } from './record';
import { summaryCommand } from './summary';
import { terminalSafe } from './terminalText';

const USAGE = `usage:
  concurrency-visualizer record [--out FILE] [--max-size MB] [--library-frames] [--no-sampler]
                                [--ring SECONDS] [--embed-sources]
                                -- <command...>
      Runs the command with the tracer in every Node.js process it starts and writes one
      trace file (default: trace.cvtrace). Exits with the command's own exit status (128+N
      when signal N ended it; 127 when it cannot be started). SIGINT, SIGTERM and SIGHUP
      sent to record are passed on to the command.
      --no-sampler: no OS thread sampling (/proc); the tracer estimates CPU per JS thread,
      as it does where /proc is not available.
      --ring SECONDS: flight recorder: keep only about the last SECONDS of every thread on
      disk; written out at the end, and on SIGUSR2 to record while the command runs on.
      --embed-sources: the trace carries the lines of code around every creation site, so
      the details show them where the files do not exist.
      --stacks, --no-stacks, --stacks-interval MS: sample every thread's JavaScript stacks
      (every MS ms, default 2), or not.
  concurrency-visualizer summary FILE [--json]
      Prints the threads, operations, callbacks and longest callbacks of a trace.
  concurrency-visualizer export --format chrome FILE -o OUT[.gz]
      Writes the trace in the Chrome Trace Event Format (Perfetto, chrome://tracing), gzipped
      when OUT ends in .gz. Exits 1 when the trace is damaged (what could be read is written).
  concurrency-visualizer compare A B [--json] [--fail-if EXPR]...
      Compares run B with baseline A: wall time, callbacks, operations per type, blocking
      callbacks by line, cores, verdict, each with its delta. EXPR is FIGURE[.a|.b|.delta|.ratio]
      OP NUMBER, e.g. 'blocking.maxMs>100' (B's figure) or 'wallMs.ratio>1.2'. Exits 3 when
      an EXPR holds, 1 when a trace is damaged, 2 on wrong usage.`;

/** sysexits' EX_SOFTWARE: a bug of ours, not of the program or of the trace. */
const INTERNAL_ERROR_EXIT = 70;

/** The run in progress, stopped if we fail so that no program is left behind. */
let session: TraceSession | undefined;

/** Any unexpected error: one line on stderr and exit 70, never a stack trace. */
function internalError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `concurrency-visualizer: internal error: ${terminalSafe(message.split('\n')[0])}\n`,
  );
  session?.signal('SIGTERM');
  process.exit(INTERNAL_ERROR_EXIT);
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    switch (cmd) {
      case 'record':
        return await recordCommand(rest, (s) => (session = s));
      case 'summary':
        return summaryCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case 'compare':
        return compareCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command ${cmd}`, 2, true);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(
        `concurrency-visualizer: ${terminalSafe(err.message)}\n${err.showUsage ? `${USAGE}\n` : ''}`,
      );
      return err.exitCode;
    }
    throw err;
  }
}

process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);
// Started without the launcher (node dist/cli.js, or a Windows shim) the user's --inspect in
// NODE_OPTIONS opened the inspector here: free its port for the program, which gets the option.
if (/--inspect/.test(process.env.NODE_OPTIONS ?? '') && inspector.url()) {
  inspector.close();
}
main().then((code) => {
  process.exitCode = code;
}, internalError);
