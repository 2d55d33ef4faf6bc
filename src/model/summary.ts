import type { TraceModel } from './traceModel';

/** One thread as `summary --json` lists it. */
export interface SummaryThread {
  pid: number;
  threadId: number;
  osTid: number;
  name: string;
  kind: 'main' | 'worker';
  /** Callbacks that ran on it. */
  callbacks: number;
  /** Max async operations in flight at once on this event loop. */
  peakInFlight: number;
  /** How it ended; absent when the trace was cut (SIGKILL, abort, lost process). */
  end?: { reason: string; exitCode?: number; signal?: string };
}

/** One long callback. */
export interface SummaryCallback {
  durationMs: number;
  type: string;
  thread: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * What `concurrency-visualizer summary --json` prints: a stable interface for scripts and CI.
 * Fields are only ever added, never renamed or removed.
 */
export interface TraceSummary {
  program: {
    command: string;
    exitCode: number | null;
    signal: string | null;
    nodeVersion: string;
    platform: string;
    cores: number;
  };
  threads: SummaryThread[];
  operationsByType: Record<string, number>;
  callbacks: number;
  peakInFlight: {
    overall: number;
    perThread: Array<{ pid: number; threadId: number; peak: number }>;
  };
  eventsRecorded: number;
  eventsDropped: number;
  callsiteCoverage: number;
  callsiteInferred: number;
  longestCallbacks: SummaryCallback[];
  truncated: boolean;
  /** Why the trace could not be read to its end, if it could not. */
  error?: string;
}

/** Resource types the tracer makes up itself: not async operations of the program. */
const SYNTHETIC = new Set(['(main script)', '(worker script)', '(before tracing)']);

/**
 * Computes the summary of a decoded trace. An operation is in flight from its creation until
 * it is destroyed, or for a promise until it is resolved (its destroy waits for the garbage
 * collector); one never ended is in flight until its thread's last event.
 */
export function summarize(model: TraceModel, decodeError?: string, topN = 10): TraceSummary {
  const root =
    model.threads.find(
      (t) => t.info.kind === 'main' && !model.threads.some((p) => p.info.pid === t.info.parentPid),
    ) ?? model.threads[0];
  const operationsByType: Record<string, number> = {};
  let nonPromise = 0;
  let located = 0;
  let inferred = 0;
  const lastNs = model.threads.map((t) => t.endNs ?? -Infinity);
  for (let s = 0; s < model.spanCount; s++) {
    const t = model.spanThread.data[s];
    const end = model.spanEndNs.data[s];
    lastNs[t] = Math.max(lastNs[t], Number.isNaN(end) ? model.spanStartNs.data[s] : end);
  }
  // In-flight intervals as +1/-1 events, per thread and overall.
  const deltas: Array<Array<[number, number]>> = model.threads.map(() => []);
  for (let r = 0; r < model.resourceCount; r++) {
    const type = model.typeOf(r);
    if (SYNTHETIC.has(type)) {
      continue;
    }
    operationsByType[type] = (operationsByType[type] ?? 0) + 1;
    if (type !== 'PROMISE') {
      nonPromise++;
      const loc = model.locationOf(r);
      if (loc) {
        located++;
        if (loc.inferred) {
          inferred++;
        }
      }
    }
    const thread = model.resThread.data[r];
    const start = model.resInitNs.data[r];
    const destroy = model.resDestroyNs.data[r];
    const resolve = model.resResolveNs.data[r];
    let end = type === 'PROMISE' && !Number.isNaN(resolve) ? resolve : destroy;
    if (Number.isNaN(end)) {
      end = Math.max(start, lastNs[thread]);
    }
    deltas[thread].push([start, 1], [end, -1]);
  }
  const peak = (events: Array<[number, number]>): number => {
    // Ends before starts at the same instant: back-to-back operations do not overlap.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let max = 0;
    for (const [, d] of events) {
      live += d;
      max = Math.max(max, live);
    }
    return max;
  };
  const perThreadPeak = deltas.map((d) => peak(d.slice()));
  const overall = peak(deltas.flat());

  const threadName = (i: number): string => {
    const t = model.threads[i];
    return `${t.info.name} (pid ${t.info.pid}, thread ${t.info.threadId})`;
  };
  const order = Array.from({ length: model.spanCount }, (_, s) => s)
    .filter((s) => !Number.isNaN(model.spanEndNs.data[s]))
    .sort(
      (a, b) =>
        model.spanEndNs.data[b] -
        model.spanStartNs.data[b] -
        (model.spanEndNs.data[a] - model.spanStartNs.data[a]),
    )
    .slice(0, topN);
  const longestCallbacks = order.map((s): SummaryCallback => {
    const res = model.spanRes.data[s];
    const loc = model.locationOf(res);
    return {
      durationMs: round3((model.spanEndNs.data[s] - model.spanStartNs.data[s]) / 1e6),
      type: model.typeOf(res),
      thread: threadName(model.spanThread.data[s]),
      ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
    };
  });

  const rootEnd = root?.end;
  return {
    program: {
      command: root ? root.info.argv.join(' ') : '',
      exitCode: rootEnd?.exitCode ?? null,
      signal: rootEnd?.signal ?? null,
      nodeVersion: root?.info.nodeVersion ?? '',
      platform: root?.info.platform ?? '',
      cores: root?.info.cores ?? 0,
    },
    threads: model.threads.map((t, i) => ({
      pid: t.info.pid,
      threadId: t.info.threadId,
      osTid: t.info.osTid,
      name: t.info.name,
      kind: t.info.kind,
      callbacks: t.spanCount,
      peakInFlight: perThreadPeak[i],
      ...(t.end ? { end: t.end } : {}),
    })),
    operationsByType,
    callbacks: model.spanCount,
    peakInFlight: {
      overall,
      perThread: model.threads.map((t, i) => ({
        pid: t.info.pid,
        threadId: t.info.threadId,
        peak: perThreadPeak[i],
      })),
    },
    eventsRecorded: model.eventCount,
    eventsDropped: model.threads.reduce((n, t) => n + t.dropped, 0),
    callsiteCoverage: nonPromise ? round3(located / nonPromise) : 1,
    callsiteInferred: nonPromise ? round3(inferred / nonPromise) : 0,
    longestCallbacks,
    truncated: decodeError !== undefined || model.threads.some((t) => !t.end),
    ...(decodeError !== undefined ? { error: decodeError } : {}),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The summary as text for people. */
export function formatSummary(s: TraceSummary): string {
  const lines: string[] = [];
  const status = s.program.signal
    ? `killed by ${s.program.signal}`
    : `exit code ${s.program.exitCode ?? '?'}`;
  lines.push(`${s.program.command || '(unknown command)'}`);
  lines.push(
    `  Node ${s.program.nodeVersion} on ${s.program.platform}, ${s.program.cores} cores, ${status}`,
  );
  lines.push('');
  lines.push(`Threads (${s.threads.length}):`);
  for (const t of s.threads) {
    const end = t.end ? t.end.reason : 'cut off (no end record)';
    lines.push(
      `  ${t.name.padEnd(18)} pid ${t.pid} thread ${t.threadId} tid ${t.osTid}: ${t.callbacks} callbacks, peak ${t.peakInFlight} in flight, ${end}`,
    );
  }
  lines.push('');
  lines.push(`Operations by type:`);
  for (const [type, n] of Object.entries(s.operationsByType).sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${type.padEnd(22)} ${n}`);
  }
  lines.push('');
  lines.push(`Callbacks: ${s.callbacks}; peak operations in flight: ${s.peakInFlight.overall}`);
  lines.push(
    `Events: ${s.eventsRecorded} recorded, ${s.eventsDropped} dropped; creation sites for ${(s.callsiteCoverage * 100).toFixed(1)}% of non-promise operations (${(s.callsiteInferred * 100).toFixed(1)}% inferred)`,
  );
  lines.push('');
  lines.push('Longest callbacks:');
  for (const c of s.longestCallbacks) {
    const where = c.file ? `${c.file}:${c.line}:${c.column}` : '(no creation site)';
    lines.push(
      `  ${c.durationMs.toFixed(3).padStart(10)} ms  ${c.type.padEnd(18)} ${where}  [${c.thread}]`,
    );
  }
  if (s.truncated) {
    lines.push('');
    lines.push(
      s.error
        ? `The trace is damaged: ${s.error}. Everything before that point is summarized above.`
        : 'The trace was cut off: a thread or process ended without writing its end (SIGKILL, abort or a lost process).',
    );
  }
  return lines.join('\n');
}
