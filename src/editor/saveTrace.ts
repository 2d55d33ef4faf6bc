/** Save Trace As…: a panel's trace to one `.cvtrace` file, the bytes `record --out` writes. */
import * as path from 'node:path';
import * as vscode from 'vscode';

/** What can be saved: a timeline panel (src/panel/timelinePanel.ts) or a trace editor. */
export interface SavableTrace {
  /** The session's name (timers.js): the default file name comes from it. */
  readonly title: string;
  /** The traced program's file, when known: the default folder. */
  readonly programPath?: string;
  /** The header and every stream's frames recorded so far. */
  traceBytes(): Uint8Array;
}

/** The extension of saved traces (the trace editor opens these). */
export const TRACE_FILE_EXTENSION = 'cvtrace';

/**
 * Asks where to save `panel`'s trace (a save dialog, default name from the program: timers.js
 * -> timers.cvtrace, beside the program when it is known) and writes it. Returns the file
 * written, or undefined when the user cancelled or writing failed (the user is told why).
 */
export async function saveTraceAs(
  panel: SavableTrace | undefined,
  log: vscode.LogOutputChannel,
): Promise<vscode.Uri | undefined> {
  if (!panel) {
    void vscode.window.showInformationMessage(
      'No Concurrency Visualizer panel is open: there is no trace to save.',
    );
    return undefined;
  }
  const bytes = panel.traceBytes(); // now: the run may go on while the dialog is open
  const uri = await vscode.window.showSaveDialog({
    defaultUri: defaultTraceUri(panel),
    filters: { 'Concurrency traces': [TRACE_FILE_EXTENSION] },
    saveLabel: 'Save Trace',
    title: 'Save Trace As',
  });
  if (!uri) {
    return undefined;
  }
  try {
    await vscode.workspace.fs.writeFile(uri, bytes);
  } catch (err) {
    const message = `Could not save the trace to ${uri.fsPath}: ${(err as Error).message}`;
    log.error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
  log.info(`saved the trace of ${panel.title} (${bytes.length} bytes) to ${uri.fsPath}`);
  return uri;
}

/** `<program without extension>.cvtrace`, beside the program, else in the first workspace folder. */
function defaultTraceUri(panel: SavableTrace): vscode.Uri | undefined {
  const base = path.basename(panel.title, path.extname(panel.title)) || 'trace';
  const name = `${base}.${TRACE_FILE_EXTENSION}`;
  const program = panel.programPath;
  if (program && path.isAbsolute(program)) {
    return vscode.Uri.file(path.join(path.dirname(program), name));
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}
