/**
 * The trace format, version 2: what the tracer writes, the extension tails and the viewer reads.
 *
 * One format on disk and on the wire. A trace is a file header followed by frames:
 *
 *   file   := header frame*
 *   header := "CVTR" (4 bytes) version:u16le flags:u16le                       (8 bytes)
 *   frame  := payloadBytes:u32le pid:u32le threadId:u32le seq:u32le crc:u32le payload
 *                                                                               (20 + n bytes)
 *
 * `seq` counts the frames of one stream from 0 (a reader finds a lost or repeated frame); `crc`
 * is the CRC-32 (IEEE, as zlib's) of the header's first 16 bytes followed by the payload, so a
 * flipped byte anywhere in a frame is found before any of its records is believed. Version 1
 * frames had only the first three fields (12 bytes) and no checksum; readers still open them.
 *
 * Every JS thread (main, each worker, each child Node process) writes its own stream of frames
 * to its own file (`<pid>-<threadId>.cvt` in the session folder, frames only, no header); a
 * saved trace is the header followed by all streams' frames, in any interleaving, as long as
 * the frames of one stream stay in order.
 *
 * A payload is a sequence of records, each `kind:u8` followed by its fields. Integers are
 * unsigned LEB128 varints ("uv") or zigzag varints ("zv"). Times are nanoseconds since the
 * session epoch (`process.hrtime` of the launcher, one clock for every thread and process);
 * every record that has a time stores `dt`, the delta to the previous time in the same stream.
 * Each frame restarts the delta at 0, so a frame decodes with only the stream's string and
 * location tables. Strings and locations are defined once per stream before their first use.
 *
 * Why this shape: a callback enter/exit costs 1 + ~2 + ~2 bytes, an init ~10 bytes; the frame
 * header and its checksum are amortised over up to 64 KiB of records.
 */
import { crc32 } from './crc32';

/** The file header's first 4 bytes. */
export const TRACE_MAGIC = [0x43, 0x56, 0x54, 0x52] as const; // "CVTR"
/** Format version: bump on any incompatible change of a record layout. */
export const TRACE_VERSION = 2;
/** Bytes of the file header. */
export const FILE_HEADER_BYTES = 8;
/** Bytes of a frame header (version 2: length, pid, threadId, seq, crc). */
export const FRAME_HEADER_BYTES = 20;
/** Bytes of a version 1 frame header (length, pid, threadId; no seq, no checksum). */
export const FRAME_HEADER_BYTES_V1 = 12;
/** Upper bound of a frame payload a reader accepts; larger lengths mean corruption. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

/**
 * Fills in the version 2 header of the frame at `bytes[0 .. 20 + payloadBytes)`: its length,
 * stream, sequence number and the checksum over all of it. The one place every writer (tracer,
 * worker rescue, sampler, test fixtures) seals a frame, so they cannot disagree.
 */
export function sealFrame(
  bytes: Uint8Array,
  payloadBytes: number,
  pid: number,
  threadId: number,
  seq: number,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(0, payloadBytes, true);
  view.setUint32(4, pid, true);
  view.setUint32(8, threadId, true);
  view.setUint32(12, seq >>> 0, true);
  view.setUint32(16, frameCrc(bytes, payloadBytes), true);
}

/** The checksum a version 2 frame at `bytes[0 ..]` must carry (header's first 16 bytes, payload). */
export function frameCrc(bytes: Uint8Array, payloadBytes: number): number {
  return crc32(
    bytes.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + payloadBytes),
    crc32(bytes.subarray(0, 16)),
  );
}

