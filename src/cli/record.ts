import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isatty } from 'node:tty';
import { listStreamFiles } from '../launch/session';
import { readSessionTrace } from '../launch/tail';
import { TraceSession } from '../launch/traceSession';
import { SAMPLER_FILE_NAME } from '../shared/traceFormat';
import { withEmbeddedSources } from './export/embedSources';
import { DEFAULT_STACK_INTERVAL_US, STACKS_BY_DEFAULT } from '../shared/stacks';
import { CliError, UsageError } from './errors';
import { terminalSafe } from './terminalText';

/**
 * Where the launcher (bin/concurrency-visualizer) puts the user's NODE_OPTIONS: the recorder
 * starts without them and hands them to the program.
 */
export const USER_NODE_OPTIONS_ENV = 'CV_USER_NODE_OPTIONS';

/** What `record` was asked to do, checked before anything starts. */
interface RecordOptions {
  out: string;
  maxBytes?: number;
  skipNodeModules: boolean;
  sample: boolean;
  /** Flight recorder: keep only about the last this many seconds (`--ring`). */
  ringSeconds?: number;
  /** Sample JavaScript stacks every this many µs (0: off). */
  stacksUs: number;
  command: string[];
  /** Append the code around every creation site to the trace (--embed-sources). */
  embedSources?: boolean;
}

/** Parses `record`'s arguments; every problem is a UsageError, before the program starts. */
export function parseRecordArgs(argv: string[]): RecordOptions {
  const sep = argv.indexOf('--');
  if (sep < 0 && argv[0]?.startsWith('-')) {
    // `record --out x node app.js` would run "--out": options need the -- before the command.
    throw new UsageError(`${argv[0]} looks like an option: put the command after --`);
  }
  const opts = sep >= 0 ? argv.slice(0, sep) : [];
  const parsed: RecordOptions = {
    out: 'trace.cvtrace',
    skipNodeModules: true,
    sample: true,
    stacksUs: STACKS_BY_DEFAULT ? DEFAULT_STACK_INTERVAL_US : 0,
    command: sep >= 0 ? argv.slice(sep + 1) : argv,
  };
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    if (o === '--out') {
      const value = opts[++i];
      if (!value) {
        throw new UsageError('--out needs a file name');
      }
      parsed.out = value;
    } else if (o === '--max-size') {
      const value = opts[++i];
      const mb = Number(value);
      if (value === undefined || value.trim() === '' || !Number.isFinite(mb) || mb <= 0) {
        throw new UsageError(
          `--max-size needs a size in MB greater than 0 (got ${value === undefined ? 'nothing' : `"${value}"`})`,
        );
      }
      parsed.maxBytes = Math.round(mb * 1024 * 1024);
    } else if (o === '--ring') {
      const value = opts[++i];
      const seconds = Number(value);
      if (value === undefined || value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(
          `--ring needs a number of seconds greater than 0 (got ${value === undefined ? 'nothing' : `"${value}"`})`,
        );
      }
      parsed.ringSeconds = seconds;
    } else if (o === '--library-frames') {
      parsed.skipNodeModules = false;
    } else if (o === '--no-sampler') {
      parsed.sample = false;
    } else if (o === '--embed-sources') {
      parsed.embedSources = true;
    } else if (o === '--stacks') {
      parsed.stacksUs ||= DEFAULT_STACK_INTERVAL_US;
    } else if (o === '--no-stacks') {
      parsed.stacksUs = 0;
    } else if (o === '--stacks-interval') {
      const value = opts[++i];
      const ms = Number(value);
      if (value === undefined || value.trim() === '' || !(ms >= 0.1 && ms <= 1000)) {
        throw new UsageError(
          `--stacks-interval needs a time in ms from 0.1 to 1000 (got ${value === undefined ? 'nothing' : `"${value}"`})`,
        );
      }
      parsed.stacksUs = Math.round(ms * 1000);
    } else {
      throw new UsageError(`unknown option ${o}`);
    }
  }
  if (!parsed.command.length) {
    throw new UsageError('no command to record: put it after --');
  }
  return parsed;
}

/** Fails before the program runs if the trace could not be written where `out` says. */
function checkWritable(out: string): void {
  const existed = fs.existsSync(out);
  try {
    fs.closeSync(fs.openSync(out, 'a'));
  } catch (err) {
    throw new CliError(`cannot write the trace to ${out}: ${(err as Error).message}`);
  }
  if (!existed) {
    fs.rmSync(out, { force: true }); // a run that fails to start leaves no file
  }
}

