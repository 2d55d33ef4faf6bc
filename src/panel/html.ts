/**
 * The webview's HTML, as a pure function (no `vscode`): the panel builds it with its webview's
 * URIs, and the webview tests serve exactly this page (test/webview/harness.ts), so a change of
 * the CSP is tested by them.
 */

/** What the page is built from: the values the host knows only at run time. */
export interface TimelineHtmlParts {
  /** A fresh random nonce: the only scripts that run are the ones carrying it. */
  nonce: string;
  /** Origin of the extension's files (`webview.cspSource`): styles, fonts and images only. */
  cspSource: string;
  /** URL of dist/webview.js. */
  scriptUri: string;
  /** URL of media/panel.css. */
  styleUri: string;
}

/** The Content-Security-Policy of the page. */
export function timelineCsp(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The cores chart draws in a worker made from the bundle's own code (a blob: URL).
    'worker-src blob:',
  ].join('; ');
}

/**
 * The page: a strict CSP (scripts only with the nonce, styles and fonts only from the
 * extension), the stylesheet and the bundle. No data is inlined: it comes by postMessage.
 */
export function timelineHtml(parts: TimelineHtmlParts): string {
  const { nonce, cspSource, scriptUri, styleUri } = parts;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${timelineCsp(nonce, cspSource)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>Concurrency Visualizer</title>
</head>
<body><div id="app"></div><script nonce="${nonce}" src="${scriptUri}"></script></body>
</html>`;
}
