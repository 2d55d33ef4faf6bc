/**
 * The Compare view's header: each figure of both runs and its delta, the rows `compare` prints
 * (src/cli/compare.ts formatComparison) from the same TraceComparison (src/model/compare.ts),
 * then the findings by kind and both verdicts. Text only: names and paths from the traces are
 * never HTML.
 */
import {
  deltaText,
  siteLabel,
  type Delta,
  type FindingsComparison,
  type TraceComparison,
} from '../src/model/compare';
import { el } from './dom';
import { basename } from './format';

/** Blocking sites listed (the largest changes of total time first). */
const MAX_SITES = 5;

/** One row: a label, A, B and the delta; `figure` names it for tests (`wallMs`, `callbacks`). */
function row(label: string, d: Delta, unit = '', figure = ''): HTMLTableRowElement {
  const tr = el(
    'tr',
    {},
    el('th', { text: label }),
    el('td', { text: `${d.a}${unit}` }),
    el('td', { text: `${d.b}${unit}` }),
    el('td', {
      className: `delta ${d.delta > 0 ? 'up' : d.delta < 0 ? 'down' : 'same'}`,
      text: deltaText(d, unit),
    }),
  );
  if (figure) {
    tr.dataset.figure = figure;
  }
  return tr;
}

/** A site `file:line` as people read it: the file's name and the line. */
function shortSite(site: string): string {
  return site.startsWith('(') ? site : basename(site);
}

/** The table of figures: the same rows, in the same order, as the CLI's text. */
function figuresTable(c: TraceComparison, f: FindingsComparison): HTMLTableElement {
  const rows: HTMLTableRowElement[] = [
    row('wall time', c.wallMs, ' ms', 'wallMs'),
    row('callbacks', c.callbacks, '', 'callbacks'),
    row('operations', c.operations, '', 'operations'),
  ];
  for (const [type, d] of Object.entries(c.operationsByType)) {
    rows.push(row(`  ${type}`, d, '', `operations.${type}`));
  }
  rows.push(
    row('blocking callbacks', c.blocking.count, '', 'blocking.count'),
    row('  longest', c.blocking.maxMs, ' ms', 'blocking.maxMs'),
    row('  total', c.blocking.totalMs, ' ms', 'blocking.totalMs'),
  );
  for (const s of c.blocking.bySite.slice(0, MAX_SITES)) {
    const r = row(`  ${siteLabel(s.site, s.type, shortSite)} total`, s.totalMs, ' ms');
    r.title = s.site;
    rows.push(r);
  }
  const est = c.cores.estimate ? ' (estimate)' : '';
  rows.push(
    row(`cores busy, mean${est}`, c.cores.meanBusy, '', 'cores.meanBusy'),
    row(`cores busy, peak${est}`, c.cores.peakBusy, '', 'cores.peakBusy'),
    row('cores busy while computing', c.cores.meanBusyWhileBusy, '', 'cores.meanBusyWhileBusy'),
    row('waiting for a core', c.cores.runQueueWaitMs, ' ms', 'cores.runQueueWaitMs'),
    row('events dropped', c.eventsDropped, '', 'eventsDropped'),
    row('findings (warnings)', f.warnings, '', 'findings.warnings'),
  );
  for (const [kind, d] of Object.entries(f.byKind)) {
    rows.push(row(`  ${kind}`, d, '', `findings.${kind}`));
  }
  const verdict = el(
    'tr',
    {},
    el('th', { text: 'verdict' }),
    el('td', { text: c.verdict.a }),
    el('td', { text: c.verdict.b }),
    el('td', {
      className: `delta ${c.verdict.changed ? 'changed' : 'same'}`,
      text: c.verdict.changed ? 'changed' : 'same',
    }),
  );
  verdict.dataset.figure = 'verdict';
  rows.push(verdict);
  const head = el(
    'tr',
    {},
    el('th', { text: '' }),
    el('th', { text: 'A' }),
    el('th', { text: 'B' }),
    el('th', { text: 'B − A' }),
  );
  return el(
    'table',
    { id: 'compare-figures', className: 'compare-figures' },
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

/** A run's verdict and findings as sentences, under a summary line. */
function sentences(label: string, verdict: string, findings: string[]): HTMLElement {
  const list = el('ul', {}, ...findings.map((t) => el('li', { text: t })));
  return el(
    'div',
    { className: 'compare-sentences' },
    el('p', { text: `${label}: ${verdict}` }),
    ...(findings.length ? [list] : []),
  );
}

/** The header element for a comparison. */
export function compareHeader(c: TraceComparison, f: FindingsComparison): HTMLElement {
  const more = el(
    'details',
    { className: 'compare-more' },
    el('summary', { text: 'Verdicts and findings' }),
    sentences('A', c.verdict.aText, f.aTexts),
    sentences('B', c.verdict.bText, f.bTexts),
  );
  return el(
    'section',
    { id: 'compare-header', className: 'compare-header' },
    figuresTable(c, f),
    more,
  );
}
