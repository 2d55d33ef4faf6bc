/**
 * What the editor shows of a run's insights (src/shared/insights.ts), as plain data: the
 * end-of-line figures of each source line, the gutter marks with their hovers, and the Problems
 * entries. No `vscode` here, so that the mapping is tested in plain mocha; insightsEditor.ts
 * turns these into decorations and diagnostics.
 *
 * Every string from a trace (file names, operation types, the finding's sentences) stays text:
 * hovers are built from parts that the host escapes, never from Markdown written here.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, HotLine, Insights, LineInsight, RelatedPosition } from '../shared/insights';

/** A line's muted end-of-line text. */
export interface LineNote {
  /** 1-based. */
  line: number;
  text: string;
}

/** A gutter-marked line (a blocking callback, one await of a sequence) and its hover. */
export interface LineMark {
  kind: 'blocking' | 'sequential-awaits';
  /** 1-based. */
  line: number;
  /** One-line note after the line's figures. */
  note: string;
  /** The hover: the finding's sentence, then one entry per related position. */
  hover: HoverPart[];
}

/** A piece of a hover: plain text, or a link to a source line (only to existing files). */
export type HoverPart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; label: string; file: string; line: number; text: string };

/** One Problems entry. */
export interface DiagnosticSpec {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  message: string;
  kind: 'blocking' | 'sequential-awaits';
  related: { file: string; line: number; column: number; text: string }[];
}

/**
 * A line where sampled stacks spent their own time: a note after the line's other figures and
 * a hover on the whole line; no gutter mark and no Problems entry (it is information, not a
 * warning, and the gutter's marks stay the findings').
 */
export interface HotLineNote {
  /** 1-based. */
  line: number;
  note: string;
  hover: HoverPart[];
}

/** Everything shown in one file. */
export interface FileView {
  notes: LineNote[];
  marks: LineMark[];
  /** Self time of the hottest functions' lines (absent: none in this file). */
  hot?: HotLineNote[];
}

/** Findings that get a gutter mark and a Problems entry (issue #16 items 4 and 5). */
const MARKED_KINDS = new Set<Finding['kind']>(['blocking', 'sequential-awaits']);

/**
 * The absolute file system path of a trace's file name (a path or a `file:` URL), or
 * undefined for anything else (`node:internal/...`, `evalmachine`, relative names).
 */