/** Record kinds. Each comment gives the fields after the kind byte. */
export const Rec = {
  /** `dt:uv asyncId:uv triggerDelta:zv execDelta:zv type:uv(string id) loc:uv(location id, 0 = none)`
   * An async operation was created. `triggerDelta = asyncId - triggerAsyncId`,
   * `execDelta = asyncId - executionAsyncId` (the operation whose code was running). */
  Init: 1,
  /** `dt:uv asyncId:uv` A callback of the operation starts running. */
  Before: 2,
  /** `dt:uv asyncId:uv` That callback returned. */
  After: 3,
  /** `dt:uv asyncId:uv` A promise was resolved. */
  PromiseResolve: 4,
  /** `dt:uv asyncId:uv` The operation was destroyed (for promises: garbage collected). */
  Destroy: 5,
  /** `id:uv byteLength:uv utf8` Defines string `id` (ids start at 1 in each stream). */
  String: 6,
  /** `id:uv file:uv(string id) line:uv column:uv flags:u8` Defines location `id` (from 1).
   * flags bit 0: inferred from the trigger chain rather than captured from a stack. */
  Location: 7,
  /** `dt:uv byteLength:uv utf8(JSON ThreadInfo)` First record of every stream. */
  Thread: 8,
  /** `dt:uv byteLength:uv utf8(JSON ThreadEnd)` The thread (or process) is ending. */
  End: 9,
  /** `dt:uv count:uv` Events that were not recorded (counted, never hidden). */
  Dropped: 10,
  /** `dt:uv asyncId:uv threadId:uv` This thread started worker `threadId`; its WORKER
   * operation is `asyncId` (so the worker's lane knows its parent and creation site). */
  Spawn: 11,
  // Kinds 12-15 are written by the sampler (src/sampler/), never by a tracer: OS threads and CPU
  // time read from /proc from outside the program. Its stream has the sampler's own pid and the
  // reserved threadId SAMPLER_THREAD_ID in its frame headers, and no Thread record.
  /** `dt:uv pid:uv tid:uv ppid:uv byteLength:uv utf8(comm)` OS thread `tid` of process `pid`
   * (whose parent is `ppid`) was found, or renamed (the same tid again with its new comm). */
  OsThread: 12,
  /** `dt:uv tid:uv periodNs:uv runNs:uv waitNs:uv cpu:uv state:u8` During the `periodNs`
   * before this record's time, thread `tid` ran `runNs` on a CPU and waited `waitNs` in a run
   * queue for one (schedstat deltas); `cpu` is the core it last ran on (stat field 39),
   * `state` its ASCII state letter (R, S, D...). Written only for periods in which the thread
   * ran or waited: no sample means idle. */
  CpuSample: 13,
  /** `dt:uv tid:uv` OS thread `tid` is gone (its /proc entry vanished). */
  OsThreadExit: 14,
  /** `dt:uv byteLength:uv utf8(JSON SamplerInfo)` What the sampler could do and what it cost:
   * written when it starts and again, with final figures, when it stops (the last one wins). */
  SamplerInfo: 15,
  /** `dt:uv periodNs:uv busyNs:uv` The whole machine (every process, ours included) kept its
   * cores busy `busyNs` in all during the `periodNs` before this record's time (Linux
   * /proc/stat's first line: every field but idle and iowait, as a share of all). Written by the
   * sampler's ticks, on its clock, once at least a few jiffies per core have passed (/proc/stat
   * counts in 10 ms jiffies: a 7 ms period would read 0 or 1). Readers before it stop at it;
   * readers since accept traces without it. */
  MachineCpu: 16,
  /** `dt:uv id:uv parentDelta:uv execId:uv loc:uv` A promise was created (promise hooks, Node
   * 24+, where async_hooks leaves promises out). Promises have their own id space: `id` counts
   * from 1 per thread; the model files them under asyncId `-id`. `parentDelta = id - parentId`
   * for a promise chained on another (0: none; its trigger is then `execId`). */
  PromiseInit: 20,
  /** `dt:uv id:uv` A reaction of promise `id` starts running. */
  PromiseBefore: 21,
  /** `dt:uv id:uv` That reaction returned. */
  PromiseAfter: 22,
  /** `dt:uv id:uv` Promise `id` was resolved or rejected. */
  PromiseSettled: 23,
  /** `dt:uv cpuNs:uv periodNs:uv flags:u8` Where no sampler reads /proc (macOS, Windows), the
   * tracer's own estimate: CPU time this thread used in the `periodNs` before `dt`, from
   * `process.threadCpuUsage()` (Node 22+); flags bit 0: the figure is the whole process's
   * (`process.cpuUsage()`, older Node on the main thread). Written about every 100 ms. */
  ThreadCpu: 24,
  /** `dt:uv keptNs:uv` The flight recorder (`record --ring`) let every earlier event of this
   * stream go: what follows is the last `keptNs` of it (the ring's window) up to the stream's
   * end. First record of a stream's first kept frame (its seq is then not 0); the stream's
   * Thread record and the strings and locations its later frames use are written again after
   * it. Readers before it stop at it. */
  Discarded: 30,
  /** `dt:uv name:uv(string id) startBackNs:zv durationNs:uv kind:u8` The program's own mark
   * (`performance.mark`), measure (`performance.measure`) or `console.time`/`timeEnd` span
   * (kind: MarkKind), written when the call returned: it starts `startBackNs` before the
   * record's time (a measure may start earlier, a mark given a startTime even later) and lasts
   * `durationNs` (0 for a mark). Readers before it stop at it. */
  Mark: 25,
  /** (no fields) First record of a frame whose records continue the stream's previous frame:
   * their deltas start from the time of that frame's last record, not from 0. Written when the
   * tracer's live-flush thread wrote the first part of a frame that its blocked owner had not
   * flushed (see src/tracer/liveFlush.ts). Readers before it stop at it. */
  Continue: 32,
  /** `file:uv(string id) firstLine:uv count:uv (byteLength:uv utf8)*count` Lines `firstLine`..
   * of `file` (1-based), read when the trace was saved (`record --embed-sources`), so that a
   * viewer without the file still shows the code around a creation site. Written in the stream
   * of SOURCES_THREAD_ID (pid 0, no Thread record). Readers before it stop at it. */
  SourceLines: 34,
  // Kinds 26-28: sampled JavaScript stacks (src/tracer/profiler.ts), written in batches about
  // once a second and at the thread's end, never per sample. Readers before them stop at them;
  // readers since accept traces without them.
  /** `id:uv parent:uv(frame id, 0 = a root) name:uv(string id) file:uv(string id) line:uv
   * column:uv` Defines stack frame `id` (from 1 in each stream): a function at a 1-based
   * line and column (0: unknown; source-mapped where the program has maps), called from
   * frame `parent`. One id per distinct path from the root, like a profile's nodes. */
  StackFrame: 26,
  /** `dt:uv firstUs:uv count:uv (startDeltaUs:zv frameId:uv durationUs:uv)*count` Sampled
   * stacks: sample i started `startDeltaUs` after the previous one's start (the first after
   * `firstUs`, µs since the session epoch) and stood for the thread's next `durationUs`; its
   * stack is frame `frameId` (the leaf) and its parents. Idle samples are left out. */
  StackSamples: 27,
  /** `dt:uv byteLength:uv utf8(JSON StackInfo)` Whether this thread's stacks are sampled, at
   * what interval, and why not when they are not (the program runs its own profiler). Written
   * again after each batch of samples with `lineTicks` (the same on/intervalUs): the source
   * lines of that batch's leaf frames, from V8's per-node line ticks (readers before ignore it). */
  StackInfo: 28,
  /** `dt:uv asyncId:uv delayUs:uv` Timer `asyncId` (a Timeout, created by the Init just
   * before) fires `delayUs` microseconds after it is armed (`setTimeout`'s delay; a repeating
   * one after each run): when it falls due, so a late timer's delay is known. Written at the
   * Init's time (dt 0). Readers before it stop at it; readers since accept traces without it. */
  TimerDelay: 36,
} as const;

