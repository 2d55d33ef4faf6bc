import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

/** What to run: a complete, resolved command. */
export interface LaunchSpec {
  /** Node executable (or another runtime) to start. */
  command: string;
  /** Everything after it: runtime arguments, the program, its arguments. */
  args: string[];
  cwd: string;
  /** The complete environment of the program (tracer already injected). */
  env: NodeJS.ProcessEnv;
  /**
   * 'pipe' (default): stdout/stderr come through the events and stdin through `write`;
   * 'inherit': the program shares this process's terminal (the CLI).
   */
  stdio?: 'pipe' | 'inherit';
  /**
   * `signal` reaches every process the program started (npm test and its children), not only
   * the program; the CLI asks for it when no terminal is its stdin. The program stays in our
   * session and process group: a session of its own (setsid) would change its share of the CPU
   * where the kernel groups scheduling by session (autogroup), and the program would no longer
   * run as it does without us.
   */
  signalDescendants?: boolean;
}

/** How a program ended. */
export interface ExitInfo {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the user asked to stop it. */
  stopped: boolean;
  /** Set when it could not be started at all: what the extension shows. */
  error?: string;
  /** With `error`: the system's own message (the CLI prints it). */
  cause?: string;
}

/** Callbacks of a running program. */
export interface RunnerEvents {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  exit(info: ExitInfo): void;
}

/**
 * Runs a program with piped stdio and stops it on request: SIGINT first (a traced program
 * flushes and re-raises it), then SIGTERM, then SIGKILL for a program too busy to react.
 */
export class ProgramRunner {
  private child?: ChildProcess;
  private stopRequested = false;
  private escalation?: ReturnType<typeof setTimeout>;
  private exited = false;

  constructor(
    private readonly spec: LaunchSpec,
    private readonly events: RunnerEvents,
    private readonly graceMs = 2000,
  ) {}

  /** Starts the program; `exit` fires with `error` set if it cannot start. */
  start(): void {
    let child: ChildProcess;
    try {
      child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env,
        stdio: this.spec.stdio === 'inherit' ? 'inherit' : ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.finish({ code: null, signal: null, stopped: false, error: String(err), cause: message });
      return;
    }
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.events.stdout(d));
    child.stderr?.on('data', (d: Buffer) => this.events.stderr(d));
    // A program that exits without reading its stdin closes the pipe under us: not an error.
    child.stdin?.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'ENOENT'
          ? `"${this.spec.command}" was not found. Set concurrencyVisualizer.nodePath to your Node.js executable.`
          : err.message;
      this.finish({ code: null, signal: null, stopped: false, error: hint, cause: err.message });
    });
    // 'close' (not 'exit') so that every byte of stdout/stderr has been delivered first.
    child.on('close', (code, signal) => {
      this.finish({ code, signal, stopped: this.stopRequested });
    });
  }

  /** The program's process id, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True until the program has ended. */
  get running(): boolean {
    return !this.exited;
  }

  /** Sends text to the program's stdin. */
  write(data: string | Buffer): void {
    if (this.child?.stdin?.writable) {
      this.child.stdin.write(data);
    }
  }

  /** Closes the program's stdin (Ctrl+D). */
  endInput(): void {
    this.child?.stdin?.end();
  }

  /**
   * Sends a signal to the program and, with `signalDescendants`, to every process it started,
   * as a terminal's Ctrl+C reaches a whole foreground group. Nothing happens once it has ended.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.exited || !this.child?.pid) {
      return;
    }
    const others = this.spec.signalDescendants ? descendantsOf(this.child.pid) : [];
    this.child.kill(signal);
    for (const pid of others) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /** Stops the program, escalating SIGINT -> SIGTERM -> SIGKILL every `graceMs`. */
  stop(): void {
    if (this.exited || !this.child || this.stopRequested) {
      return;
    }
    this.stopRequested = true;
    const steps: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
    const next = (i: number): void => {
      if (this.exited || i >= steps.length) {
        return;
      }
      this.child?.kill(steps[i]);
      this.escalation = setTimeout(() => next(i + 1), this.graceMs);
    };
    next(0);
  }

  private finish(info: ExitInfo): void {
    if (this.exited) {
      return;
    }
    this.exited = true;
    clearTimeout(this.escalation);
    this.events.exit(info);
  }
}

/**
 * The processes `root` started, and theirs, from each process's parent: /proc on Linux, `ps`
 * elsewhere on POSIX; none where neither tells (Windows).
 */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentsOfProcesses()) {
    const list = children.get(ppid);
    if (list) {
      list.push(pid);
    } else {
      children.set(ppid, [pid]);
    }
  }
  const found: number[] = [];
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Every process's parent: [pid, ppid] pairs. */
function parentsOfProcesses(): [number, number][] {
  const pairs: [number, number][] = [];
  if (process.platform === 'linux') {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) {
        continue;
      }
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        pairs.push([Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])]);
      } catch {
        // Gone meanwhile.
      }
    }
  } else if (process.platform !== 'win32') {
    const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
    for (const line of (ps.stdout ?? '').split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid > 0 && ppid >= 0) {
        pairs.push([pid, ppid]);
      }
    }
  }
  return pairs;
}
