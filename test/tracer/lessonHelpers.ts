// Helpers of test/tracer/lessons.test.ts: record a lesson the way `concurrency-visualizer
// record` does (tracer and /proc sampler) and read the figures its trace must show.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceDecoder } from '../../src/model/decoder';
import { summarize, type TraceSummary } from '../../src/model/summary';
import { classifyOsThreads } from '../../src/model/threadKinds';
import { TraceModel } from '../../src/model/traceModel';
import { buildCli, linesContaining, ROOT, scratchDir } from './helpers';
import { assertFiguresAgree } from '../unit/figuresAgree';
import { busyWindow } from './samples';

export const LESSONS = path.join(ROOT, 'examples', 'lessons');

/** A lesson recorded through the CLI. */
export interface Recorded {
  file: string;
  model: TraceModel;
  summary: TraceSummary;
  stdout: string;
  stderr: string;
  /** Cores other processes kept busy during the recording (from /proc/stat), for context. */
  othersCores: number;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number);
  const busy = user + nice + system + irq + softirq + (steal || 0);
  return { busy, total: busy + idle + (iowait || 0) };
}

/** Records a lesson through the CLI; `status` is the exit status the lesson must end with. */
export function record(name: string, env: NodeJS.ProcessEnv = {}, status = 0): Recorded {
  const file = path.join(LESSONS, name);
  const out = path.join(scratchDir(), 'lesson.cvtrace');
  const before = machineJiffies();
  const r = spawnSync(
    process.execPath,
    [buildCli(), 'record', '--out', out, '--', process.execPath, file],
    { cwd: LESSONS, encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env } },
  );
  const after = machineJiffies();
  assert.equal(r.status, status, r.stderr);
  const model = new TraceModel();
  new TraceDecoder(model).pushFile(fs.readFileSync(out));
  const summary = summarize(model);
  // Every lesson's figures agree with each other (issue #21).
  assertFiguresAgree(model, summary, name);
  // The machine's busy cores over the run, less the program's own CPU over its traced span.
  const cores = summary.cores.machine;
  const machineCores = ((after.busy - before.busy) / (after.total - before.total || 1)) * cores;
  const wallNs = model.endNs - model.startNs;
  const ownCores = wallNs > 0 ? model.os.threads.reduce((n, t) => n + t.runNs, 0) / wallNs : 0;
  const othersCores = Math.max(0, machineCores - ownCores);
  return { file, model, summary, stdout: r.stdout, stderr: r.stderr, othersCores };
}

/** Cores left to the program by other processes, at most `wanted`. */
export function freeCores(run: Recorded, wanted: number): number {
  return Math.max(0, Math.min(wanted, run.summary.cores.machine - run.othersCores));
}

/** The number printed after `label` in the program's output (e.g. "in 201 ms"). */
export function printed(stdout: string, pattern: RegExp): number {
  const m = pattern.exec(stdout);
  assert.ok(m, `${pattern} not in output:\n${stdout}`);
  return Number(m[1]);
}

/** Resources created on `line` of the lesson (any type, or the given ones). */
export function createdAt(run: Recorded, line: number, types?: string[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < run.model.resourceCount; r++) {
    const loc = run.model.locationOf(r);
    if (
      loc?.file === run.file &&
      loc.line === line &&
      (!types || types.includes(run.model.typeOf(r)))
    ) {
      out.push(r);
    }
  }
  return out.sort((a, b) => run.model.resInitNs.data[a] - run.model.resInitNs.data[b]);
}

/** The resources created on the one line containing `text`. */
export function createdAtText(run: Recorded, text: string, types?: string[]): number[] {
  const lines = linesContaining(run.file, text);
  assert.equal(lines.length, 1, `one line with ${text}`);
  return createdAt(run, lines[0], types);
}

/** True for an operation created by an HTTP server's request handler. */
export function inRequestHandler(model: TraceModel, r: number): boolean {
  const trigger = model.resTrigger.data[r];
  return trigger >= 0 && model.typeOf(trigger) === 'HTTPINCOMINGMESSAGE';
}

