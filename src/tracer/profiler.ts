/**
 * Sampled JavaScript stacks of one thread (issue #17): V8's sampling profiler through an
 * in-thread `node:inspector` session (in a worker it is the worker's own isolate), written as
 * StackFrame and StackSamples records about once a second and at the thread's end.
 *
 * Why two profiles in turn: stopping V8's last running profile tears its profiler down, and the
 * next start logs every compiled function again (35-43 ms each time with TypeScript loaded,
 * measured on Node 20; 4 ms in an empty program). So one profile is always running: the
 * protocol's own (Profiler.start/stop) and a console profile (`inspector.console.profile`,
 * which only the inspector sees), each started before the other is stopped (0.2-0.7 ms a
 * swap). The profiler's sampler thread does the sampling; nothing runs in the hooks.
 *
 * A thread whose JavaScript is stopped from outside (worker.terminate(), the process killed)
 * keeps the batches written until then: the samples since the last turn of its event loop are
 * lost with it.
 */
import { fileURLToPath } from 'node:url';
import { Rec, type StackInfo } from '../shared/traceFormat';
import { sourceMapped } from './callsite';
import { BatchLineTicks, type PositionTicks } from './lineTicks';
import type { FrameWriter } from './writer';

/** A batch of samples is written about this often, when the thread's event loop turns. */
const BATCH_INTERVAL_NS = 1e9;
/** Samples per StackSamples record (3 varints each, a few KiB). */
const SAMPLES_PER_RECORD = 1024;
/** A sample stands for the time to the next one, but never more than this (µs): a sampler
 * starved of CPU must not stretch one stack over a long gap. */
const MAX_SAMPLE_US = 100_000;
/** The console profile's title: ours, and only the inspector sees it. */
const TITLE = 'concurrency-visualizer';
/** V8's pseudo-frames of a thread doing no JavaScript: such samples are left out. */
const IDLE_FRAMES = new Set(['(idle)', '(program)', '(root)']);

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  /** Its own samples per line of its function (V8 gives them with every profile). */
  positionTicks?: PositionTicks[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}
interface InspectorSession {
  connect(): void;
  disconnect(): void;
  post(method: string, params?: object, cb?: (err: Error | null, res?: unknown) => void): void;
  on(event: string, listener: (message: { params: { profile: Profile } }) => void): void;
}
interface InspectorModule {
  Session: new () => InspectorSession;
  url(): string | undefined;
  console: { profile(title: string): void; profileEnd(title: string): void };
}

/** What the tracer calls: `poll` from its periodic timer, `stop` at the thread's end. */
export interface StackSampling {
  /** Writes the samples so far when a batch is due. */
  poll(timeNs: number): void;
  /** Writes the last samples and stops the profiler. */
  stop(timeNs: number): void;
}

/** Why this thread must not be profiled by us, or undefined when it may be. */
function reasonToSkip(inspector: InspectorModule): string | undefined {
  if (inspector.url() !== undefined) {
    return 'the program runs with an inspector open (--inspect): its own profiles stay untouched';
  }
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const own = args.find((a) => /^--(cpu-prof|prof)(?:$|[-=])/.test(a) || /^--inspect/.test(a));
  if (own !== undefined) {
    return `the program runs with ${own.split('=')[0]}: its own profile stays untouched`;
  }
  return undefined;
}

/**
 * Starts sampling this thread's stacks every `intervalUs`, or writes why it cannot (a
 * StackInfo record either way). Call it under the tracer's guard.
 */
