/**
 * `export --format html`: the viewer and one trace in a single HTML file that opens offline from
 * file:// in any current browser, with the panel's CSP (src/panel/html.ts) made for inline code:
 * scripts and the stylesheet allowed by their sha256 hashes, nothing else loaded.
 *
 * The trace's bytes are base64 text in a `<script type="application/octet-stream">` block and the
 * code excerpts (read at export time, the lines around every creation site the trace names) JSON
 * in a `<script type="application/json">` block: browsers never run either, base64 has no `<`,
 * and the JSON's `<` are escaped, so no string of the trace can end the block or become markup.
 * A small host script (hostShim.ts) stands in for VS Code: it answers the viewer's `ready` with
 * the trace and its `source` requests with the excerpts.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceModel } from '../../model/traceModel';
import type { SessionInfo } from '../../shared/protocol';
import { timelineCsp } from '../../panel/html';
import { HOST_SHIM } from './hostShim';
import { DARK_THEME_CSS } from './theme';

/** Lines kept around each creation site (as the panel's details show). */
const CONTEXT_LINES = 3;
/** Source files larger than this are not read (as the panel). */
const SOURCE_MAX_BYTES = 8 * 1024 * 1024;
/** Characters of one line kept (as the panel). */
const LINE_MAX_CHARS = 400;
/** All excerpts together stop growing past this many characters. */
const EXCERPTS_MAX_CHARS = 8 * 1024 * 1024;
/** Trace bytes encoded at a time: a multiple of 3, so base64 pieces join without padding. */
const BASE64_CHUNK_BYTES = 3 * 1024 * 1024;

/** The viewer's files: the webview bundle and its stylesheet. */
export interface ViewerAssets {
  webviewJs: string;
  panelCss: string;
}

/** Finds dist/webview.js and media/panel.css from the CLI bundle's folder (or the sources'). */
export function defaultViewerAssets(): ViewerAssets {
  let dir = __dirname;
  for (let up = 0; up < 5; up++) {
    const webviewJs = path.join(dir, 'dist', 'webview.js');
    const panelCss = path.join(dir, 'media', 'panel.css');
    if (fs.existsSync(webviewJs) && fs.existsSync(panelCss)) {
      return { webviewJs, panelCss };
    }
    dir = path.dirname(dir);
  }
  throw new Error('the viewer (dist/webview.js, media/panel.css) was not found: run npm run build');
}