/** An operation's wait: from its creation to its first callback. */
export function waitOf(model: TraceModel, r: number): [number, number] {
  const first = model.firstRunNs(r);
  assert.ok(!Number.isNaN(first), `operation ${model.typeOf(r)} never ran`);
  return [model.resInitNs.data[r], first];
}

/** True when every interval shares one moment. */
export function allOverlap(intervals: Array<[number, number]>): boolean {
  return Math.max(...intervals.map((i) => i[0])) < Math.min(...intervals.map((i) => i[1]));
}

/** True when no two intervals overlap. */
export function noneOverlap(intervals: Array<[number, number]>): boolean {
  const sorted = intervals.slice().sort((a, b) => a[0] - b[0]);
  return sorted.every((iv, i) => i === 0 || iv[0] >= sorted[i - 1][1]);
}

/** Top-level callback spans of a JS thread, in order. */
export function topSpans(model: TraceModel, thread: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < model.spanCount; s++) {
    if (model.spanThread.data[s] === thread && model.spanDepth.data[s] === 0) {
      out.push([model.spanStartNs.data[s], model.spanEndNs.data[s]]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Index of the root process's main JS thread. */
export function mainThread(model: TraceModel): number {
  const i = model.threads.findIndex((t) => t.info.kind === 'main' && t.info.threadId === 0);
  assert.ok(i >= 0);
  return i;
}

/** Run time of some OS threads over a window, ns (samples prorated). */
export function runIn(
  model: TraceModel,
  osThreads: number[],
  fromNs: number,
  toNs: number,
): number {
  const os = model.os;
  let runNs = 0;
  for (let s = 0; s < os.sampleCount; s++) {
    if (!osThreads.includes(os.sampleThread.data[s])) {
      continue;
    }
    const start = os.sampleStartNs.data[s];
    const end = os.sampleEndNs.data[s];
    const overlap = Math.min(end, toNs) - Math.max(start, fromNs);
    if (overlap > 0) {
      runNs += (os.sampleRunNs.data[s] * overlap) / (end - start);
    }
  }
  return runNs;
}

/** OS-thread indices of the traced worker threads, in the order the workers started. */
export function workerOsThreads(model: TraceModel): number[] {
  const classes = classifyOsThreads(model);
  return classes
    .flatMap((c, i) => (c.kind === 'worker' && c.jsThread >= 0 ? [i] : []))
    .sort(
      (a, b) =>
        model.threads[classes[a].jsThread].info.threadId -
        model.threads[classes[b].jsThread].info.threadId,
    );
}

/** The window in which all the given OS threads were busy together. */
export function together(model: TraceModel, osThreads: number[]): [number, number] {
  const windows = osThreads.map((t) => busyWindow(model, t));
  return [Math.max(...windows.map((w) => w[0])), Math.min(...windows.map((w) => w[1]))];
}

export const ms = (ns: number): string => `${(ns / 1e6).toFixed(0)} ms`;
export const log = (text: string): void => console.log(`      ${text}`);

/**
 * Asserts the lesson printed the role of every worker it traced ("worker 2: roast"); returns
 * the roles in the order the workers started (thread id).
 */
export function assertRolesPrinted(run: Recorded): string[] {
  const workers = run.model.threads
    .filter((t) => t.info.kind === 'worker')
    .sort((a, b) => a.info.threadId - b.info.threadId);
  assert.ok(workers.length > 0, 'the lesson starts workers');
  return workers.map((t) => {
    const m = new RegExp(`^worker ${t.info.threadId}: (.+)$`, 'm').exec(run.stdout);
    assert.ok(m, `no role printed for worker ${t.info.threadId}:\n${run.stdout}`);
    return m[1];
  });
}

/** Every callback run of one operation, [start, end] in time order. */
export function spansOf(model: TraceModel, r: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = model.resFirstSpan.data[r]; s >= 0; s = model.spanNextOfRes.data[s]) {
    out.push([model.spanStartNs.data[s], model.spanEndNs.data[s]]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