export function startStackSampling(
  writer: FrameWriter,
  now: () => number,
  epochNs: string,
  intervalUs: number,
): StackSampling | undefined {
  const note = (info: StackInfo): void => writer.json(Rec.StackInfo, now(), info);
  let inspector: InspectorModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    inspector = require('node:inspector') as InspectorModule;
  } catch {
    note({ on: false, intervalUs, reason: 'this Node.js has no inspector (built without it)' });
    return undefined;
  }
  const reason = reasonToSkip(inspector);
  if (reason !== undefined) {
    note({ on: false, intervalUs, reason });
    return undefined;
  }
  const session = new inspector.Session();
  let finished: Profile | undefined;
  let failed: string | undefined;
  const post = (method: string, params?: object): unknown => {
    let result: unknown;
    // An in-thread session answers synchronously, before post returns.
    session.post(method, params, (err, res) => {
      if (err) {
        failed = `${method}: ${err.message}`;
      }
      result = res;
    });
    return result;
  };
  try {
    session.connect();
    session.on('Profiler.consoleProfileFinished', (message) => {
      finished = message.params.profile;
    });
    post('Profiler.enable');
    post('Profiler.setSamplingInterval', { interval: intervalUs });
  } catch (err) {
    failed = (err as Error).message;
  }
  const beforeNs = now();
  if (failed === undefined) {
    post('Profiler.start');
  }
  const afterNs = now();
  if (failed !== undefined) {
    note({ on: false, intervalUs, reason: `the profiler did not start (${failed})` });
    return undefined;
  }
  const onInfo: StackInfo = { on: true, intervalUs };
  note(onInfo);

  const frames = new StackFrames(writer);
  // V8's profile times are µs on its monotonic clock, which is hrtime's (CLOCK_MONOTONIC,
  // mach_absolute_time, QPC): minus the epoch they are session times. Checked once against
  // the clock read around the first start; a platform where they differ gets the offset.
  const epoch = Number(BigInt(epochNs));
  let offsetNs: number | undefined;
  let lastSampleNs = -Infinity;
  const write = (profile: Profile | undefined): void => {
    if (!profile) {
      return;
    }
    if (offsetNs === undefined) {
      const startNs = profile.startTime * 1000 - epoch;
      offsetNs = startNs >= beforeNs - 2e6 && startNs <= afterNs + 2e6 ? 0 : beforeNs - startNs;
    }
    lastSampleNs = writeSamples(writer, frames, profile, offsetNs - epoch, lastSampleNs, now);
    // After the samples, so that a reader knows which samples the lines are of.
    frames.lineTicks.write(writer, now(), onInfo);
    frames.lineTicks = new BatchLineTicks();
  };
  /** Which profile is running: the protocol's (true) or the console's. */
  let protocolRunning = true;
  const swap = (): void => {
    if (protocolRunning) {
      inspector.console.profile(TITLE);
      write((post('Profiler.stop') as { profile?: Profile } | undefined)?.profile);
    } else {
      post('Profiler.start');
      finished = undefined;
      inspector.console.profileEnd(TITLE);
      write(finished);
    }
    protocolRunning = !protocolRunning;
  };
  let dueNs = afterNs + BATCH_INTERVAL_NS;
  let stopped = false;
  return {
    poll(timeNs) {
      if (stopped || timeNs < dueNs) {
        return;
      }
      dueNs = timeNs + BATCH_INTERVAL_NS;
      try {
        swap();
      } catch {
        // The program took the profiler down (disconnected every session): stop quietly.
        stopped = true;
      }
    },
    stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        if (protocolRunning) {
          write((post('Profiler.stop') as { profile?: Profile } | undefined)?.profile);
        } else {
          finished = undefined;
          inspector.console.profileEnd(TITLE);
          write(finished);
        }
        session.disconnect();
      } catch {
        // Ending anyway: what was written stays.
      }
    },
  };
}

/** The stream's stack frames: one id per distinct path from the root, kept across batches. */
class StackFrames {
  private readonly ids = new Map<string, number>();
  /** The files frames were written with, by id (line ticks are mapped into the same file). */
  readonly files: string[] = [''];
  /** The current batch's line ticks. */
  lineTicks = new BatchLineTicks();

  constructor(private readonly writer: FrameWriter) {}

