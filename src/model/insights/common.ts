/** Small helpers shared by the finders of src/model/insights/: rounding, words, positions. */
import type { RelatedPosition } from '../../shared/insights';
import type { TraceModel } from '../traceModel';

/** Resource types the tracer makes up itself: not operations of the program. */
export function isSyntheticType(type: string): boolean {
  return type.startsWith('(');
}

/** Types that run inside the callback that queued them (same turn): never held up by it. */
export function isSameTurnType(type: string): boolean {
  return type === 'PROMISE' || type === 'TickObject' || type === 'Microtask';
}

/** ms with two decimals: figures stay readable in JSON and stable in tests. */
export function roundMs(ns: number): number {
  return Math.round(ns / 1e4) / 100;
}

/** A duration for a sentence: whole ms from 10 ms, one decimal below. */
export function msText(ms: number): string {
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** The creation site of an operation as a related position, if it has one. */
export function positionOf(
  model: TraceModel,
  res: number,
  text: string,
): RelatedPosition | undefined {
  const loc = model.locationOf(res);
  return loc ? { file: loc.file, line: loc.line, column: loc.column, text } : undefined;
}

/** A thread's name for sentences: 'main' or the worker's name, with its pid when several ran. */
export function threadLabel(model: TraceModel, t: number): string {
  const info = model.threads[t].info;
  const pids = new Set(model.threads.map((row) => row.info.pid));
  return pids.size > 1 ? `${info.name} (pid ${info.pid})` : info.name;
}
