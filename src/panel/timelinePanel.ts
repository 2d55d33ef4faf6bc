import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  assertNever,
  type FlightRecorderMessage,
  type FromWebviewMessage,
  type PersistedState,
  type ProgramStatus,
  type SessionInfo,
  type ToWebviewMessage,
} from '../shared/protocol';
import { timelineHtml } from './html';
import {
  lessonFor,
  onPresenterModeChange,
  presenterMode,
  setPresenterMode,
} from './presenterSetting';
import type { Insights } from '../shared/insights';

/** The webview panel's view type (also the serializer's key in package.json). */
export const TIMELINE_VIEW_TYPE = 'concurrencyVisualizer.timeline';

/** Where a panel's trace bytes come from: a live session or a replayed folder. */
export interface TraceSource {
  session: SessionInfo;
  sessionDir: string;
  status: ProgramStatus;
  /** Everything recorded so far: the file header, then frames. */
  chunks: readonly Uint8Array[];
}

/** What the panel asks of its owner. */
export interface PanelHandler {
  hover(message: Extract<FromWebviewMessage, { type: 'hover' }>): void;
  jump(message: Extract<FromWebviewMessage, { type: 'jump' }>): void;
  stop(): void;
  runAgain(): void;
  /** Save Trace As… (the toolbar's Save button). */
  save(panel: TimelinePanel): void;
  /** What the webview computed from the trace: verdict, findings, per-line figures. */
  insights?(panel: TimelinePanel, insights: Insights): void;
  /** "Show the last N s now" of a running flight recording. */
  showWindow?(panel: TimelinePanel): void;
}

/**
 * The timeline panel. It keeps no trace of its own: on every `ready` (first load, shown again
 * after being hidden, restored after a reload) it hydrates the webview from its source, and
 * forwards new frames as deltas while the webview is visible.
 */
