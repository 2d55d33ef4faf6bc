/**
 * The colours and fonts VS Code gives a webview (its Dark Modern theme's --vscode-* variables),
 * for the exported HTML page, which has no VS Code around it; the webview tests' page sets the
 * same (test/webview/harness.ts).
 */
export const DARK_THEME: Record<string, string> = {
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-editorHoverWidget-background': '#202020',
  '--vscode-editorHoverWidget-border': '#454545',
};

/** The theme as a stylesheet rule on the root, with the page's background. */
export const DARK_THEME_CSS = `:root {\n${Object.entries(DARK_THEME)
  .map(([name, value]) => `  ${name}: ${value};`)
  .join('\n')}\n}\nhtml, body { background: #1f1f1f; color: #cccccc; margin: 0; }`;