/** sha256 of a script's or stylesheet's text, as a CSP source. */
function cspHash(text: string): string {
  return `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The panel's CSP for a page whose code is inline: the nonce becomes the scripts' hashes, the
 * extension's origin the stylesheet's hash for styles and nothing for images and fonts; every
 * other directive (default-src 'none', worker-src blob:) stays as the panel has it.
 */
export function exportCsp(scriptHashes: string[], styleHash: string): string {
  const NONCE = 'NONCE';
  const SOURCE = 'CSP-SOURCE';
  return timelineCsp(NONCE, SOURCE)
    .split('; ')
    .map((directive) => {
      const [name] = directive.split(' ');
      if (directive.includes(`'nonce-${NONCE}'`)) {
        return `${name} ${scriptHashes.join(' ')}`;
      }
      if (!directive.includes(SOURCE)) {
        return directive;
      }
      if (name === 'style-src') {
        return `${name} ${styleHash}`;
      }
      const rest = directive
        .split(' ')
        .slice(1)
        .filter((s) => s !== SOURCE);
      return `${name} ${rest.length ? rest.join(' ') : "'none'"}`;
    })
    .join('; ');
}

/** JSON that can sit in a `<script type="application/json">` block: no `<` to end it. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Code inlined in a `<script>`: no `</script` or `<!--` (which change how HTML reads it). */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Text for HTML text content or a quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Excerpts: file -> { line number: text } for the lines around each site the trace names. */
export type SourceExcerpts = Record<string, Record<string, string>>;

/**
 * Reads the lines around every creation site of the trace, once per file: only absolute paths
 * (or file: URLs) to regular files of at most 8 MiB, as the panel reads them.
 */
export function readExcerpts(model: TraceModel): SourceExcerpts {
  const linesOfFile = new Map<string, Set<number>>();
  for (const loc of model.locations) {
    if (Number.isInteger(loc.line) && loc.line >= 1) {
      const set = linesOfFile.get(loc.file) ?? new Set<number>();
      set.add(loc.line);
      linesOfFile.set(loc.file, set);
    }
  }
  const out: SourceExcerpts = Object.create(null) as SourceExcerpts;
  let chars = 0;
  for (const [file, lines] of linesOfFile) {
    let all: string[];
    try {
      const filePath = file.startsWith('file://') ? new URL(file).pathname : file;
      if (!path.isAbsolute(filePath)) {
        continue;
      }
      const stat = fs.statSync(filePath);
      if (!stat.isFile() || stat.size > SOURCE_MAX_BYTES) {
        continue;
      }
      all = fs.readFileSync(filePath, 'utf8').split(/\r?\n/);
    } catch {
      continue;
    }
    const kept: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const line of lines) {
      const last = Math.min(all.length, line + CONTEXT_LINES);
      for (let n = Math.max(1, line - CONTEXT_LINES); n <= last; n++) {
        if (kept[n] === undefined && chars < EXCERPTS_MAX_CHARS) {
          kept[n] = all[n - 1].slice(0, LINE_MAX_CHARS);
          chars += kept[n].length + 8;
        }
      }
    }
    out[file] = kept;
  }
  return out;
}

/** What the page shows in its header: the trace file's name and the recorded command. */
function sessionOf(input: string, model: TraceModel): SessionInfo {
  const root = model.threads.find((t) => t.info.kind === 'main') ?? model.threads[0];
  return {
    title: path.basename(input),
    commandLine: root?.info.argv?.join(' ') ?? '',
  };
}

/** The trace file as base64, in pieces (read in chunks: never the whole file as one string). */
function* base64OfFile(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(BASE64_CHUNK_BYTES);
    for (;;) {
      let filled = 0;
      while (filled < buffer.length) {
        const n = fs.readSync(fd, buffer, filled, buffer.length - filled, null);
        if (n === 0) {
          break;
        }
        filled += n;
      }
      if (filled > 0) {
        yield buffer.subarray(0, filled).toString('base64');
      }
      if (filled < buffer.length) {
        return;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The HTML file of trace `input` (already decoded into `model`, for its excerpts and title),
 * in chunks. The trace's own bytes are embedded as they are, damage included: the viewer shows
 * what it can read and where reading stopped, as the panel does.
 */
export function* htmlExportChunks(
  input: string,
  model: TraceModel,
  assets: ViewerAssets = defaultViewerAssets(),
): Generator<string> {
  const bundle = inlineScript(
    fs.readFileSync(assets.webviewJs, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
  );
  const shim = inlineScript(HOST_SHIM);
  const css = `${DARK_THEME_CSS}\n${fs.readFileSync(assets.panelCss, 'utf8')}`;
  const session = sessionOf(input, model);
  const csp = exportCsp([cspHash(shim), cspHash(bundle)], cspHash(css));
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="concurrency-visualizer export --format html">
<title>${escapeHtml(`Concurrency: ${session.title}`)}</title>
<style>${css}</style>
</head>
<body class="vscode-dark" data-vscode-theme-kind="vscode-dark"><div id="app"></div>
<script type="application/json" id="cv-session">${jsonForScriptBlock(session)}</script>
<script type="application/json" id="cv-sources">${jsonForScriptBlock(readExcerpts(model))}</script>
<script type="application/octet-stream" id="cv-trace">`;
  yield* base64OfFile(input);
  yield `</script>
<script>${shim}</script>
<script>${bundle}</script>
</body>
</html>
`;
}