export function tracePath(file: string | undefined): string | undefined {
  if (!file) {
    return undefined;
  }
  let p = file;
  if (file.startsWith('file:')) {
    try {
      p = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(p) ? path.normalize(p) : undefined;
}

/** A duration for the editor: 0.4 ms, 12 ms, 1.25 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '? ms';
  }
  if (ms >= 999.5) {
    return `${(ms / 1000).toFixed(2)} s`;
  }
  if (ms < 10 && ms !== 0 && Math.round(ms) !== ms) {
    return `${ms.toFixed(1)} ms`;
  }
  return `${Math.round(ms)} ms`;
}

/**
 * The end-of-line figures of a line that created operations: "3 operations (most often
 * Timeout) · waited 300 ms (longest 100 ms) · 3 callbacks ran 2.5 ms (longest 1 ms)". Wait and
 * run are left out when zero, "longest" when it reads the same as the total.
 */
export function lineNoteText(li: LineInsight): string {
  const parts = [
    li.operations > 1 ? `${li.operations} operations (most often ${li.topType})` : li.topType,
  ];
  const withLongest = (total: number, longest: number): string =>
    formatMs(longest) === formatMs(total)
      ? formatMs(total)
      : `${formatMs(total)} (longest ${formatMs(longest)})`;
  if (li.waitTotalMs > 0) {
    parts.push(`waited ${withLongest(li.waitTotalMs, li.waitMaxMs)}`);
  }
  if (li.callbacks > 0) {
    parts.push(
      li.callbacks > 1
        ? `${li.callbacks} callbacks ran ${withLongest(li.runTotalMs, li.runMaxMs)}`
        : `callback ran ${formatMs(li.runTotalMs)}`,
    );
  }
  return parts.join(' · ');
}

/** A hot line's note: "self 240 ms (burnCpu)", "self 4.5 ms (anonymous)". */
export function hotLineNote(h: HotLine): string {
  const name = h.function.startsWith('(') ? h.function : `(${h.function})`;
  return `self ${formatMs(h.selfMs)} ${name}`;
}

/** A hot line's hover: its self time with its share of the samples, then its function's. */
export function hotLineHover(h: HotLine): HoverPart[] {
  const pct = h.share >= 0.1 ? Math.round(h.share * 100) : Math.round(h.share * 1000) / 10;
  const where = h.exact
    ? 'on this line'
    : 'in this function (the trace has no line numbers per sample: its first line stands for all)';
  const parts: HoverPart[] = [
    {
      kind: 'text',
      text: `Sampled stacks: ${h.function} ran ${formatMs(h.selfMs)} ${where}, ${pct}% of the run's samples (${h.samples} sample${h.samples === 1 ? '' : 's'})`,
    },
    {
      kind: 'text',
      text: `${h.function}: self ${formatMs(h.functionSelfMs)}, total ${formatMs(h.totalMs)} (with what it called)`,
    },
  ];
  if (h.blockingSelfMs > 0) {
    parts.push({
      kind: 'text',
      text: `${formatMs(h.blockingSelfMs)} of it inside blocking callbacks`,
    });
  }
  return parts;
}

/**
 * The short note a marked line adds to its figures: the finding's figures on its own line, and
 * on the other awaits of a sequence what their related entry says ("await 2 of 3 waited 101 ms").
 */
function markNote(f: Finding, line: number): string {
  if (f.kind === 'blocking') {
    const ms = f.figures.durationMs;
    const victims = f.figures.delayedCount;
    const held = ms !== undefined ? `held the thread ${formatMs(ms)}` : 'held the thread';
    return victims
      ? `${held}; ${victims} operation${victims > 1 ? 's' : ''} waited behind it`
      : held;
  }
  const related = line !== f.line ? f.related.find((r) => r.line === line) : undefined;
  if (related) {
    return related.text;
  }
  const waited = f.figures.waitedMs;
  const couldBe = f.figures.couldBeMs;
  return waited !== undefined && couldBe !== undefined
    ? `awaited one after another: ${formatMs(waited)}, together ${formatMs(couldBe)}`
    : 'awaited one after another';
}

/**
 * The hover of a finding: its figures in short, then each related line (a link when `openable`).
 * The finding's sentence is not repeated: its Problems entry shows it in the same hover.
 */
function hoverParts(f: Finding, openable: (file: string) => boolean): HoverPart[] {
  const title = f.kind === 'blocking' ? 'Blocking callback' : 'Sequential awaits';
  const parts: HoverPart[] = [{ kind: 'text', text: `${title}: ${markNote(f, f.line ?? 0)}` }];
  for (const r of f.related) {
    const file = tracePath(r.file);
    if (file && openable(file)) {
      parts.push({
        kind: 'link',
        label: `${path.basename(file)}:${r.line}`,
        file,
        line: r.line,
        text: r.text,
      });
    } else {
      parts.push({ kind: 'text', text: `${r.file}:${r.line}: ${r.text}` });
    }
  }
  return parts;
}

/** The lines a sequential-awaits finding is about: its own and its related ones in its file. */
export function awaitLines(f: Finding): number[] {
  const file = tracePath(f.file);
  const lines = new Set<number>();
  if (f.line) {
    lines.add(f.line);
  }
  for (const r of f.related) {
    if (tracePath(r.file) === file && r.line > 0) {
      lines.add(r.line);
    }
  }
  return [...lines].sort((a, b) => a - b);
}

/**
 * What each file shows, by absolute path: every line insight's figures, and a mark on each
 * blocking callback's line and on each line of a sequence of awaits. Positions that are not
 * absolute paths (Node's internals, eval) are left out. Info findings (a long callback nothing
 * waited for) are marked too: the mark's hover says so; only Problems entries need a warning.
 * Hot lines (sampled self time) get a note and a hover, no mark.
 */
export function fileViews(
  insights: Insights,
  openable: (file: string) => boolean,
): Map<string, FileView> {
  const views = new Map<string, FileView>();
  const view = (file: string): FileView => {
    let v = views.get(file);
    if (!v) {
      v = { notes: [], marks: [] };
      views.set(file, v);
    }
    return v;
  };
  for (const li of insights.lines) {
    const file = tracePath(li.file);
    if (file && li.line > 0 && li.operations > 0) {
      view(file).notes.push({ line: li.line, text: lineNoteText(li) });
    }
  }
  for (const f of insights.findings) {
    const file = tracePath(f.file);
    if (!file || !f.line || !MARKED_KINDS.has(f.kind)) {
      continue;
    }
    const kind = f.kind as LineMark['kind'];
    const lines = kind === 'sequential-awaits' ? awaitLines(f) : [f.line];
    for (const line of lines) {
      view(file).marks.push({
        kind,
        line,
        note: markNote(f, line),
        hover: hoverParts(f, openable),
      });
    }
  }
  for (const h of insights.hotLines ?? []) {
    const file = tracePath(h.file);
    if (file && h.line > 0) {
      const v = view(file);
      (v.hot ??= []).push({ line: h.line, note: hotLineNote(h), hover: hotLineHover(h) });
    }
  }
  for (const v of views.values()) {
    v.notes.sort((a, b) => a.line - b.line);
    v.marks.sort((a, b) => a.line - b.line);
    v.hot?.sort((a, b) => a.line - b.line);
  }
  return views;
}

/**
 * The Problems entries: one warning per blocking callback and per sequence of awaits found to
 * be a warning (something waited), at the finding's line, with its related positions (victims, the other awaits) where they are files.
 */
export function diagnosticSpecs(insights: Insights): DiagnosticSpec[] {
  const specs: DiagnosticSpec[] = [];
  for (const f of insights.findings) {
    const file = tracePath(f.file);
    // Only warnings: an info finding (a long callback nothing waited for) is no problem.
    if (!file || !f.line || !MARKED_KINDS.has(f.kind) || f.severity !== 'warning') {
      continue;
    }
    specs.push({
      file,
      line: f.line,
      column: f.column ?? 0,
      message: f.text,
      kind: f.kind as DiagnosticSpec['kind'],
      related: f.related.flatMap((r: RelatedPosition) => {
        const relFile = tracePath(r.file);
        return relFile && r.line > 0
          ? [{ file: relFile, line: r.line, column: r.column ?? 0, text: r.text }]
          : [];
      }),
    });
  }
  return specs;
}

/** Backslash-escapes every character Markdown could read as syntax, for a link's label. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|~&:"'$%=]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}
