import type { HotFunction } from '../model/stacks';
import type { TraceSummary } from '../model/summary';

/** Hot functions printed under each blocking callback. */
const HOT_LINES = 3;

/** The top three hot functions of a callback, as lines under it (none without stacks). */
export function hotLines(hot: HotFunction[] | undefined): string[] {
  return (hot ?? []).slice(0, HOT_LINES).map((h) => {
    const where = h.file ? `${h.file}:${h.line}` : '(no file)';
    return `  ${''.padStart(13)} ${h.selfMs.toFixed(1).padStart(7)} ms self ${h.totalMs.toFixed(1).padStart(7)} ms total  ${h.function}  ${where}`;
  });
}

/** One line on sampled stacks: how many samples, or why a thread had none. */
export function stacksLines(s: TraceSummary): string[] {
  if (!s.stacks) {
    return [];
  }
  const on = s.stacks.threads.filter((t) => t.on);
  const lines = [
    `Stacks: ${s.stacks.samples} samples from ${on.length} of ${s.stacks.threads.length} threads${on.length ? `, every ${on[0].intervalMs} ms` : ''}`,
  ];
  for (const t of s.stacks.threads.filter((x) => !x.on)) {
    lines.push(`  not sampled in ${t.thread}: ${t.reason ?? 'no reason given'}`);
  }
  return lines;
}
