/**
 * `concurrency-visualizer record [--out FILE] -- <command...>`: runs a command under the
 * tracer and writes one trace file, passing stdio through and exiting with the program's own
 * status. `concurrency-visualizer summary FILE`: prints what a trace holds.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSession, withTracerNodeOptions } from '../launch/session';
import { readSessionTrace } from '../launch/tail';
import { TraceDecoder, TraceError } from '../model/decoder';
import { TraceModel } from '../model/traceModel';

const USAGE = `usage:
  concurrency-visualizer record [--out FILE] -- <command...>
  concurrency-visualizer summary FILE`;

function record(argv: string[]): void {
  let out = 'trace.cvt';
  const sep = argv.indexOf('--');
  const opts = sep >= 0 ? argv.slice(0, sep) : [];
  const command = sep >= 0 ? argv.slice(sep + 1) : argv;
  for (let i = 0; i < opts.length; i++) {
    if (opts[i] === '--out') {
      out = opts[++i];
    }
  }
  if (!command.length) {
    fail(USAGE);
  }
  const session = createSession(
    path.join(__dirname, 'tracer.js'),
    path.join(os.tmpdir(), 'concurrency-visualizer'),
  );
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: withTracerNodeOptions(process.env.NODE_OPTIONS, session.preloadPath),
    },
  });
  // Signals typed at the terminal reach the child directly; we only wait for it.
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(s, () => undefined);
  }
  child.on('error', (err) => fail(`cannot run ${command[0]}: ${err.message}`));
  child.on('close', (code, signal) => {
    fs.writeFileSync(out, readSessionTrace(session.dir));
    fs.rmSync(session.dir, { recursive: true, force: true });
    process.stderr.write(`concurrency-visualizer: trace written to ${out}\n`);
    process.exitCode = signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1);
  });
}

function summary(file: string | undefined): void {
  if (!file) {
    fail(USAGE);
  }
  const model = new TraceModel();
  let problem = '';
  try {
    new TraceDecoder(model).pushFile(fs.readFileSync(file));
  } catch (err) {
    if (!(err instanceof TraceError)) {
      throw err;
    }
    problem = err.message;
  }
  for (const t of model.threads) {
    console.log(
      `thread ${t.info.name} pid ${t.info.pid} threadId ${t.info.threadId}: ${t.spanCount} callbacks`,
    );
  }
  const byType = new Map<string, number>();
  for (let i = 0; i < model.resourceCount; i++) {
    byType.set(model.typeOf(i), (byType.get(model.typeOf(i)) ?? 0) + 1);
  }
  for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${type}: ${n}`);
  }
  if (problem) {
    console.error(`error: ${problem} (everything before it is shown above)`);
    process.exitCode = 1;
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'record') {
  record(rest);
} else if (cmd === 'summary') {
  summary(rest[0]);
} else {
  fail(USAGE);
}
