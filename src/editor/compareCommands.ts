/**
 * Compare Trace With…: two traces in one Compare panel (comparePanel.ts), picked the way VS
 * Code's file compare picks them. From the palette or a panel's / trace editor's title bar: the
 * trace in front is B (the new run) and a file dialog picks A (the baseline). From the explorer:
 * "Select Trace for Compare" then "Compare Trace with Selected" (the selected file is A), or
 * two selected `.cvtrace` files (the first is A). Reading is bounded as in the trace editor.
 * (The titles say Trace: VS Code's own Select for Compare is in the same menu.)
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareSide, CompareState } from '../shared/protocol';
import { COMPARE_VIEW_TYPE, ComparePanel, type PanelParts } from './comparePanel';
import { TRACE_FILE_EXTENSION, type SavableTrace } from './saveTrace';
import { readTrace } from './traceEditor';

/** The context key that shows "Compare with Selected" once a trace is selected. */
const SELECTED_CONTEXT = 'concurrencyVisualizer.compareSelected';

/** Whether `value` is the URI of a `.cvtrace` file. */
function isTraceUri(value: unknown): value is vscode.Uri {
  return (
    value instanceof vscode.Uri &&
    path.posix.extname(value.path).toLowerCase() === `.${TRACE_FILE_EXTENSION}`
  );
}

/** The Compare With… commands and the explorer's selection. */
export class CompareCommands {
  private selected?: vscode.Uri;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The panel or trace editor in front, if any (TimelinePanel.active). */
    private readonly inFront: () => SavableTrace | undefined,
    private readonly parts: PanelParts,
  ) {}

  /** Registers the commands (package.json has their titles and menus) and the reload restorer. */
  register(): vscode.Disposable[] {
    return [
      vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
      vscode.commands.registerCommand('concurrencyVisualizer.compareWith', (uri?, uris?) =>
        this.compareWith(uri, uris),
      ),
      vscode.commands.registerCommand('concurrencyVisualizer.compareSelected', (uri?, uris?) =>
        this.compareWith(uri, uris),
      ),
      vscode.commands.registerCommand('concurrencyVisualizer.selectForCompare', (uri?) =>
        this.selectForCompare(uri),
      ),
      vscode.commands.registerCommand('concurrencyVisualizer.compareWithSelected', (uri?) =>
        this.compareWithSelected(uri),
      ),
    ];
  }

  /**
   * Two traces selected in the explorer: compared as they are. Else the trace named by `uri`
   * (explorer, trace editor's title) or the panel in front is B, and a dialog picks A; with
   * neither, two dialogs pick A then B. Returns the panel, or undefined when cancelled.
   */
  async compareWith(uri?: unknown, uris?: unknown): Promise<ComparePanel | undefined> {
    const selection = Array.isArray(uris) ? uris.filter(isTraceUri) : [];
    if (selection.length === 2) {
      return this.open(await this.fileSide(selection[0]), await this.fileSide(selection[1]));
    }
    let b: CompareSide | undefined;
    let near: vscode.Uri | undefined;
    if (isTraceUri(uri)) {
      b = await this.fileSide(uri);
      near = uri;
    } else {
      const front = this.inFront();
      if (front) {
        b = {
          name: front.title,
          location: front.programPath ? `run of ${front.programPath}` : 'the panel in front',
          bytes: front.traceBytes(),
        };
      }
    }
    const first = await this.pick(
      b ? `Compare ${b.name} With…` : 'Compare Traces: the baseline (A)',
      near,
    );
    if (!first) {
      return undefined;
    }
    if (!b) {
      const second = await this.pick(`Compare ${path.posix.basename(first.path)} With…`, first);
      if (!second) {
        return undefined;
      }
      b = await this.fileSide(second);
    }
    return this.open(await this.fileSide(first), b);
  }

  /** Remembers `uri` as A for "Compare with Selected". */
  async selectForCompare(uri?: unknown): Promise<void> {
    if (!isTraceUri(uri)) {
      return;
    }
    this.selected = uri;
    await vscode.commands.executeCommand('setContext', SELECTED_CONTEXT, true);
  }

  /** The selected trace (A) against `uri` (B). */
  async compareWithSelected(uri?: unknown): Promise<ComparePanel | undefined> {
    if (!this.selected) {
      void vscode.window.showInformationMessage(
        'Select a trace for compare first (Select Trace for Compare in the explorer).',
      );
      return undefined;
    }
    if (!isTraceUri(uri)) {
      return this.compareWith(undefined, undefined);
    }
    return this.open(await this.fileSide(this.selected), await this.fileSide(uri));
  }

  private async pick(title: string, near?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = near
      ? vscode.Uri.joinPath(near, '..')
      : vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      canSelectFiles: true,
      canSelectFolders: false,
      filters: { 'Concurrency traces': [TRACE_FILE_EXTENSION] },
      openLabel: 'Compare',
      title,
      ...(folder ? { defaultUri: folder } : {}),
    });
    return picked?.[0];
  }

  private async fileSide(uri: vscode.Uri): Promise<CompareSide> {
    const settings = vscode.workspace.getConfiguration('concurrencyVisualizer');
    const maxBytes = settings.get<number>('maxTraceSizeMB', 1024) * 1024 * 1024;
    const { bytes, problem } = await readTrace(uri, maxBytes);
    const location = uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
    return {
      name: path.posix.basename(uri.path),
      location,
      bytes,
      uri: uri.toString(),
      ...(problem ? { problem } : {}),
    };
  }

  /**
   * A Compare panel VS Code restores after a window reload: both files read again. A trace
   * that came from a live panel (no file) cannot come back: the panel closes and says so.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const files = (state as Partial<CompareState> | undefined)?.compare;
    if (!files || typeof files.a !== 'string' || typeof files.b !== 'string') {
      panel.dispose();
      void vscode.window.showInformationMessage(
        'A comparison with a live run cannot be restored after a reload: compare its saved trace.',
      );
      return;
    }
    const [a, b] = await Promise.all([
      this.fileSide(vscode.Uri.parse(files.a)),
      this.fileSide(vscode.Uri.parse(files.b)),
    ]);
    this.log.info(`restored the comparison of ${a.location} with ${b.location}`);
    ComparePanel.revive(panel, this.extensionUri, this.parts, a, b);
  }

  private open(a: CompareSide, b: CompareSide): ComparePanel {
    const problems = [a, b].filter((s) => s.problem).map((s) => `${s.name}: ${s.problem}`);
    this.log.info(
      `comparing ${a.location} (${a.bytes.length} bytes) with ${b.location} (${b.bytes.length} bytes)${problems.length ? `: ${problems.join('; ')}` : ''}`,
    );
    return ComparePanel.show(this.extensionUri, this.parts, a, b);
  }
}
