import { Worker } from 'node:worker_threads';
import { Sampler, type SamplerOptions } from './sampler';

/** What a session needs of a sampler, wherever it runs. */
export interface SamplerHandle {
  /** Resolves when `start` can be called (the program should be spawned then). */
  readonly ready: Promise<void>;
  start(pid: number): void;
  /** Resolves once the last sample and the final SamplerInfo are written. */
  stop(): Promise<void>;
}

/**
 * The sampler on the caller's own thread: only where dist/samplerWorker.js is missing (a
 * bundle built without it), so that the trace still gets its OS threads and cores.
 */
export function samplerOnThisThread(
  dir: string,
  epochNs: bigint,
  options: SamplerOptions = {},
): SamplerHandle {
  const sampler = new Sampler(dir, epochNs, options);
  return {
    ready: Promise.resolve(),
    start: (pid) => sampler.start(pid),
    stop: () => {
      sampler.stop();
      return Promise.resolve();
    },
  };
}

/** What the sampler's worker is started with. */
export interface SamplerWorkerData {
  dir: string;
  /** The session epoch (a bigint, as text: workerData cannot carry a bigint on every Node). */
  epochNs: string;
  options: SamplerOptions;
}

/** A message to the sampler's worker. */
export type SamplerCommand = { type: 'start'; pid: number } | { type: 'stop' };

/** A message from the sampler's worker. */
export type SamplerReply = { type: 'ready' } | { type: 'stopped' };

/** How long `stop()` waits for the worker's last sample before giving up on it. */
const STOP_TIMEOUT_MS = 5000;

/**
 * The sampler in a worker thread (dist/samplerWorker.js): same start/stop as `Sampler`, but
 * its /proc reads every 7 ms run on their own thread instead of the caller's event loop.
 * `stop()` resolves once the worker has written its last sample and final SamplerInfo.
 */
export class SamplerThread implements SamplerHandle {
  private readonly worker: Worker;
  private stopping?: Promise<void>;
  private failure?: Error;
  /**
   * Resolves once the worker has booted (or failed: the program then runs unsampled). Booting
   * a Node thread takes ~25 ms on an idle machine but far longer on a busy one: a program
   * spawned before would lose its first moments (its startup, its workers' start) to it.
   */
  readonly ready: Promise<void>;

  constructor(
    workerPath: string,
    dir: string,
    epochNs: bigint,
    options: SamplerOptions = {},
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    const workerData: SamplerWorkerData = { dir, epochNs: epochNs.toString(), options };
    this.worker = new Worker(workerPath, {
      workerData,
      name: 'concurrency-visualizer sampler',
      // None of the host's flags (an inspector port, a loader): plain JS, and a faster boot.
      execArgv: [],
    });
    // The program, not the sampler, decides how long the host lives.
    this.worker.unref();
    this.ready = new Promise<void>((resolve) => {
      this.worker.on('message', (reply: SamplerReply) => {
        if (reply.type === 'ready') {
          resolve();
        }
      });
      this.worker.on('error', (err) => {
        this.failure = err;
        this.onError(err);
        resolve();
      });
      this.worker.on('exit', () => resolve());
    });
  }

  /** Starts following process `pid` (call it right after spawning the program). */
  start(pid: number): void {
    this.worker.postMessage({ type: 'start', pid } satisfies SamplerCommand);
  }

  /** Takes a last sample, writes the final SamplerInfo, then ends the worker. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (this.failure) {
        resolve();
        return;
      }
      const timer = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.worker.once('message', (reply: SamplerReply) => {
        if (reply.type === 'stopped') {
          void this.worker.terminate().then(done, done);
        }
      });
      this.worker.once('exit', done);
      this.worker.postMessage({ type: 'stop' } satisfies SamplerCommand);
    });
    return this.stopping;
  }
}
