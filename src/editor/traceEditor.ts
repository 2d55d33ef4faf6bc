/**
 * The read-only custom editor of `.cvtrace` files. Opening from the explorer, drag and drop,
 * `code trace.cvtrace` and restoring after a window reload all come here through VS Code; this
 * reads the file (bounded) and hands the editor's webview to its owner, which shows the same
 * timeline panel as a live run's (Controller.showTraceFile). Nothing in a trace file is run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTraceFile, type TraceFileContents } from './traceFile';

/** The custom editor's view type (package.json contributes.customEditors). */
export const TRACE_EDITOR_VIEW_TYPE = 'concurrencyVisualizer.traceFile';

/** One opened trace file, read once and shared by every editor of it. */
export class TraceDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly contents: TraceFileContents,
  ) {}

  /** The file's name, for the panel's title. */
  get name(): string {
    return path.posix.basename(this.uri.path);
  }

  /** Where the file is, for the panel's header. */
  get location(): string {
    return this.uri.scheme === 'file' ? this.uri.fsPath : this.uri.toString(true);
  }

  dispose(): void {}
}

/** Opens `.cvtrace` files; `show` fills an editor's webview with the document's timeline. */
export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly show: (webviewPanel: vscode.WebviewPanel, document: TraceDocument) => void,
  ) {}

  async openCustomDocument(uri: vscode.Uri): Promise<TraceDocument> {
    const settings = vscode.workspace.getConfiguration('concurrencyVisualizer');
    const maxBytes = settings.get<number>('maxTraceSizeMB', 1024) * 1024 * 1024;
    const document = new TraceDocument(uri, await readTrace(uri, maxBytes));
    const { bytes, problem } = document.contents;
    this.log.info(
      `opened the trace ${document.location} (${bytes.length} bytes)${problem ? `: ${problem}` : ''}`,
    );
    return document;
  }

  resolveCustomEditor(document: TraceDocument, webviewPanel: vscode.WebviewPanel): void {
    this.show(webviewPanel, document);
  }
}

/** A local file through the bounded reader; another file system (remote) within the cap too. */
export async function readTrace(uri: vscode.Uri, maxBytes: number): Promise<TraceFileContents> {
  if (uri.scheme === 'file') {
    return readTraceFile(uri.fsPath, maxBytes);
  }
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File) {
      return { bytes: new Uint8Array(0), problem: 'it is not a regular file' };
    }
    if (stat.size > maxBytes) {
      return {
        bytes: new Uint8Array(0),
        problem: `it holds ${stat.size} bytes, more than the setting concurrencyVisualizer.maxTraceSizeMB allows`,
      };
    }
    return { bytes: await vscode.workspace.fs.readFile(uri) };
  } catch (err) {
    return { bytes: new Uint8Array(0), problem: `cannot read it: ${(err as Error).message}` };
  }
}