/** What a Mark record is: its kind byte. */
export const MarkKind = {
  /** `performance.mark(name)`: a point in time. */
  Mark: 0,
  /** `performance.measure(name, ...)`: a span. */
  Measure: 1,
  /** `console.time(label)` to `console.timeEnd(label)`: a span. */
  ConsoleTime: 2,
} as const;

/** A record kind. */
export type RecKind = (typeof Rec)[keyof typeof Rec];

/** Location flags. */
export const LocFlag = {
  /** Filled in from the trigger chain, not captured from the stack. */
  Inferred: 1,
} as const;

/** ThreadCpu flags. */
export const ThreadCpuFlag = {
  /** The figure is the whole process's (`process.cpuUsage()`), not this thread's. */
  WholeProcess: 1,
} as const;

/** A CpuSample's state byte for a thread running or ready to run: /proc's 'R'. */
export const THREAD_STATE_RUNNING = 0x52;

/** What one CpuSample record holds: OS thread `tid` over the `periodNs` before `timeNs`. */
export interface CpuSample {
  /** End of the period, ns since the session epoch. */
  timeNs: number;
  /** OS thread id. */
  tid: number;
  periodNs: number;
  /** Time it ran on a core during the period. */
  runNs: number;
  /** Time it waited in a run queue for a core during the period. */
  waitNs: number;
  /** The core it last ran on. */
  cpu: number;
  /** Its state letter in /proc's stat as a char code (THREAD_STATE_RUNNING: 'R'). */
  state: number;
}