  /** The frame id of `frame` called from frame `parent`, defined first if new. */
  idOf(parent: number, frame: CallFrame): number {
    const key = `${parent}\0${frame.functionName}\0${frame.url}\0${frame.lineNumber}\0${frame.columnNumber}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
      const site = siteOf(frame);
      const writer = this.writer;
      this.files[id] = site.file;
      const nameId = writer.stringId(frame.functionName || '(anonymous)');
      const fileId = writer.stringId(site.file);
      writer.varints(Rec.StackFrame, undefined, [
        id,
        parent,
        nameId,
        fileId,
        site.line,
        site.column,
      ]);
    }
    return id;
  }
}

/** A call frame's source position, 1-based (0: unknown), source-mapped where Node has maps. */
function siteOf(frame: CallFrame): { file: string; line: number; column: number } {
  let file = frame.url;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      // Kept as the URL.
    }
  }
  if (frame.lineNumber < 0 || file === '') {
    return { file, line: 0, column: 0 };
  }
  const site = { file, line: frame.lineNumber + 1, column: frame.columnNumber + 1 };
  return file.startsWith('node:') ? site : sourceMapped(site);
}

/**
 * Writes a profile's samples (idle ones left out) after `afterNs`, in records of at most
 * SAMPLES_PER_RECORD; `toSessionNs` turns V8's µs times (as ns) into session times. Returns
 * the time of the last sample written.
 */
function writeSamples(
  writer: FrameWriter,
  frames: StackFrames,
  profile: Profile,
  toSessionNs: number,
  afterNs: number,
  now: () => number,
): number {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const nodes = new Map<number, ProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    nodes.set(node.id, node);
    for (const child of node.children ?? []) {
      parentOf.set(child, node.id);
    }
  }
  /** Our frame id per node id of this profile (0: an idle pseudo-frame or the root). */
  const frameOf = new Map<number, number>();
  const frameIdOf = (nodeId: number): number => {
    let id = frameOf.get(nodeId);
    if (id === undefined) {
      const node = nodes.get(nodeId);
      if (!node || IDLE_FRAMES.has(node.callFrame.functionName)) {
        id = 0;
      } else {
        const parent = parentOf.get(nodeId);
        id = frames.idOf(parent === undefined ? 0 : frameIdOf(parent), node.callFrame);
        if (node.positionTicks?.length) {
          frames.lineTicks.add(id, node.callFrame.url, frames.files[id], node.positionTicks);
        }
      }
      frameOf.set(nodeId, id);
    }
    return id;
  };
  let lastNs = afterNs;
  let batch: number[] = [];
  let batchFirstUs = 0;
  let prevStartUs = 0;
  let count = 0;
  const flushBatch = (): void => {
    if (count > 0) {
      writer.varints(Rec.StackSamples, now(), [batchFirstUs, count, ...batch]);
    }
    batch = [];
    count = 0;
  };
  let tUs = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    tUs += deltas[i] ?? 0;
    const frameId = frameIdOf(samples[i]);
    if (frameId === 0) {
      continue;
    }
    const startNs = Math.round(tUs * 1000 + toSessionNs);
    if (startNs <= afterNs) {
      continue; // Taken while the two profiles overlapped: the other one wrote it.
    }
    const nextUs = i + 1 < samples.length ? tUs + (deltas[i + 1] ?? 0) : profile.endTime;
    const durationUs = Math.min(MAX_SAMPLE_US, Math.max(0, Math.round(nextUs - tUs)));
    const startUs = Math.max(0, Math.round(startNs / 1000));
    if (count === 0) {
      batchFirstUs = startUs;
      prevStartUs = startUs;
    }
    const d = startUs - prevStartUs;
    batch.push(d >= 0 ? d * 2 : -d * 2 - 1, frameId, durationUs);
    prevStartUs = startUs;
    count++;
    lastNs = startNs;
    if (count === SAMPLES_PER_RECORD) {
      flushBatch();
    }
  }
  flushBatch();
  return lastNs;
}
