import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourcePosition } from '../shared/protocol';

/** How long the pointer must rest on a span before a file that is not visible is opened. */
const OPEN_ON_HOVER_DELAY_MS = 250;

/**
 * Shows the code behind a span: hovering highlights its creation line in the editor beside
 * the panel (opening the file as a preview if it is not visible), clicking opens it there with
 * the cursor on that line. Only existing files are opened; positions from a trace are data.
 */
export class SourceHighlighter implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px 0',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  private decorated?: vscode.TextEditor;
  private openTimer?: ReturnType<typeof setTimeout>;
  private latest?: SourcePosition;

  /** `column` is where the program's source is shown (the panel sits beside it). */
  constructor(private column: vscode.ViewColumn = vscode.ViewColumn.One) {}

  /** Sets the editor column that sources open in. */
  setColumn(column: vscode.ViewColumn): void {
    this.column = column;
  }

  /** Highlights `position`'s line, or clears the highlight when undefined. */
  hover(position: SourcePosition | undefined): void {
    this.latest = position;
    clearTimeout(this.openTimer);
    if (!position || !isOpenable(position.file)) {
      this.clear();
      return;
    }
    const editor = this.visibleEditorOf(position.file);
    if (editor) {
      this.decorate(editor, position);
      return;
    }
    this.clear();
    this.openTimer = setTimeout(() => {
      if (this.latest !== position) {
        return;
      }
      void this.open(position, true).then((ed) => {
        if (ed && this.latest === position) {
          this.decorate(ed, position);
        }
      });
    }, OPEN_ON_HOVER_DELAY_MS);
  }

  /** Opens the file at `position` with the cursor there. */
  async jump(position: SourcePosition): Promise<void> {
    if (!isOpenable(position.file)) {
      void vscode.window.showWarningMessage(
        `Cannot open ${position.file}: it is not a file on disk.`,
      );
      return;
    }
    const editor = await this.open(position, false);
    if (editor) {
      this.decorate(editor, position);
    }
  }

  private async open(
    position: SourcePosition,
    preview: boolean,
  ): Promise<vscode.TextEditor | undefined> {
    const pos = toPosition(position);
    try {
      return await vscode.window.showTextDocument(vscode.Uri.file(position.file), {
        viewColumn: this.column,
        preserveFocus: preview,
        preview,
        selection: preview ? undefined : new vscode.Range(pos, pos),
      });
    } catch (err) {
      void vscode.window.showWarningMessage(`Cannot open ${position.file}: ${String(err)}`);
      return undefined;
    }
  }

  private decorate(editor: vscode.TextEditor, position: SourcePosition): void {
    if (this.decorated && this.decorated !== editor) {
      this.decorated.setDecorations(this.decoration, []);
    }
    const pos = toPosition(position);
    const range = new vscode.Range(pos, pos);
    editor.setDecorations(this.decoration, [range]);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.decorated = editor;
  }

  private clear(): void {
    this.decorated?.setDecorations(this.decoration, []);
    this.decorated = undefined;
  }

  private visibleEditorOf(file: string): vscode.TextEditor | undefined {
    const wanted = path.normalize(file);
    return vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.scheme === 'file' && path.normalize(e.document.uri.fsPath) === wanted,
    );
  }

  dispose(): void {
    clearTimeout(this.openTimer);
    this.decoration.dispose();
  }
}

function toPosition(p: SourcePosition): vscode.Position {
  return new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
}

/** Only absolute paths of existing files: never URLs, never `node:` internals. */
function isOpenable(file: string): boolean {
  return path.isAbsolute(file) && fs.existsSync(file) && fs.statSync(file).isFile();
}