/** What one MachineCpu record holds: the machine's busy core time over the `periodNs` before `timeNs`. */
export interface MachineCpu {
  /** End of the period, ns since the session epoch. */
  timeNs: number;
  periodNs: number;
  /** Core time busy over the period, all cores and all processes together. */
  busyNs: number;
}

/** What a stream says about its thread, once, in its Thread record. */
export interface ThreadInfo {
  /** OS process id. */
  pid: number;
  /** Node's `worker_threads.threadId` (0 for the main thread). */
  threadId: number;
  /** OS thread id (Linux `/proc/thread-self`), or -1 where unknown. */
  osTid: number;
  /** 'main' for a process's main thread, 'worker' for a worker thread. */
  kind: 'main' | 'worker';
  /** The worker's name (`new Worker(f, { name })`), the script, or 'main'. */
  name: string;
  /** Parent process id (for child processes) or the parent thread's id (for workers). */
  parentPid: number;
  /** For workers: the threadId of the thread that created it. */
  parentThreadId: number;
  /** `process.version`. */
  nodeVersion: string;
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** Logical cores (`os.availableParallelism()` or `os.cpus().length`). */
  cores: number;
  /** The process's argv (main threads only). */
  argv: string[];
  /** Time of the tracer's start in this thread, ns since the session epoch. */
  startNs: number;
  /**
   * Main threads on Linux: the process's other OS threads when the tracer started (before the
   * main script), in tid order: V8's platform threads and the inspector's signal thread, born
   * at start-up; the evidence that names them on Node 18 and 20 (empty where not read).
   */
  startTids?: number[];
  /** Main threads: libuv's threadpool size as the process's environment set it (1 to 1024). */
  threadpoolSize?: number;
  /** Main threads: V8's platform worker threads (`--v8-pool-size`, else 4). */
  v8PoolSize?: number;
  /** libuv's threadpool size as UV_THREADPOOL_SIZE set it when the tracer started (main
   * threads; absent when unset, in workers and in older traces). The program may still change
   * it before its first threadpool request. */
  uvThreadpoolSize?: number;
}

/** What a StackInfo record says about a thread's sampled stacks. */
export interface StackInfo {
  /** True when the thread's stacks are sampled. */
  on: boolean;
  /** The sampling interval asked for, µs. */
  intervalUs: number;
  /** Why stacks are not sampled, for people. */
  reason?: string;
  /**
   * The batch just written: triplets (frame id, 1-based line, ticks), how many of the batch's
   * samples whose leaf was that frame were on that line (V8 counts lines per profile node, not
   * per sample). At most STACK_LINE_TICKS_PER_RECORD triplets a record; absent in older traces.
   */
  lineTicks?: number[];
}

