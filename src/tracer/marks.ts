/**
 * The program's own marks: `performance.mark`, `performance.measure` and `console.time` /
 * `console.timeEnd`, recorded as Mark records in the thread that made them, on the session
 * clock.
 *
 * Wrapped, not observed: a PerformanceObserver delivers entries later, in a callback of its
 * own (an async resource the tracer would have to hide, and a time that is not the caller's),
 * and Node buffers every entry for it. The wrappers run inside the caller's callback, call the
 * original first (its errors and return value are the program's own) and write one record; a
 * program that makes no marks pays two property writes at start and nothing after.
 */
import { MarkKind } from '../shared/traceFormat';
import type { FrameWriter } from './writer';

/** What the marks need from the tracer of their thread. */
export interface MarksOptions {
  writer: FrameWriter;
  /** The session clock (ns since the epoch). */
  now: () => number;
  /** False once the thread ended or the session is full. */
  isRecording: () => boolean;
  /** A mark that was not recorded (the session is full). */
  onDropped: () => void;
  /** Called after each record, with its time: the tracer flushes when one is due. */
  flushIfDue: (timeNs: number) => void;
}

/** Names longer than this are cut: a mark's name is a label, not a payload. */
const MAX_NAME_CHARS = 200;

interface PerfEntryLike {
  name?: unknown;
  startTime?: unknown;
  duration?: unknown;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps this thread's `performance.mark` / `measure` and `console.time` / `timeEnd`. */
export function installMarks(options: MarksOptions): void {
  const { writer, now, isRecording, onDropped, flushIfDue } = options;
  const perf = globalThis.performance as unknown as Record<string, unknown> | undefined;
  // performance.now() is ms since this thread's timeOrigin, on the same monotonic clock as
  // the session's: one reading of both gives the offset (to within the µs between them).
  let offsetNs = NaN;
  const perfToSessionNs = (ms: number): number => {
    if (offsetNs !== offsetNs) {
      const before = now();
      const perfMs = (perf!.now as () => number).call(perf);
      offsetNs = (before + now()) / 2 - perfMs * 1e6;
    }
    return Math.round(offsetNs + ms * 1e6);
  };
  const record = (name: unknown, startNs: number, durationNs: number, kind: number): void => {
    if (!isRecording()) {
      onDropped();
      return;
    }
    const t = now();
    const text = String(name).slice(0, MAX_NAME_CHARS);
    // A measure may end before it starts (marks given in the wrong order): keep its extent.
    const startAt = durationNs >= 0 ? startNs : startNs + durationNs;
    writer.mark(
      t,
      writer.stringId(text),
      Math.round(startAt),
      Math.round(Math.abs(durationNs)),
      kind,
    );
    flushIfDue(t);
  };
  const fromEntry = (entry: unknown, kind: number, name: unknown): void => {
    const e = entry as PerfEntryLike | undefined;
    const startMs = e && typeof e.startTime === 'number' ? e.startTime : NaN;
    const durationMs = e && typeof e.duration === 'number' ? e.duration : 0;
    if (startMs === startMs) {
      record(e!.name ?? name, perfToSessionNs(startMs), Math.round(durationMs * 1e6), kind);
    } else {
      // An old Node whose mark returns nothing: the call's own time.
      record(name, now(), 0, kind);
    }
  };

  if (perf && typeof perf.mark === 'function' && typeof perf.measure === 'function') {
    const mark = perf.mark as AnyFunction;
    const measure = perf.measure as AnyFunction;
    replace(perf, 'mark', function (this: unknown, name: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const entry = Reflect.apply(mark, this, arguments);
      fromEntry(entry, MarkKind.Mark, name);
      return entry;
    });
    replace(perf, 'measure', function (this: unknown, name: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const entry = Reflect.apply(measure, this, arguments);
      fromEntry(entry, MarkKind.Measure, name);
      return entry;
    });
  }

  const con = console as unknown as Record<string, unknown>;
  if (typeof con.time === 'function' && typeof con.timeEnd === 'function') {
    const time = con.time as AnyFunction;
    const timeEnd = con.timeEnd as AnyFunction;
    /** Start of each running console.time label, session ns. */
    const started = new Map<string, number>();
    replace(con, 'time', function (this: unknown, label?: unknown) {
      // The original first: its errors are the program's.
      // eslint-disable-next-line prefer-rest-params
      const result = Reflect.apply(time, this, arguments);
      const key = label === undefined ? 'default' : String(label);
      if (!started.has(key)) {
        started.set(key, now());
      }
      return result;
    });
    replace(con, 'timeEnd', function (this: unknown, label?: unknown) {
      // The end before the original, which prints (a write that is not the label's time).
      const endNs = now();
      // eslint-disable-next-line prefer-rest-params
      const result = Reflect.apply(timeEnd, this, arguments);
      const key = label === undefined ? 'default' : String(label);
      const startNs = started.get(key);
      if (startNs !== undefined) {
        started.delete(key);
        record(key, startNs, endNs - startNs, MarkKind.ConsoleTime);
      }
      return result;
    });
  }
}

/**
 * Puts `fn` in place of `object[key]` as an own property (Node 18's performance methods are
 * read-only on its prototype, so an assignment would throw). A program whose object refuses
 * (frozen) keeps its own methods: the tracer never stops a program.
 */
function replace(object: object, key: string, fn: AnyFunction): void {
  try {
    Object.defineProperty(object, key, {
      value: fn,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {
    // Not extensible: no marks from it.
  }
}
