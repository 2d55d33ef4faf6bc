/**
 * The Compare view's panel: two traces' bytes go to the webview (webview-ui/compare.ts), which
 * decodes them, draws them one above the other and computes the deltas; the host never
 * decodes. It answers hover (the line lit in the editor beside), jump and code excerpts, as the
 * timeline panel does. Read-only: no Stop, Run Again or Save.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import {
  assertNever,
  type CompareSide,
  type FromWebviewMessage,
  type ToCompareMessage,
} from '../shared/protocol';
import { FILE_HEADER_BYTES, TRACE_MAGIC, TRACE_VERSION } from '../shared/traceFormat';
import { SourceHighlighter } from './sourceHighlight';

/**
 * What the Compare panel shares with the timeline panel (src/panel/), passed in by
 * src/extension.ts: the editor layer does not import the panel's modules.
 */
export interface PanelParts {
  /** The page's Content-Security-Policy (src/panel/html.ts timelineCsp). */
  csp(nonce: string, cspSource: string): string;
  /** A few lines around a line of a file, for the details (src/panel/timelinePanel.ts). */
  readSourceLines(file: string, line: number): { firstLine: number; lines: string[] };
}

/** The Compare view's webview type. */
export const COMPARE_VIEW_TYPE = 'concurrencyVisualizer.compare';

/** The page: the panel's CSP, its stylesheet and the Compare view's own, and dist/compare.js. */
export function compareHtml(parts: {
  csp: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
}): string {
  const { csp, nonce, scriptUri, styleUris } = parts;
  const styles = styleUris.map((uri) => `<link rel="stylesheet" href="${uri}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>Concurrency Visualizer: Compare</title>
</head>
<body><div id="app"></div><script nonce="${nonce}" src="${scriptUri}"></script></body>
</html>`;
}

/** One Compare panel: the baseline `a` above, the new run `b` below. */
export class ComparePanel {
  private readonly highlighter = new SourceHighlighter();
  private readonly disposables: vscode.Disposable[] = [this.highlighter];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly parts: PanelParts,
    private readonly a: CompareSide,
    private readonly b: CompareSide,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebviewMessage) => this.onMessage(m)),
      panel.onDidChangeViewState(() => this.placeSources()),
      panel.onDidDispose(() => this.dispose()),
    );
    this.placeSources();
  }

  /** Opens a Compare panel in the active column (sources open in the column beside it). */
  static show(
    extensionUri: vscode.Uri,
    parts: PanelParts,
    a: CompareSide,
    b: CompareSide,
  ): ComparePanel {
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      `Compare: ${a.name} ↔ ${b.name}`,
      vscode.ViewColumn.Active,
      compareWebviewOptions(extensionUri),
    );
    return ComparePanel.revive(panel, extensionUri, parts, a, b);
  }

  /** Fills a panel with the Compare view: a new one, or one VS Code restores after a reload. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    parts: PanelParts,
    a: CompareSide,
    b: CompareSide,
  ): ComparePanel {
    panel.webview.options = compareWebviewOptions(extensionUri);
    panel.title = `Compare: ${a.name} ↔ ${b.name}`;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const asUri = (...path: string[]): string =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    const nonce = crypto.randomBytes(16).toString('base64');
    panel.webview.html = compareHtml({
      csp: parts.csp(nonce, panel.webview.cspSource),
      nonce,
      scriptUri: asUri('dist', 'compare.js'),
      styleUris: [asUri('media', 'panel.css'), asUri('media', 'compare.css')],
    });
    return new ComparePanel(panel, parts, a, b);
  }

  /** Sources open in the other column than the panel's, as beside a trace editor. */
  private placeSources(): void {
    if (this.panel.active) {
      this.highlighter.setColumn(
        this.panel.viewColumn === vscode.ViewColumn.One
          ? vscode.ViewColumn.Two
          : vscode.ViewColumn.One,
      );
    }
  }

  private post(message: ToCompareMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(message: FromWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        // Every time the webview (re)appears: it keeps nothing while hidden.
        this.post({ type: 'compare', a: viewable(this.a), b: viewable(this.b) });
        return;
      case 'hover':
        this.highlighter.hover(message.position);
        return;
      case 'jump':
        void this.highlighter.jump(message.position);
        return;
      case 'source':
        this.post({
          type: 'sourceText',
          id: message.id,
          file: message.file,
          ...this.parts.readSourceLines(message.file, message.line),
        });
        return;
      case 'stop':
      case 'runAgain':
      case 'save':
      case 'insights':
      case 'presenter':
      case 'showWindow':
        return; // a comparison runs nothing, saves nothing and feeds no editor insights
      default:
        assertNever(message);
    }
  }

  private dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}

/** Scripts on; only dist/ and media/ readable. */
function compareWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** Nothing read (the problem says why): an empty trace rather than a decoder's complaint. */
function viewable(side: CompareSide): CompareSide {
  if (side.bytes.length > 0 || !side.problem) {
    return side;
  }
  const header = new Uint8Array(FILE_HEADER_BYTES);
  header.set(TRACE_MAGIC, 0);
  header[4] = TRACE_VERSION & 0xff;
  header[5] = TRACE_VERSION >> 8;
  return { ...side, bytes: header };
}
