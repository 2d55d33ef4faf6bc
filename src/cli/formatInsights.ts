/** The insights' part of the `summary` text: findings, and the victims of a blocking callback. */
import type { SummaryBlocking, TraceSummary } from '../model/summary';

/** Related lines printed under a finding. */
const MAX_RELATED = 5;

/** The operations a blocking callback held up, indented under it (nothing when none). */
export function delayedLines(b: SummaryBlocking): string[] {
  const d = b.delayed;
  if (!d || d.count === 0) {
    return [];
  }
  const pad = ''.padStart(16);
  const out = [
    `${pad}held up ${d.count} operation${d.count > 1 ? 's' : ''} that became ready meanwhile (${d.totalDelayMs.toFixed(1)} ms in all${d.examples.some((e) => !e.exact) ? ', "up to" figures are upper bounds' : ''}):`,
  ];
  for (const e of d.examples) {
    const where = e.file ? `${e.file}:${e.line}` : '(no creation site)';
    out.push(
      `${pad}  ${e.type.padEnd(18)} ${where}  ${e.exact ? 'delayed' : 'waited up to'} ${e.delayMs.toFixed(1)} ms`,
    );
  }
  if (d.count > d.examples.length) {
    out.push(`${pad}  ...and ${d.count - d.examples.length} more`);
  }
  return out;
}

/** The findings, warnings first, each with where to look and its related lines. */
export function findingLines(s: TraceSummary): string[] {
  if (!s.findings || s.findings.length === 0) {
    return ['Findings: none'];
  }
  const out = [`Findings (${s.findings.length}):`];
  for (const f of s.findings) {
    const where = f.file ? `  (${f.file}:${f.line})` : '';
    out.push(`  ${f.severity === 'warning' ? 'warning' : 'info   '} ${f.kind}: ${f.text}${where}`);
    for (const r of f.related.slice(0, MAX_RELATED)) {
      out.push(`      ${r.file}:${r.line}  ${r.text}`);
    }
    if (f.related.length > MAX_RELATED) {
      out.push(`      ...and ${f.related.length - MAX_RELATED} more`);
    }
  }
  return out;
}
