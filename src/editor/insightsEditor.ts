import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Insights } from '../shared/insights';
import {
  diagnosticSpecs,
  escapeMarkdown,
  fileViews,
  type DiagnosticSpec,
  type FileView,
  type HoverPart,
} from './insightsView';
import type * as QuickFix from './insightsQuickFix';

/** The Problems entries' source, and what the quick fix looks for. */
export const INSIGHTS_SOURCE = 'Concurrency Visualizer';
/** The setting that turns code insights on and off (the toggle command flips it). */
export const CODE_INSIGHTS_SETTING = 'codeInsights';
/** Files larger than this are not read for a diagnostic's line range. */
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** One panel's latest insights, and when its run started posting (later runs win a file). */
interface InsightsSet {
  order: number;
  insights: Insights;
}

/**
 * Shows what each run's insights say about the user's code (issue #16 items 4 and 5): muted
 * figures at the end of each line that created operations, a gutter mark and hover on each
 * blocking callback and sequence of awaits, a Problems entry for each, and the Promise.all quick
 * fix. Sets are kept per panel; where two panels speak of one file, the last run's set wins.
 */
export class CodeInsights implements vscode.Disposable {
  private readonly sets = new Map<object, InsightsSet>();
  private order = 0;
  private views = new Map<string, FileView>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly noteType = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
      margin: '0 0 0 3em',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
  });
  /** Hot lines' hovers, on the whole line (their note joins the line's other figures). */
  private readonly hotType = vscode.window.createTextEditorDecorationType({});
  private readonly blockingType: vscode.TextEditorDecorationType;
  private readonly sequentialType: vscode.TextEditorDecorationType;
  private readonly diagnostics =
    vscode.languages.createDiagnosticCollection('concurrencyVisualizer');
  private quickFix?: typeof QuickFix;

  constructor(private readonly extensionUri: vscode.Uri) {
    const mark = (icon: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', icon),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      });
    this.blockingType = mark('insight-blocking.svg');
    this.sequentialType = mark('insight-sequential.svg');
    this.disposables.push(
      this.noteType,
      this.hotType,
      this.blockingType,
      this.sequentialType,
      this.diagnostics,
      vscode.window.onDidChangeVisibleTextEditors((editors) =>
        editors.forEach((e) => this.decorate(e)),
      ),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`concurrencyVisualizer.${CODE_INSIGHTS_SETTING}`)) {
          this.refresh();
        }
      }),
      vscode.languages.registerCodeActionsProvider(
        ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({
          scheme: 'file',
          language,
        })),
        { provideCodeActions: (doc, _range, ctx) => this.codeActions(doc, ctx) },
        { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
      ),
    );
  }

  /** Takes a panel's latest insights (every post replaces that panel's set). */
  set(owner: object, insights: Insights): void {
    const existing = this.sets.get(owner);
    this.sets.set(owner, { order: existing?.order ?? ++this.order, insights });
    this.refresh();
  }

  /** Forgets a panel's insights: its panel closed, or it starts a new run. */
  clear(owner: object): void {
    if (this.sets.delete(owner)) {
      this.refresh();
    }
  }

  /** The toggle command: flips the setting, which refreshes every editor. */
  async toggle(): Promise<void> {
    const config = vscode.workspace.getConfiguration('concurrencyVisualizer');
    await config.update(
      CODE_INSIGHTS_SETTING,
      !config.get<boolean>(CODE_INSIGHTS_SETTING, true),
      vscode.ConfigurationTarget.Global,
    );
  }

  private enabled(): boolean {
    return vscode.workspace
      .getConfiguration('concurrencyVisualizer')
      .get<boolean>(CODE_INSIGHTS_SETTING, true);
  }

  /** Recomputes what each file shows, then redraws the visible editors and the Problems. */
  private refresh(): void {
    const ordered = [...this.sets.values()].sort((a, b) => a.order - b.order);
    const views = new Map<string, FileView>();
    const specs = new Map<string, DiagnosticSpec[]>();
    if (this.enabled()) {
      // Later runs overwrite a file's entry: one set per file, the last run's.
      for (const { insights } of ordered) {
        for (const [file, view] of fileViews(insights, isFile)) {
          views.set(file, view);
        }
        const byFile = new Map<string, DiagnosticSpec[]>();
        for (const d of diagnosticSpecs(insights)) {
          byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
        }
        for (const [file, list] of byFile) {
          specs.set(file, list);
        }
      }
    }
    this.views = views;
    for (const editor of vscode.window.visibleTextEditors) {
      this.decorate(editor);
    }
    this.diagnostics.clear();
    if (
      !this.quickFix &&
      [...specs.values()].some((l) => l.some((d) => d.kind === 'sequential-awaits'))
    ) {
      // Parse the parser's bundle now, off this call, rather than when Ctrl+. waits for it.
      setTimeout(() => this.loadQuickFix(), 0);
    }
    const sources = new SourceLines();
    for (const [file, list] of specs) {
      this.diagnostics.set(
        vscode.Uri.file(file),
        list.map((d) => toDiagnostic(d, sources)),
      );
    }
  }

  private decorate(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const view =
      doc.uri.scheme === 'file' ? this.views.get(path.normalize(doc.uri.fsPath)) : undefined;
    const inDoc = (line: number): boolean => line >= 1 && line <= doc.lineCount;
    const notes = new Map<number, string>();
    for (const n of view?.notes ?? []) {
      notes.set(n.line, n.text);
    }
    for (const m of view?.marks ?? []) {
      notes.set(m.line, notes.has(m.line) ? `${notes.get(m.line)} · ${m.note}` : m.note);
    }
    for (const h of view?.hot ?? []) {
      notes.set(h.line, notes.has(h.line) ? `${notes.get(h.line)} · ${h.note}` : h.note);
    }
    const noteOptions: vscode.DecorationOptions[] = [...notes]
      .filter(([line]) => inDoc(line))
      .map(([line, text]) => {
        const end = doc.lineAt(line - 1).range.end;
        return {
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: text } },
        };
      });
    const marks = (kind: string): vscode.DecorationOptions[] =>
      (view?.marks ?? [])
        .filter((m) => m.kind === kind && inDoc(m.line))
        .map((m) => ({
          range: doc.lineAt(m.line - 1).range,
          hoverMessage: hoverMarkdown(m.hover),
        }));
    editor.setDecorations(this.noteType, noteOptions);
    editor.setDecorations(
      this.hotType,
      (view?.hot ?? [])
        .filter((h) => inDoc(h.line))
        .map((h) => ({
          range: doc.lineAt(h.line - 1).range,
          hoverMessage: hoverMarkdown(h.hover),
        })),
    );
    editor.setDecorations(this.blockingType, marks('blocking'));
    editor.setDecorations(this.sequentialType, marks('sequential-awaits'));
  }

  private codeActions(
    doc: vscode.TextDocument,
    ctx: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.source !== INSIGHTS_SOURCE || d.code !== 'sequential-awaits') {
        continue;
      }
      const lines = new Set([d.range.start.line + 1]);
      for (const r of d.relatedInformation ?? []) {
        if (r.location.uri.toString() === doc.uri.toString()) {
          lines.add(r.location.range.start.line + 1);
        }
      }
      const plan = this.loadQuickFix()?.planPromiseAll(doc.getText(), doc.fileName, [...lines]);
      if (!plan) {
        continue; // not plain awaits of one block: never offered
      }
      const action = new vscode.CodeAction(
        'Await them together with Promise.all',
        vscode.CodeActionKind.QuickFix,
      );
      action.diagnostics = [d];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(plan.startOffset), doc.positionAt(plan.endOffset)),
        plan.newText,
      );
      actions.push(action);
    }
    return actions;
  }

  /** The quick fix's bundle (with the TypeScript parser), loaded once, when first needed. */
  private loadQuickFix(): typeof QuickFix | undefined {
    if (!this.quickFix) {
      const file = vscode.Uri.joinPath(this.extensionUri, 'dist', 'insightsQuickFix.js').fsPath;
      // A computed path: esbuild leaves the require alone, so the parser stays out of extension.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      this.quickFix = require(file) as typeof QuickFix;
    }
    return this.quickFix;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}

