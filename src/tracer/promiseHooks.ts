import { createHook, executionAsyncId, type HookCallbacks } from 'node:async_hooks';
import { Rec } from '../shared/traceFormat';
import type { FrameWriter } from './writer';

/** What the promise hooks need from the thread's tracer. */
export interface PromiseTracerContext {
  writer: FrameWriter;
  /** ns since the session epoch. */
  now(): number;
  /** The creation site of a new operation (see siteSampler.ts). */
  siteFor(typeId: number, triggerLoc: number): number;
  promiseTypeId: number;
  /** Site of the operation whose code is running, or 0. */
  siteOfExecution(): number;
  /** False while the tracer's own code runs, and once the thread ended or the session is full. */
  isRecording(): boolean;
  /** An event was not recorded. */
  onDropped(): void;
  flushIfDue(timeNs: number): void;
}

interface PromiseHooksApi {
  createHook(hooks: {
    init?: (promise: Promise<unknown>, parent?: Promise<unknown>) => void;
    before?: (promise: Promise<unknown>) => void;
    after?: (promise: Promise<unknown>) => void;
    settled?: (promise: Promise<unknown>) => void;
  }): () => void;
}

/** Our id and site on a promise object: no map to grow, nothing to clean up. */
const kId = Symbol('concurrency-visualizer.promiseId');
const kLoc = Symbol('concurrency-visualizer.promiseLoc');
type Tagged = Promise<unknown> & { [kId]?: number; [kLoc]?: number };

/** `node:v8`, loaded on first use (it costs a program that never needs it ~1.5 ms at start). */
function loadV8(): typeof import('node:v8') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:v8') as typeof import('node:v8');
}

/**
 * True where async_hooks honours `trackPromises: false` (Node 24+): probed, not guessed. The
 * probe asks whether `createHook` reads the option at all (versions without it never look at
 * it), without enabling anything: enabling a probe hook cost every thread ~0.5 ms at start.
 */
export function asyncHooksLeavesPromisesOut(): boolean {
  let asked = false;
  createHook({
    init() {},
    get trackPromises() {
      asked = true;
      return false;
    },
  } as HookCallbacks);
  // Only then is node:v8 needed (loading it costs the others ~1.5 ms at start).
  return asked && typeof (loadV8() as { promiseHooks?: unknown }).promiseHooks === 'object';
}

/**
 * Records promises through V8's promise hooks (used where async_hooks is told to leave them
 * out, Node 24+). Promises get their own ids, counted per thread (see Rec.PromiseInit); a
 * promise created before tracing or by the tracer has none and is ignored. Returns the
 * function that removes the hooks.
 */
export function installPromiseHooks(ctx: PromiseTracerContext): () => void {
  const { writer } = ctx;
  let nextId = 0;
  const api = (loadV8() as unknown as { promiseHooks: PromiseHooksApi }).promiseHooks;
  /**
   * A hook that records `kind` for a promise the tracer knows (then flushes if due). With
   * `afterAfter`, a record that directly follows a promise's After takes its time instead of
   * reading the clock (a quarter of the clock reads, which are most of a promise's cost): both
   * happen within one microtask drain, a step of V8's job loop apart (well under a µs), since
   * anything else that runs in between (a macrotask, a traced microtask) writes records first.
   */
  const reaction =
    (kind: number, flush: boolean, afterAfter = false) =>
    (promise: Tagged): void => {
      const id = promise[kId];
      if (id === undefined) {
        return;
      }
      if (!ctx.isRecording()) {
        ctx.onDropped();
        return;
      }
      if (afterAfter && writer.lastKind === Rec.PromiseAfter) {
        writer.atLastTime(kind, id);
        return;
      }
      const t = ctx.now();
      writer.event(kind, t, id);
      if (flush) {
        ctx.flushIfDue(t);
      }
    };
  return api.createHook({
    init(promise: Tagged, parent?: Tagged) {
      if (!ctx.isRecording()) {
        ctx.onDropped();
        return;
      }
      const t = ctx.now();
      const id = ++nextId;
      promise[kId] = id;
      const parentId = parent?.[kId] ?? 0;
      const triggerLoc = parent ? (parent[kLoc] ?? 0) : ctx.siteOfExecution();
      const locId = ctx.siteFor(ctx.promiseTypeId, triggerLoc);
      if (locId !== 0) {
        promise[kLoc] = locId;
      }
      writer.promiseInit(t, id, parentId, executionAsyncId(), locId);
      ctx.flushIfDue(t);
    },
    before: reaction(Rec.PromiseBefore, false, true),
    after: reaction(Rec.PromiseAfter, true),
    settled: reaction(Rec.PromiseSettled, false),
  });
}
