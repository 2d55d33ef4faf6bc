import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Rec, streamFileName, type ThreadEnd } from '../shared/traceFormat';
import { workerThreads } from './threads';
import { flushSharedFrame, FrameWriter, type SharedFrame } from './writer';

/** What a worker announces to the other threads of its process. */
interface Registration {
  pid: number;
  threadId: number;
  frame: SharedFrame;
}

const CHANNEL = 'concurrency-visualizer:tracer';

/**
 * Saves the last records of workers that cannot save them: `worker.terminate()` and the end
 * of the process stop a worker's JavaScript, so its own exit flush never runs. Each worker
 * writes into a shared frame and announces it on a BroadcastChannel; the thread that started
 * it writes what is left when the worker's WORKER operation is destroyed, and the main thread
 * writes every worker's rest when the process exits.
 *
 * Everything here must be created while the tracer's guard is up (so it stays out of the
 * trace); the channel is unref'd and never keeps the program alive.
 */
export class WorkerRescue {
  private readonly registry = new Map<number, Registration>();
  /** Workers that ended before their announcement arrived, and how. */
  private readonly endedEarly = new Map<number, ThreadEnd['reason']>();
  /** WORKER operations whose threadId is not known yet (it is set after the init hook). */
  private readonly pending: Array<[number, { threadId?: number }]> = [];
  /** pending.length, kept as a plain field: it is read in every `before` hook. */
  private pendingCount = 0;
  /** WORKER asyncId -> threadId, for workers this thread started. */
  private readonly started = new Map<number, number>();
  private readonly channel?: InstanceType<ReturnType<typeof workerThreads>['BroadcastChannel']>;

  constructor(
    private readonly dir: string,
    /** The tracer's clock: ns since the session epoch. */
    private readonly now: () => number,
  ) {
    const { BroadcastChannel } = workerThreads();
    if (typeof BroadcastChannel !== 'function') {
      return;
    }
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: unknown) => {
      const reg = (event as { data: Registration }).data;
      if (reg && reg.pid === process.pid) {
        this.registry.set(reg.threadId, reg);
        const reason = this.endedEarly.get(reg.threadId);
        if (reason !== undefined) {
          this.endedEarly.delete(reg.threadId);
          this.takeOver(reg.threadId, reason);
        }
      }
    };
    (channel as unknown as { unref(): void }).unref();
    this.channel = channel;
  }

  /** A worker announces its own shared frame. */
  announce(frame: SharedFrame): void {
    const reg: Registration = { pid: process.pid, threadId: workerThreads().threadId, frame };
    this.channel?.postMessage(reg);
  }

  /** A WORKER operation was created by this thread: `resource` is the Worker object. */
  workerCreated(asyncId: number, resource: object): void {
    this.pending.push([asyncId, resource as { threadId?: number }]);
    this.pendingCount = this.pending.length;
  }

  /** True while a started worker's threadId is still to be read. */
  get hasPending(): boolean {
    return this.pendingCount > 0;
  }

  /** Reads the threadIds now set on new Worker objects; returns [asyncId, threadId] pairs. */
  resolvePending(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const [asyncId, worker] = this.pending[i];
      const threadId = worker.threadId;
      if (typeof threadId === 'number' && threadId > 0) {
        this.pending.splice(i, 1);
        this.pendingCount = this.pending.length;
        this.started.set(asyncId, threadId);
        out.push([asyncId, threadId]);
      }
    }
    return out;
  }

  /** An operation was destroyed: if it was a worker this thread started, save its rest. */
  destroyed(asyncId: number): void {
    const threadId = this.started.get(asyncId);
    if (threadId !== undefined) {
      this.started.delete(asyncId);
      this.takeOver(threadId, 'terminated');
    }
  }

  /** This thread is ending: its workers end with it (all of them, for the main thread). */
  ending(isMainThread: boolean): void {
    const ids = isMainThread ? [...this.registry.keys()] : [...this.started.values()];
    for (const threadId of ids) {
      this.takeOver(threadId, 'process-exit');
    }
    this.channel?.close();
  }

  /**
   * Writes the rest of a worker that could not end by itself, and its End record (`reason`:
   * 'terminated' by worker.terminate(), or 'process-exit' when it died with the process).
   */
  private takeOver(threadId: number, reason: ThreadEnd['reason']): void {
    const reg = this.registry.get(threadId);
    if (!reg) {
      this.endedEarly.set(threadId, reason);
      return;
    }
    this.registry.delete(threadId);
    let fd: number | undefined;
    try {
      // Mode 0o600 like the worker's own (issue #22), should this create the file.
      fd = openSync(join(this.dir, streamFileName(reg.pid, threadId)), 'a', 0o600);
      const seq = flushSharedFrame(fd, reg.pid, threadId, reg.frame);
      if (seq !== undefined) {
        const end = new FrameWriter(fd, reg.pid, threadId);
        // Numbered after the worker's own frames: the reader checks each stream's sequence.
        end.seq = seq;
        end.json(Rec.End, this.now(), { reason } satisfies ThreadEnd);
        end.flush();
      }
    } catch {
      // The session folder is gone: nothing to save into.
    } finally {
      if (fd !== undefined) {
        closeSync(fd);
      }
    }
  }
}