/** A hover whose every trace string is escaped: links only to existing files, at a line. */
function hoverMarkdown(parts: HoverPart[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  for (const p of parts) {
    if (p.kind === 'text') {
      md.appendText(p.text);
    } else {
      const target = vscode.Uri.file(p.file).with({ fragment: `L${p.line}` });
      md.appendMarkdown(`[${escapeMarkdown(p.label)}](${target.toString()}): `);
      md.appendText(p.text);
    }
    md.appendMarkdown('\n\n');
  }
  return md;
}

function toDiagnostic(d: DiagnosticSpec, sources: SourceLines): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    d.kind === 'sequential-awaits'
      ? sources.span(d.file, d.line, Math.max(d.line, ...sameFileLines(d)))
      : sources.span(d.file, d.line, d.line),
    d.message,
    // The issue asks a warning for each, even one whose victims' delays are only bounds.
    vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = INSIGHTS_SOURCE;
  diagnostic.code = d.kind;
  diagnostic.relatedInformation = d.related.map(
    (r) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(r.file), sources.span(r.file, r.line, r.line)),
        r.text,
      ),
  );
  return diagnostic;
}

/** The related lines of a diagnostic in its own file (the other awaits of a sequence). */
function sameFileLines(d: DiagnosticSpec): number[] {
  return d.related.filter((r) => r.file === d.file).map((r) => r.line);
}

/**
 * The text of the lines diagnostics point at (from an open document, else the file), so each
 * range covers the line's code from its first non-blank character; read once per refresh.
 */
class SourceLines {
  private readonly files = new Map<string, readonly string[]>();

  span(file: string, firstLine: number, lastLine: number): vscode.Range {
    const lines = this.linesOf(file);
    const first = lines[firstLine - 1] ?? '';
    const last = lines[lastLine - 1] ?? '';
    const indent = first.length - first.trimStart().length;
    return new vscode.Range(firstLine - 1, indent, lastLine - 1, Math.max(last.length, 1));
  }

  private linesOf(file: string): readonly string[] {
    let lines = this.files.get(file);
    if (!lines) {
      const open = vscode.workspace.textDocuments.find(
        (d) => d.uri.scheme === 'file' && path.normalize(d.uri.fsPath) === file,
      );
      lines = open ? open.getText().split(/\r?\n/) : readLines(file);
      this.files.set(file, lines);
    }
    return lines;
  }
}

function readLines(file: string): string[] {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size <= MAX_SOURCE_BYTES
      ? fs.readFileSync(file, 'utf8').split(/\r?\n/)
      : [];
  } catch {
    return [];
  }
}

/** Hover links go only to regular files that exist. */
function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