/** Most (frame, line, ticks) triplets one StackInfo record carries (a checked list's bound). */
export const STACK_LINE_TICKS_PER_RECORD = 1365;

/** Why and how a thread ended, in its End record. */
export interface ThreadEnd {
  /** 'exit' (return or process.exit), 'signal', 'uncaught', 'worker-exit' (a worker ended by
   * itself), 'terminated' (worker.terminate()), 'process-exit' (a worker killed by its process
   * ending; these two are written by another thread on the worker's behalf). */
  reason: string;
  /** Exit code, where known. */
  exitCode?: number;
  /** Signal name (e.g. 'SIGINT') when the end was caused by one. */
  signal?: string;
  /**
   * Linux: when this thread made its first threadpool request (ns since the epoch) and the
   * process's OS threads just before it (tid order): libuv's pool is born at the process's
   * first request, so the threads born after the earliest such list and in a burst are it.
   */
  requestNs?: number;
  requestTids?: number[];
  /** Main threads: the native addons (.node files, base names) the process loaded. */
  nativeAddons?: string[];
}

/** The name of the file a stream writes in the session folder. */
export function streamFileName(pid: number, threadId: number): string {
  return `${pid}-${threadId}.cvt`;
}

/** The threadId in the frame headers of the sampler's stream (no JS thread has it). */
export const SAMPLER_THREAD_ID = 0xffffffff;
/** The threadId in the frame headers of the embedded source lines' stream (pid 0). */
export const SOURCES_THREAD_ID = 0xfffffffe;
/** The sampler's stream file in the session folder. */
export const SAMPLER_FILE_NAME = 'sampler.cvt';

/** What the sampler says about itself, in its SamplerInfo records. */
export interface SamplerInfo {
  /** `process.platform` of the machine that sampled. */
  platform: string;
  /** True when OS threads were sampled (Linux /proc); false: no thread or core lanes. */
  available: boolean;
  /** True when the figures are estimates rather than measurements (no /proc). */
  estimate: boolean;
  /** Why sampling is unavailable or degraded, for people. */
  reason?: string;
  /** Logical cores of the machine. */
  cores: number;
  /** The sampling period asked for, ns. */
  intervalNs: number;
  /** Process id of the program the sampler followed (its descendants are followed too). */
  rootPid: number;
  /** Sampling ticks so far. */
  samples: number;
  /** CPU time of the sampling ticks (its own thread's schedstat around each tick), ns. */
  busyNs: number;
  /** CPU time of the whole host process (`process.cpuUsage`) while sampling, ns. */
  hostCpuNs: number;
  /** From the first tick to the last, ns. */
  wallNs: number;
  /** True in the record written when the sampler stopped. */
  final: boolean;
}

// Validation of the JSON records, for readers: a trace is untrusted input. Each reader gets a
// fresh object with only the known fields, each of its declared type; a field that is absent or
// null takes a default (older traces lack some), one of the wrong type is an error.

/** Most thread ids a Thread record's startTids may list (a corrupt one cannot cost more). */
const MAX_LISTED_TIDS = 4096;

/** Most logical cores a reader believes (Linux's own limit): core lanes are drawn per core. */
export const MAX_CORES = 8192;

type FieldKind =
  'string' | 'int' | 'count' | 'number' | 'boolean' | 'strings' | 'cores' | 'code' | 'counts';

/** Checks `value` against `fields`; returns the checked copy or what is wrong with it. */
function checkRecord<T>(
  what: string,
  value: unknown,
  fields: Record<string, [FieldKind, unknown]>,
): T | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${what} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`;
  }
  const out: Record<string, unknown> = {};
  for (const [name, [kind, fallback]] of Object.entries(fields)) {
    const v = Object.prototype.hasOwnProperty.call(value, name)
      ? (value as Record<string, unknown>)[name]
      : undefined;
    // null is absent: JSON writes NaN and Infinity as null (a sampler that never ticked).
    if (v === undefined || v === null) {
      if (fallback !== undefined) {
        out[name] = Array.isArray(fallback) ? [...fallback] : fallback;
      }
      continue;
    }
    if (!fieldOk(kind, v)) {
      return `${what}'s ${name} is not ${FIELD_NAMES[kind]}`;
    }
    out[name] =
      kind === 'strings' || kind === 'counts'
        ? [...(v as unknown[])]
        : kind === 'code'
          ? Number(v)
          : v;
  }
  return out as T;
}

