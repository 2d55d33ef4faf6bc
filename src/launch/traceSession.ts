import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createSession,
  privateSessionsRoot,
  withTracerNodeOptions,
  type SessionFolder,
  type SessionOptions,
} from './session';
import { ProgramRunner, type ExitInfo, type LaunchSpec, type RunnerEvents } from './runner';
import { SamplerThread, samplerOnThisThread, type SamplerHandle } from '../sampler/samplerThread';
import { SessionTail, traceFileHeader } from './tail';

/** How often the session folder is polled for new frames while the program runs (live). */
const POLL_MS = 100;

/** What a launcher asks for; the tracer is injected on top of it. */
export interface TraceRequest {
  /** Node executable, or any command (the CLI records `npm test` too). */
  command: string;
  /** Runtime arguments, program and program arguments. */
  args: string[];
  cwd: string;
  /** The program's environment before injection (NODE_OPTIONS is extended, never replaced). */
  env: Record<string, string | undefined>;
  /** Absolute path of dist/tracer.js. */
  tracerPath: string;
  /** Absolute path of dist/samplerWorker.js (default: beside the tracer). */
  samplerWorkerPath?: string;
  /** Folder under which the session folder is created (default: the user's private root). */
  sessionsRoot?: string;
  /** Told why the default sessions root was refused and where sessions go instead. */
  warn?: (message: string) => void;
  /** Stop escalation step. */
  graceMs?: number;
  /** Size cap and call-site options for the tracer. */
  tracer?: SessionOptions;
  /** 'pipe' (default: the extension's terminal) or 'inherit' (the CLI's own terminal). */
  stdio?: LaunchSpec['stdio'];
  /** `signal` reaches every process the program started too (LaunchSpec). */
  signalDescendants?: boolean;
  /** Frames are delivered while the program runs (the extension's live view; default true). */
  live?: boolean;
  /** OS threads and cores are sampled from /proc (default true). */
  sample?: boolean;
}

/** Listeners of a session. */
export interface TraceSessionEvents extends Partial<Pick<RunnerEvents, 'stdout' | 'stderr'>> {
  /** New whole frames were recorded. */
  frames?(chunk: Uint8Array): void;
  /** The program ended and every frame has been delivered (and is in `chunks`). */
  exit(info: ExitInfo): void;
}

/**
 * One traced run of a program, the same for the extension and the CLI: a session folder, the
 * program started with the tracer in its NODE_OPTIONS, the sampler following its OS threads,
 * and the trace read from the session's stream files (polled while it runs when `live`, once
 * at its end otherwise). The recorded bytes are kept, so a view that (re)appears gets
 * everything so far and the CLI writes them out whole.
 */
export class TraceSession {
  readonly folder: SessionFolder;
  readonly runner: ProgramRunner;
  /** The trace so far: the file header, then frames in arrival order. */
  readonly chunks: Uint8Array[] = [traceFileHeader()];
  private readonly tail: SessionTail;
  /** OS threads and cores of the program, sampled from outside (Linux /proc), off this thread. */
  private readonly sampler?: SamplerHandle;
  private readonly live: boolean;
  /** A flight recording (`ringSeconds`): the session folder holds only the last window. */
  readonly flightRecorder: boolean;
  private timer?: ReturnType<typeof setInterval>;
  private stopRequested = false;
  /** Signals that came before the program was spawned (while the sampler booted). */
  private readonly pendingSignals: NodeJS.Signals[] = [];

  constructor(
    request: TraceRequest,
    private readonly events: TraceSessionEvents,
  ) {
    const root =
      request.sessionsRoot ?? privateSessionsRoot(request.warn ?? ((m) => process.emitWarning(m)));
    this.live = request.live ?? true;
    this.flightRecorder = !!request.tracer?.ringSeconds;
    // Someone watches live: a main thread stuck in a callback still shows it (liveFlush.ts);
    // not in a flight recording, whose panel fills in only at the end.
    this.folder = createSession(request.tracerPath, root, {
      ...request.tracer,
      liveFlush: request.tracer?.liveFlush ?? (this.live && !this.flightRecorder),
    });
    this.tail = new SessionTail(this.folder.dir);
    if (request.sample ?? true) {
      // Started now, so that its thread has booted by the time the program is spawned.
      const warn = request.warn ?? ((m) => process.emitWarning(m));
      const workerPath =
        request.samplerWorkerPath ??
        path.join(path.dirname(request.tracerPath), 'samplerWorker.js');
      if (fs.existsSync(workerPath)) {
        this.sampler = new SamplerThread(
          workerPath,
          this.folder.dir,
          this.folder.epochNs,
          { ringSeconds: request.tracer?.ringSeconds },
          (err) => warn(`The OS thread sampler failed: ${err.message}`),
        );
      } else {
        warn(`${workerPath} is missing: OS threads are sampled on this thread instead.`);
        this.sampler = samplerOnThisThread(this.folder.dir, this.folder.epochNs, {
          ringSeconds: request.tracer?.ringSeconds,
        });
      }
    }
    const spec: LaunchSpec = {
      command: request.command,
      args: request.args,
      cwd: request.cwd,
      env: {
        ...request.env,
        NODE_OPTIONS: withTracerNodeOptions(request.env.NODE_OPTIONS, this.folder.preloadPath),
      },
      stdio: request.stdio,
      signalDescendants: request.signalDescendants,
    };
    this.runner = new ProgramRunner(
      spec,
      {
        stdout: (d) => events.stdout?.(d),
        stderr: (d) => events.stderr?.(d),
        exit: (info) => this.onExit(info),
      },
      request.graceMs,
    );
  }

  /**
   * Starts the poller (live), then the program and the sampler as soon as the sampler's thread
   * has booted (at once without a sampler), so that the sampler sees the program from its start.
   */
  start(): void {
    if (this.live) {
      this.timer = setInterval(() => this.poll(), POLL_MS);
    }
    if (this.sampler) {
      void this.sampler.ready.then(() => this.spawn());
    } else {
      this.spawn();
    }
  }

  /** Stops the program (SIGINT, then SIGTERM, then SIGKILL); what was recorded stays. */
  stop(): void {
    this.stopRequested = true;
    this.runner.stop();
  }

  /**
   * Passes a signal on to the program (and to the processes it started, with
   * signalDescendants); one that comes before the program is started is sent right after it
   * starts.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.runner.pid === undefined) {
      this.pendingSignals.push(signal);
    } else {
      this.runner.signal(signal);
    }
  }

  private spawn(): void {
    this.runner.start();
    for (const s of this.pendingSignals.splice(0)) {
      this.runner.signal(s);
    }
    if (this.runner.pid !== undefined) {
      // From right after spawn to the program's end.
      this.sampler?.start(this.runner.pid);
    } else {
      void this.sampler?.stop();
    }
    if (this.stopRequested) {
      this.runner.stop(); // Stop came while the sampler was booting
    }
  }

  /** The whole trace recorded so far, as one file's bytes. */
  trace(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  private poll(): void {
    let chunk: Uint8Array;
    try {
      chunk = this.tail.poll();
    } catch {
      return; // a stream file vanished (folder cleaned): keep what we have
    }
    if (chunk.length) {
      this.chunks.push(chunk);
      this.events.frames?.(chunk);
    }
  }

  private onExit(info: ExitInfo): void {
    clearInterval(this.timer);
    // The sampler's last sample and its SamplerInfo go into the same final poll.
    void (this.sampler?.stop() ?? Promise.resolve()).then(() => {
      // Every thread flushed before the process ended: one last poll takes the rest.
      this.poll();
      this.tail.close();
      this.events.exit(info);
    });
  }
}
