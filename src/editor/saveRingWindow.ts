/**
 * The flight recorder in the extension (`concurrencyVisualizer.ringSeconds`): its tracer
 * options, and Save the Last N Seconds, which writes the window on disk now (the program runs
 * on) to a `.cvtrace` file and opens it read-only beside the panel.
 */
import * as vscode from 'vscode';
import { saveTraceAs, type SavableTrace } from './saveTrace';

/** `{ ringSeconds }` when the setting asks for a flight recorder, else `{}`. */
export function ringOptions(settings: vscode.WorkspaceConfiguration): { ringSeconds?: number } {
  const seconds = settings.get<number>('ringSeconds', 0);
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? { ringSeconds: seconds }
    : {};
}

/**
 * Asks where to save the window of a running flight recording (a save dialog, as Save Trace
 * As…), writes what `readWindow` reads from its session folder then and opens it in the trace
 * editor. Says why when there is no flight recording (`readWindow` undefined).
 */
export async function saveRingWindow(
  readWindow: (() => Uint8Array) | undefined,
  panel: { title: string; programPath?: string } | undefined,
  log: vscode.LogOutputChannel,
): Promise<vscode.Uri | undefined> {
  if (!readWindow || !panel) {
    void vscode.window.showInformationMessage(
      'No flight recording is running: set concurrencyVisualizer.ringSeconds and visualize a program.',
    );
    return undefined;
  }
  const window: SavableTrace = {
    title: panel.title,
    programPath: panel.programPath,
    traceBytes: readWindow,
  };
  const uri = await saveTraceAs(window, log);
  if (uri) {
    await vscode.commands.executeCommand('vscode.openWith', uri, 'concurrencyVisualizer.traceFile');
  }
  return uri;
}