const FIELD_NAMES: Record<FieldKind, string> = {
  string: 'a string',
  int: 'an integer',
  count: 'a whole number',
  number: 'a finite number',
  boolean: 'true or false',
  strings: 'a list of strings',
  cores: `a number of cores (0 to ${MAX_CORES})`,
  code: 'an exit code',
  counts: 'a list of whole numbers',
};

function fieldOk(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return Number.isSafeInteger(v);
    case 'count':
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
    case 'cores':
      return Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_CORES;
    case 'counts':
      return (
        Array.isArray(v) &&
        v.length <= MAX_LISTED_TIDS &&
        v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)
      );
    case 'code':
      // Node 18 let process.exitCode be a string of digits, and 'exit' passes it on.
      return Number.isSafeInteger(typeof v === 'string' && /^-?\d{1,10}$/.test(v) ? Number(v) : v);
  }
}

/** A Thread record's JSON, checked (`pid` and `threadId` default to the frame's), or the problem. */
export function checkThreadInfo(
  value: unknown,
  pid: number,
  threadId: number,
): ThreadInfo | string {
  const info = checkRecord<ThreadInfo>('the thread record', value, {
    pid: ['int', pid],
    threadId: ['int', threadId],
    osTid: ['int', -1],
    kind: ['string', threadId === 0 ? 'main' : 'worker'],
    name: ['string', threadId === 0 ? 'main' : `worker ${threadId}`],
    parentPid: ['int', -1],
    parentThreadId: ['int', -1],
    nodeVersion: ['string', ''],
    platform: ['string', ''],
    arch: ['string', ''],
    cores: ['cores', 0],
    argv: ['strings', []],
    startNs: ['number', NaN],
    startTids: ['counts', undefined],
    threadpoolSize: ['count', undefined],
    v8PoolSize: ['count', undefined],
    uvThreadpoolSize: ['count', undefined],
  });
  if (typeof info !== 'string' && info.kind !== 'main' && info.kind !== 'worker') {
    return `the thread record's kind is not "main" or "worker"`;
  }
  return info;
}

/** An End record's JSON, checked, or the problem. */
export function checkThreadEnd(value: unknown): ThreadEnd | string {
  return checkRecord<ThreadEnd>('the end record', value, {
    reason: ['string', 'unknown'],
    exitCode: ['code', undefined],
    signal: ['string', undefined],
    requestNs: ['number', undefined],
    requestTids: ['counts', undefined],
    nativeAddons: ['strings', undefined],
  });
}

/** A SamplerInfo record's JSON, checked, or the problem. */
export function checkSamplerInfo(value: unknown): SamplerInfo | string {
  return checkRecord<SamplerInfo>('the sampler record', value, {
    platform: ['string', ''],
    available: ['boolean', false],
    estimate: ['boolean', true],
    reason: ['string', undefined],
    cores: ['cores', 0],
    intervalNs: ['number', 0],
    rootPid: ['int', -1],
    samples: ['count', 0],
    busyNs: ['number', 0],
    hostCpuNs: ['number', 0],
    wallNs: ['number', 0],
    final: ['boolean', false],
  });
}

/** A StackInfo record's JSON, checked, or the problem. */
export function checkStackInfo(value: unknown): StackInfo | string {
  return checkRecord<StackInfo>('the stack record', value, {
    on: ['boolean', false],
    intervalUs: ['count', 0],
    reason: ['string', undefined],
    lineTicks: ['counts', undefined],
  });
}
