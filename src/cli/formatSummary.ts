import type { TraceSummary } from '../model/summary';
import { starvationText } from '../model/verdict';
import { delayedLines, findingLines } from './formatInsights';

/** The summary as text for people (trace strings raw: the caller makes them terminal-safe). */
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
  if (!s.threads.length) {
    lines.push(
      '  Nothing was traced: no Node.js process loaded the tracer (was the command node?)',
    );
  }
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
  lines.push('');
  const c = s.cores;
  lines.push(
    `Cores${c.estimate ? ' (estimated)' : ''}: ${c.meanBusy} of ${c.machine} busy on average, peak ${c.peakBusy}; ${c.parallelMs} ms with 1.5+ busy; run-queue wait ${c.runQueueWaitMs} ms`,
  );
  if (c.otherMeasured) {
    lines.push(
      `Other processes: ${c.otherBusyMean} of ${c.machine} cores busy on average, peak ${c.otherBusyPeak}; ${c.otherBusyWhileBusy} while the program computed`,
    );
  }
  if (c.starvation) {
    lines.push(`Starved of CPU: ${starvationText(c.starvation, c.machine)}`);
  }
  if (s.osThreads.length) {
    lines.push(`OS threads (${s.osThreads.length}):`);
    for (const t of s.osThreads) {
      lines.push(
        `  ${String(t.tid).padStart(7)} ${t.kind.padEnd(8)} ${t.label.padEnd(40)} cpu ${t.cpuMs.toFixed(1).padStart(8)} ms, waited ${t.runQueueWaitMs.toFixed(1)} ms`,
      );
    }
  }
  lines.push('Event-loop utilization:');
  for (const e of s.eventLoopUtilization) {
    lines.push(
      `  ${e.name.padEnd(18)} pid ${e.pid} thread ${e.threadId}: ${(e.utilization * 100).toFixed(1)}%`,
    );
  }
  if (s.blocking.length) {
    lines.push('Blocking callbacks:');
    for (const b of s.blocking) {
      lines.push(
        `  ${b.durationMs.toFixed(1).padStart(10)} ms  ${b.file ? `${b.file}:${b.line}` : '(no creation site)'}  [${b.thread}]`,
      );
      if (b.cpuMs !== undefined && b.runQueueMs !== undefined) {
        lines.push(
          `  ${''.padStart(13)} on a CPU ${b.cpuMs.toFixed(1)} ms, waited ${b.runQueueMs.toFixed(1)} ms for one`,
        );
      }
      lines.push(...delayedLines(b));
    }
  }
  lines.push(
    `Sampler: ${s.sampler.available ? `${s.sampler.samples} samples every ${s.sampler.intervalMs} ms, ${s.sampler.cpuPercentOfOneCore}% of one core` : `unavailable (${s.sampler.reason ?? 'unknown reason'})`}`,
  );
  lines.push('');
  lines.push(`Verdict: ${s.verdict.text}`);
  lines.push(...findingLines(s));
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
