// Test harness for the timeline webview: builds the bundles, records real traces, serves the
// panel's own HTML (src/panel/html.ts: the same CSP, nonce, stylesheet and script) with a fake
// VS Code API added by the browser before any page script, and drives it in Debian's headless
// Chromium (never a downloaded browser).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSession, withTracerNodeOptions } from '../../src/launch/session';
import { DARK_THEME } from '../../src/cli/export/theme';
import { timelineHtml } from '../../src/panel/html';
import { readSessionTrace } from '../../src/launch/tail';
import { FRAME_HEADER_BYTES } from '../../src/shared/traceFormat';
import type { PageWindow } from './pageGlobals';
import { buildWebviewBundle } from '../../scripts/webviewBundle';
import { chromiumPath, HEADLESS_ARGS } from '../../scripts/chromium';

declare const window: PageWindow;
declare function atob(data: string): string;
declare function requestAnimationFrame(callback: () => void): number;

export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'test-results');

/** Builds webview-ui/main.ts exactly as esbuild.js does; returns the bundle's path. */
export async function buildWebview(outDir: string): Promise<string> {
  return buildWebviewEntry(
    path.join(ROOT, 'webview-ui', 'main.ts'),
    path.join(outDir, 'webview.js'),
  );
}

/** Builds a webview entry (with the cores chart's worker inlined) as esbuild.js does. */
export async function buildWebviewEntry(entry: string, outfile: string): Promise<string> {
  return buildWebviewBundle({ entry, outfile, logLevel: 'silent' });
}

/** Builds the tracer bundle (node, cjs) into `outDir`; returns its path. */
export async function buildTracer(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'tracer.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'tracer', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    logLevel: 'silent',
  });
  return outfile;
}

/** Runs an example under the tracer in a real child process; returns its trace (header + frames). */
export async function recordExample(
  tracerPath: string,
  tmpRoot: string,
  example: string,
): Promise<Uint8Array> {
  const session = createSession(tracerPath, tmpRoot);
  const env = {
    ...process.env,
    NODE_OPTIONS: withTracerNodeOptions(process.env.NODE_OPTIONS, session.preloadPath),
  };
  const child = spawn(process.execPath, [path.join(ROOT, 'examples', example)], {
    env,
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(`${example} exited with ${code}`);
  }
  return readSessionTrace(session.dir);
}

/** Offsets where frames end in a trace (after its 8-byte header). */
export function frameEnds(trace: Uint8Array): number[] {
  const view = new DataView(trace.buffer, trace.byteOffset, trace.byteLength);
  const ends: number[] = [];
  for (let pos = 8; pos + FRAME_HEADER_BYTES <= trace.length;) {
    pos += FRAME_HEADER_BYTES + view.getUint32(pos, true);
    ends.push(pos);
  }
  return ends;
}

/**
 * What VS Code's webview host provides, added to every page before its own scripts (so the
 * page's HTML and CSP stay the panel's): theme variables, the body's theme class, the fake
 * VS Code API (its posts and state recorded) and a record of CSP violations. A string: the
 * page has no helpers of the test's compiler.
 */
export function fakeWebviewHost(): string {
  return `
(() => {
  const theme = ${JSON.stringify(DARK_THEME)};
  // This runs before the document has elements: theme the root and the body as they appear
  // (the parser delivers these records before it runs the panel's script).
  let themed = false;
  const observer = new MutationObserver(() => {
    if (!themed && document.documentElement) {
      themed = true;
      for (const [name, value] of Object.entries(theme)) {
        document.documentElement.style.setProperty(name, value);
      }
    }
    if (document.body) {
      document.body.className = 'vscode-dark';
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  window.__posted = [];
  window.__state = undefined;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    setState: (s) => { window.__state = s; },
    getState: () => window.__state,
  });
})();
`;
}

/** A server of the panel's page (src/panel/html.ts), on 127.0.0.1 at a random port. */
export interface Harness {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Extra files to serve (url -> [path, content type]); `connect` lets the page fetch them. */
export interface HarnessExtras {
  files?: Record<string, [string, string]>;
  connect?: boolean;
}

/** Starts the page server and Chromium. */
export async function startHarness(
  webviewJs: string,
  extras: HarnessExtras = {},
): Promise<Harness> {
  const files: Record<string, [string, string]> = {
    '/media/panel.css': [path.join(ROOT, 'media', 'panel.css'), 'text/css'],
    '/dist/webview.js': [webviewJs, 'text/javascript'],
    ...extras.files,
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const origin = `http://${req.headers.host}`;
    if (url === '/' || url.startsWith('/?')) {
      const nonce = crypto.randomBytes(16).toString('base64');
      let html = timelineHtml({
        nonce,
        cspSource: origin,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/media/panel.css`,
      });
      if (extras.connect) {
        // The benchmark fetches its trace: the one directive the panel does not have.
        const before = html;
        html = html.replace("default-src 'none'", `default-src 'none'; connect-src ${origin}`);
        assert.notEqual(html, before, "the panel's CSP has default-src 'none'");
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const file = files[url];
    if (file) {
      res.writeHead(200, { 'content-type': file[1] });
      fs.createReadStream(file[0]).pipe(res);
      return;
    }
    res.writeHead(url === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...HEADLESS_ARGS,
      ...(process.env.CV_JS_FLAGS ? [`--js-flags=${process.env.CV_JS_FLAGS}`] : []),
    ],
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens the panel page; collects page errors into `errors`. */
export async function openPanel(harness: Harness, errors: string[]): Promise<Page> {
  const page = await harness.browser.newPage({
    viewport: { width: 1100, height: 640 },
    deviceScaleFactor: 1,
  });
  await page.addInitScript({ content: fakeWebviewHost() });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      errors.push(msg.text());
    }
  });
  await page.goto(harness.url);
  await page.waitForFunction(() => window.__posted.length > 0);
  return page;
}

/**
 * Resolves after two more animation frames of the page: a redraw asked for before (by input,
 * a resize or a theme change, which request one for the next frame) has been drawn.
 */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
}

/** Closes a panel page, asserting it saw no CSP violation and no page error. */
export async function closePanel(page: Page, errors: string[]): Promise<void> {
  const violations = await page.evaluate(() => window.__cspViolations);
  await page.close();
  assert.deepEqual(violations, [], 'no CSP violations');
  assert.deepEqual(errors, [], 'no page errors');
}

/** Posts a message to the page as the extension host would (bytes rebuilt as Uint8Array). */
export async function postToPage(
  page: Page,
  message: object,
  chunks?: Uint8Array[],
): Promise<void> {
  await page.evaluate(
    ({ message, chunks }) => {
      const m = { ...message } as Record<string, unknown>;
      // Bytes cross as base64 (quick to serialize), and reach the panel as Uint8Array.
      const bytes = chunks?.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      if (m.type === 'append' && bytes) {
        m.chunk = bytes[0];
      } else if (bytes) {
        m.chunks = bytes;
      }
      window.postMessage(m, '*');
    },
    {
      message,
      chunks: chunks?.map((c) =>
        Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
      ),
    },
  );
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