/** The user's NODE_OPTIONS: moved aside by the launcher, else (started directly) our own. */
function userNodeOptions(): string | undefined {
  return USER_NODE_OPTIONS_ENV in process.env
    ? process.env[USER_NODE_OPTIONS_ENV]
    : process.env.NODE_OPTIONS;
}

/** Signals `record` passes on to the program rather than dying of them. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `record [options] -- command...`: runs the command traced, passes its stdio through, passes
 * SIGINT, SIGTERM and SIGHUP on to it, writes the trace and resolves to the program's status.
 */
export function recordCommand(
  argv: string[],
  onSession: (s: TraceSession) => void,
): Promise<number> {
  const opts = parseRecordArgs(argv);
  checkWritable(opts.out);
  const say = (m: string): boolean =>
    process.stderr.write(`concurrency-visualizer: ${terminalSafe(m)}\n`);
  const env: Record<string, string | undefined> = { ...process.env };
  delete env[USER_NODE_OPTIONS_ENV];
  env.NODE_OPTIONS = userNodeOptions();
  // The program stays in our session and process group (as it would run without us). With a
  // terminal as stdin, that group gets Ctrl+C (SIGINT) and hangup (SIGHUP) from the terminal
  // directly: passing those on too would deliver them twice. Without one (CI, a pipe), every
  // signal comes through us, to the program and every process it started (npm test and its
  // children).
  const terminal = process.platform !== 'win32' && isatty(0);
  const forwarded: readonly NodeJS.Signals[] = terminal ? ['SIGTERM'] : FORWARDED;
  let done!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (done = resolve));
  const session = new TraceSession(
    {
      command: opts.command[0],
      args: opts.command.slice(1),
      cwd: process.cwd(),
      env,
      tracerPath: path.join(__dirname, 'tracer.js'),
      warn: say,
      tracer: {
        maxBytes: opts.maxBytes,
        skipNodeModules: opts.skipNodeModules,
        ...(opts.ringSeconds ? { ringSeconds: opts.ringSeconds } : {}),
        stacks: opts.stacksUs,
        ...(opts.sample ? {} : { cpuEstimates: true }),
      },
      stdio: 'inherit',
      signalDescendants: !terminal,
      // The trace is written once, at the end: no need to read it while it grows.
      live: false,
      sample: opts.sample,
    },
    {
      exit: (info) => {
        for (const s of FORWARDED) {
          process.removeAllListeners(s);
        }
        process.removeAllListeners('SIGUSR2');
        const dir = session.folder.dir;
        // The CLI's session folder is only a staging area: the trace file is what stays.
        if (info.error) {
          say(`cannot run ${opts.command[0]}: ${info.cause ?? info.error}`);
          fs.rmSync(dir, { recursive: true, force: true });
          done(127);
          return;
        }
        // The sampler's stream is not the program's (nor, with --ring, its segments).
        const traced = listStreamFiles(dir).some(
          (f) => !path.basename(f).startsWith(SAMPLER_FILE_NAME.replace(/cvt$/, '')),
        );
        try {
          const trace = session.trace();
          fs.writeFileSync(opts.out, opts.embedSources ? withEmbeddedSources(trace) : trace);
          say(`trace written to ${opts.out}`);
        } catch (err) {
          say(`could not write ${opts.out}: ${(err as Error).message}`);
        }
        if (!traced) {
          say(
            `nothing was traced: ${opts.command[0]} started no Node.js process that loaded the tracer (is it node, or a script that runs node?)`,
          );
        }
        fs.rmSync(dir, { recursive: true, force: true });
        done(info.signal ? 128 + (os.constants.signals[info.signal] ?? 0) : (info.code ?? 1));
      },
    },
  );
  onSession(session);
  for (const s of FORWARDED) {
    // Listening keeps us alive until the program has ended and the trace is written.
    process.on(s, forwarded.includes(s) ? () => session.signal(s) : () => undefined);
  }
  if (opts.ringSeconds && process.platform !== 'win32') {
    // The flight recorder's window, written out while the program runs on: `kill -USR2 <pid>`.
    process.on('SIGUSR2', () => {
      try {
        fs.writeFileSync(opts.out, readSessionTrace(session.folder.dir));
        say(`the last ${opts.ringSeconds} s written to ${opts.out} (recording goes on)`);
      } catch (err) {
        say(`could not write ${opts.out}: ${(err as Error).message}`);
      }
    });
  }
  session.start();
  return finished;
}