export class TimelinePanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** The panel or trace editor last in front: what the Save Trace As… command saves. */
  static active: TimelinePanel | undefined;
  /** Fired when the user closes the panel. */
  onDispose?: () => void;
  /** A flight recording's latest state, sent again when the webview (re)appears. */
  private flightRecorderState?: FlightRecorderMessage;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private source: TraceSource,
    private readonly handler: PanelHandler,
  ) {
    panel.webview.options = timelineWebviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const asUri = (...parts: string[]): string =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
    panel.webview.html = timelineHtml({
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: panel.webview.cspSource,
      scriptUri: asUri('dist', 'webview.js'),
      styleUri: asUri('media', 'panel.css'),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebviewMessage) => this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it posts `ready` again when shown.
        if (!panel.visible) {
          this.ready = false;
        }
        if (panel.active) {
          TimelinePanel.active = this;
        }
      }),
      panel.onDidDispose(() => this.dispose()),
      onPresenterModeChange((on) => this.post({ type: 'presenter', on })),
    );
    if (panel.active) {
      TimelinePanel.active = this;
    }
  }

  /** Opens a new panel beside the editor in `column`. */
  static create(
    extensionUri: vscode.Uri,
    source: TraceSource,
    handler: PanelHandler,
    column: vscode.ViewColumn,
  ): TimelinePanel {
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      `Concurrency: ${source.session.title}`,
      {
        viewColumn: column === vscode.ViewColumn.Active ? vscode.ViewColumn.Beside : column,
        preserveFocus: true,
      },
      timelineWebviewOptions(extensionUri),
    );
    return new TimelinePanel(panel, extensionUri, source, handler);
  }

  /**
   * Adopts a webview panel made by VS Code: one restored after a window reload, or the panel of
   * a `.cvtrace` file's custom editor (src/editor/traceEditor.ts).
   */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    source: TraceSource,
    handler: PanelHandler,
  ): TimelinePanel {
    return new TimelinePanel(panel, extensionUri, source, handler);
  }

  /** Points the panel at a new run (Run again) and rehydrates it. */
  setSource(source: TraceSource): void {
    this.flightRecorderState = undefined;
    this.source = source;
    this.panel.title = `Concurrency: ${source.session.title}`;
    this.hydrate();
  }

  /** The session's name, as in the panel's title (the default name of a saved trace). */
  get title(): string {
    return this.source.session.title;
  }

  /** The traced program's file, when the session knows it. */
  get programPath(): string | undefined {
    return this.source.session.programPath;
  }

  /**
   * The whole trace so far (file header + every stream's frames): the bytes `record --out`
   * writes. A live source's `chunks` is the session's own array, so this includes new frames.
   * A plain Uint8Array, not a Buffer: a Buffer crosses a webview's postMessage as its toJSON
   * object (the Compare view read 2 bytes of one).
   */
  traceBytes(): Uint8Array {
    const chunks = this.source.chunks;
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  }

  /**
   * Shows `chunks` (a whole trace: the window a running flight recording holds now) in place
   * of what the panel showed, with the same session and status.
   */
  showSnapshot(chunks: Uint8Array[]): void {
    this.source = { ...this.source, chunks };
    this.hydrate();
  }

  /** A flight recording's state: the panel says it records, and offers its window now. */
  flightRecorder(state: Omit<FlightRecorderMessage, 'type'>): void {
    this.flightRecorderState = { type: 'flightRecorder', ...state };
    this.post(this.flightRecorderState);
  }

  /** Sends frames recorded since the last call. */
  append(chunk: Uint8Array): void {
    this.post({ type: 'append', chunk });
  }

  /** Tells the webview the program's state changed. */
  status(status: ProgramStatus): void {
    this.source = { ...this.source, status };
    this.post({ type: 'status', status });
  }

  /** Shows a message the user must read. */
  error(message: string): void {
    this.post({ type: 'error', message });
  }

  /** Brings the panel into view without taking focus. */
  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private hydrate(): void {
    const persist: PersistedState = {
      sessionDir: this.source.sessionDir,
      session: this.source.session,
    };
    this.post({
      type: 'hydrate',
      session: this.source.session,
      status: this.source.status,
      chunks: [...this.source.chunks],
      persist,
    });
    this.post({ type: 'presenter', on: presenterMode() });
    if (this.flightRecorderState) {
      this.post(this.flightRecorderState);
    }
    const lesson = lessonFor(this.programPath);
    if (lesson) {
      this.post(lesson);
    }
  }

  private post(message: ToWebviewMessage): void {
    // Before `ready` the webview would drop it; hydrate sends everything anyway.
    if (this.ready || message.type === 'hydrate') {
      void this.panel.webview.postMessage(message);
    }
  }

  private onMessage(message: FromWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.hydrate();
        return;
      case 'hover':
        this.handler.hover(message);
        return;
      case 'jump':
        this.handler.jump(message);
        return;
      case 'stop':
        this.handler.stop();
        return;
      case 'runAgain':
        this.handler.runAgain();
        return;
      case 'save':
        this.handler.save(this);
        return;
      case 'insights':
        this.handler.insights?.(this, message.insights);
        return;
      case 'presenter':
        void setPresenterMode(message.on);
        return;
      case 'showWindow':
        this.handler.showWindow?.(this);
        return;
      case 'source':
        this.post({
          type: 'sourceText',
          id: message.id,
          file: message.file,
          ...readSourceLines(message.file, message.line),
        });
        return;
      default:
        assertNever(message);
    }
  }

  /** Closes the panel. */
  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
    this.panel.dispose();
    if (TimelinePanel.active === this) {
      TimelinePanel.active = undefined;
    }
    this.onDispose?.();
    this.onDispose = undefined;
  }
}

/** Webview options: scripts on, and only dist/ and media/ readable. */
function timelineWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** Lines shown around a creation site in the details panel. */
const SOURCE_CONTEXT_LINES = 3;
/** Files larger than this are not read for a snippet. */
const SOURCE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * At most 7 lines around `line` of `file`, for the details panel; nothing unless `file` is an
 * absolute path to an existing regular file (never a device, a fifo or a folder).
 */
export function readSourceLines(
  file: string,
  line: number,
): { firstLine: number; lines: string[] } {
  const none = { firstLine: line, lines: [] };
  try {
    const filePath = file.startsWith('file://') ? new URL(file).pathname : file;
    if (!path.isAbsolute(filePath) || !Number.isInteger(line) || line < 1) {
      return none;
    }
    const stat = fs.statSync(filePath);
    if (!stat.isFile() || stat.size > SOURCE_MAX_BYTES) {
      return none;
    }
    const all = fs.readFileSync(filePath, 'utf8').split(/\r?\n/);
    const firstLine = Math.max(1, line - SOURCE_CONTEXT_LINES);
    const lines = all.slice(firstLine - 1, line + SOURCE_CONTEXT_LINES).map((l) => l.slice(0, 400));
    return { firstLine, lines };
  } catch {
    return none;
  }
}
