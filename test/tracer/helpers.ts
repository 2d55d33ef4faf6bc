import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForNode } from '../fixtures/nodeBundle';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { readSessionTrace } from '../../src/launch/tail';
import { TraceDecoder } from '../../src/model/decoder';
import { TraceModel } from '../../src/model/traceModel';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Builds dist/tracer.js from source once per test process, so tests never run a stale bundle. */
let built: string | undefined;
export function buildTracer(): string {
  if (!built) {
    built = bundleForNode('src/tracer/index.ts', path.join(ROOT, 'dist', 'tracer.js'));
  }
  return built;
}

const scratchDirs: string[] = [];
process.on('exit', () => {
  for (const dir of scratchDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A scratch folder, removed at process exit. */
export function scratchDir(prefix = 'cv-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/** The result of running a program, traced or not. */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of a run. */
export interface RunOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  node?: string;
  /** Node options before the program (e.g. ['--import', 'tsx']). */
  nodeArgs?: string[];
  stdin?: string;
  /** Called once the child has started (e.g. to send it a signal). */
  onStart?: (pid: number) => void;
  /** Called with all the child printed so far on stdout, after each chunk: to act when it
   * says it is ready (a condition, not a sleep). */
  onStdout?: (stdout: string, pid: number) => void;
  sessionsRoot?: string;
}

/** Runs `node program` as a real child process. */
export function runProgram(program: string, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const argv = [...(opts.nodeArgs ?? []), program, ...(opts.args ?? [])];
    const child = spawn(opts.node ?? process.execPath, argv, {
      cwd: opts.cwd ?? path.dirname(program),
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout, child.pid!);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('spawn', () => opts.onStart?.(child.pid!));
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A traced run: the program's own result plus its decoded trace. */
export interface TracedRun extends RunResult {
  model: TraceModel;
  bytes: Uint8Array;
  sessionDir: string;
}

/** Runs `node program` with the tracer injected the way the extension does it. */
export async function traceProgram(program: string, opts: RunOptions = {}): Promise<TracedRun> {
  const session = createSession(buildTracer(), opts.sessionsRoot ?? scratchDir());
  const base = opts.env ?? process.env;
  const env = {
    ...base,
    NODE_OPTIONS: withTracerNodeOptions(base.NODE_OPTIONS, session.preloadPath),
  };
  const result = await runProgram(program, { ...opts, env });
  const bytes = readSessionTrace(session.dir);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(bytes);
  return { ...result, model, bytes, sessionDir: session.dir };
}

/** Indices of the resources of a type. */
export function resourcesOfType(model: TraceModel, type: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < model.resourceCount; i++) {
    if (model.typeOf(i) === type) {
      out.push(i);
    }
  }
  return out;
}

/** Spans of one thread as [start, end] pairs, in order. */
export function spansOfThread(model: TraceModel, thread: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let s = 0; s < model.spanCount; s++) {
    if (model.spanThread.data[s] === thread) {
      out.push([model.spanStartNs.data[s], model.spanEndNs.data[s], model.spanRes.data[s]]);
    }
  }
  return out;
}

/** 1-based line numbers of the lines of `file` that contain `text`. */
export function linesContaining(file: string, text: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
}

/** A Node.js binary the tracer is tested on. */
export interface NodeBinary {
  /** e.g. 'v18.20.8'. */
  version: string;
  path: string;
}

/**
 * Every supported Node.js: this process's own and Node 18, 22 and 24 from the npm registry
 * (scripts/node-versions.js installs them into a cache). A missing binary is reported, never
 * skipped quietly.
 */
export function supportedNodes(): { nodes: NodeBinary[]; missing: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureNodes } = require('../../scripts/node-versions.js') as {
    ensureNodes(): Array<{ version: string; path?: string; error?: string }>;
  };
  const nodes: NodeBinary[] = [{ version: process.version, path: process.execPath }];
  const missing: string[] = [];
  for (const n of ensureNodes()) {
    if (n.path) {
      nodes.push({ version: n.version, path: n.path });
    } else {
      missing.push(`${n.version} (${n.error})`);
    }
  }
  return {
    nodes: nodes.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true })),
    missing,
  };
}

let builtCli: string | undefined;
/**
 * Builds dist/cli.js (beside dist/tracer.js, which it injects, and dist/samplerWorker.js, which
 * it starts) from source once.
 */
export function buildCli(): string {
  buildTracer();
  if (!builtCli) {
    bundleForNode('src/sampler/samplerWorker.ts', path.join(ROOT, 'dist', 'samplerWorker.js'));
    builtCli = bundleForNode('src/cli/main.ts', path.join(ROOT, 'dist', 'cli.js'));
  }
  return builtCli;
}
