/**
 * The flight recorder in the extension (`concurrencyVisualizer.ringSeconds`): its tracer
 * options, the recording's state for the panel while it runs, and Save the Last N Seconds,
 * which writes the window on disk now (the program runs on) to a `.cvtrace` file and opens it
 * read-only beside the panel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlightRecorderMessage } from '../shared/protocol';
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

/** How often a running flight recording's state goes to the panel. */
const WATCH_INTERVAL_MS = 1000;

/**
 * Reports a running flight recording's state every second (and once at once): the window, how
 * long it has run, and its session folder's size on disk (a readdir and a stat per stream
 * file: nothing of the trace is read or held). Returns the function that stops it.
 */
export function watchFlightRecording(
  dir: string,
  options: {
    windowSeconds: number;
    capBytes: number;
    report: (state: Omit<FlightRecorderMessage, 'type'>) => void;
  },
): () => void {
  const startedMs = Date.now();
  const tick = (): void =>
    options.report({
      windowSeconds: options.windowSeconds,
      runningMs: Date.now() - startedMs,
      folderBytes: sessionFolderBytes(dir),
      capBytes: options.capBytes,
      recording: true,
    });
  tick();
  const timer = setInterval(tick, WATCH_INTERVAL_MS);
  return () => clearInterval(timer);
}

/** Bytes of a session folder's stream files now (0 once the folder is gone). */
export function sessionFolderBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.endsWith('.cvt')) {
      try {
        total += fs.statSync(path.join(dir, name)).size;
      } catch {
        // A segment deleted between the listing and the stat.
      }
    }
  }
  return total;
}
