// What the e2e files that drive a timeline (visualize.test.ts, traceFile.test.ts) share: a
// code-server with the packaged extension on a copy of examples/, and reading the visible panel
// (its title, lanes, spans and state) and the editors' line decorations.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import {
  ensureCodeServer,
  installExtension,
  startCodeServer,
  type RunningCodeServer,
} from '../../scripts/code-server';
import {
  REPO,
  RESULTS,
  collectConsole,
  extensionPackage,
  launchBrowser,
  resetResults,
  runCommand,
  waitFor,
  waitForWorkbench,
} from './harness';

/**
 * The little of the DOM the page-side functions below use. This project's tsconfig has no DOM
 * lib (host code must never see it), and these functions run in the browser via evaluate().
 */
export interface DomElement {
  textContent: string | null;
  style: { top: string };
  classList: Iterable<string>;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  scrollIntoView(options?: object): void;
}
/** The page globals the tests read (cvDebug: the test hooks' automation, webview-ui/testHooks.ts). */
export type PageGlobals = {
  document: DomElement;
  cvDebug?: { findSpan(query: object): unknown };
};

/** A code-server with the extension installed, on a copy of examples/, and its Chromium page. */
export interface Workbench {
  server: RunningCodeServer;
  context: BrowserContext;
  page: Page;
  /** The scratch folder holding everything below (removed by close()). */
  workDir: string;
  /** The opened folder: a copy of the repository's examples/. */
  examples: string;
  userDataDir: string;
  /** The extension host's console and page errors, written to test-results by close(). */
  consoleLines: string[];
  /** Writes the console log, closes the browser and stops code-server. */
  close(): Promise<void>;
}

/**
 * Packages and installs the extension, starts code-server and opens examples/ in Chromium.
 * `prepare` adds files to the copy of examples/ first (the explorer then lists them at once).
 */
export async function openWorkbench(
  consoleLog: string,
  prepare?: (examples: string) => void,
): Promise<Workbench> {
  resetResults();
  const vsix = extensionPackage();
  try {
    assert.ok(ensureCodeServer());
  } catch (err) {
    throw new Error(
      `code-server could not be installed, so the e2e tests cannot run: ${(err as Error).message}`,
    );
  }
  const consoleLines: string[] = [];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-e2e-'));
  const examples = path.join(workDir, 'examples');
  fs.cpSync(path.join(REPO, 'examples'), examples, { recursive: true });
  prepare?.(examples);
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = path.join(workDir, 'extensions');
  installExtension(vsix, { userDataDir, extensionsDir, scratchDir: workDir });
  const server = await startCodeServer({
    output: (line) => consoleLines.push(`code-server: ${line}`),
    userDataDir,
    extensionsDir,
    scratchDir: workDir,
    settings: {
      'security.workspace.trust.enabled': false,
      // The terminal list is always shown, so a test can read the terminals' names.
      'terminal.integrated.tabs.hideCondition': 'never',
      'terminal.integrated.enablePersistentSessions': false,
    },
  });
  const context = await launchBrowser(path.join(workDir, 'chromium'));
  const page = context.pages()[0] || (await context.newPage());
  collectConsole(page, consoleLines);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(examples)}`);
  await waitForWorkbench(page);
  return {
    server,
    context,
    page,
    workDir,
    examples,
    userDataDir,
    consoleLines,
    async close() {
      fs.mkdirSync(RESULTS, { recursive: true });
      fs.writeFileSync(path.join(RESULTS, consoleLog), consoleLines.join('\n') + '\n');
      await context.close().catch(() => undefined);
      await server.stop();
      if (!process.env.CV_E2E_KEEP) {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

/** 1-based line of the first line of `file` that contains `text`. */
export function lineOf(file: string, text: string): number {
  const index = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${text} not found in ${file}`);
  return index + 1;
}

/** Opens a file of the workspace by clicking it in the explorer. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await waitFor(
    `${name} to be the active editor`,
    () => page.locator('.editor-group-container.active .tab.active').first().innerText(),
    (t) => t.includes(name),
  );
}

/** Closes every editor, so that the next webview opened is the only one visible. */
export async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await waitFor(
    'no visible webview',
    () => page.locator('iframe.webview >> visible=true').count(),
    (n) => n === 0,
    15000,
  );
}

/**
 * Waits until the command palette lists the extension's commands: a .cvtrace clicked before the
 * workbench has read the extension's contributions opens as binary text.
 */
export async function waitForExtensionCommands(page: Page): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Lesson' });
  await waitFor(
    "the palette to list the extension's commands",
    async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Concurrency Visualizer: Open Lesson');
      return row.first().isVisible();
    },
    (visible) => visible,
    60000,
  );
  await page.keyboard.press('Escape');
}

/**
 * Types `target` into the open save dialog (code-server's simple file dialog: a quick input
 * holding a path), confirms, and returns the file once more than `minBytes` are written there.
 */
export async function saveInDialog(page: Page, target: string, minBytes: number): Promise<Buffer> {
  const input = page.locator('.quick-input-widget input');
  await input.fill(target);
  await input.press('Enter');
  return waitFor(
    `${target} to be written`,
    async () => (fs.existsSync(target) ? fs.readFileSync(target) : Buffer.alloc(0)),
    (b) => b.length > minBytes,
    20000,
  );
}

/** The visible webview panel's own document (inside VS Code's two iframes). */
export function panel(page: Page): FrameLocator {
  return page
    .frameLocator('iframe.webview.ready >> visible=true')
    .frameLocator('iframe#active-frame');
}

/** The visible panel's inner frame, for evaluate(). */
export async function panelFrame(page: Page): Promise<Frame> {
  return waitFor(
    'the visible webview frame with #threads-canvas',
    async () => {
      for (const frame of page.frames()) {
        const outer = frame.parentFrame();
        if (!outer || outer === page.mainFrame()) {
          continue;
        }
        const iframe = await outer.frameElement().catch(() => null);
        if (!iframe || !(await iframe.isVisible())) {
          continue;
        }
        if (
          await frame
            .evaluate(
              () =>
                !!(globalThis as unknown as PageGlobals).document.querySelector('#threads-canvas'),
            )
            .catch(() => false)
        ) {
          return frame;
        }
      }
      return undefined;
    },
    (f) => f !== undefined,
  ) as Promise<Frame>;
}

/** What the visible panel shows: its title, lanes, spans and the program's state. */
export async function threads(page: Page): Promise<{
  title: string | null;
  lanes: number;
  spans: number;
  state: string | null;
  status: string | null;
}> {
  // One read inside the frame, so that the fields come from the same moment of the same
  // panel (read one by one, a panel that draws in between gives a title from one frame and
  // lanes from the one before).
  return panel(page)
    .locator('body')
    .evaluate(
      (body) => {
        const threadsBox = body.querySelector('#threads');
        const status = body.querySelector('#status');
        return {
          title: body.querySelector('#title')?.textContent ?? null,
          lanes: Number(threadsBox?.getAttribute('data-lanes') ?? NaN),
          spans: Number(threadsBox?.getAttribute('data-spans') ?? NaN),
          state: status?.getAttribute('data-state') ?? null,
          status: status?.textContent ?? null,
        };
      },
      undefined,
      { timeout: 2000 },
    );
}

/** The pixel position of a span of `type` in the visible panel's threads canvas. */
export async function spanPosition(page: Page, type: string): Promise<{ x: number; y: number }> {
  const frame = await panelFrame(page);
  const found = await frame.evaluate((t) => {
    const debug = (globalThis as unknown as PageGlobals).cvDebug;
    return debug ? debug.findSpan({ type: t }) : 'no window.cvDebug';
  }, type);
  assert.ok(
    found && typeof found === 'object' && 'x' in found && 'y' in found,
    `cvDebug.findSpan({type:'${type}'}) returned ${JSON.stringify(found)}`,
  );
  return found as { x: number; y: number };
}

/**
 * Clicks the span at `spanPx` in the visible panel and waits until the editor's cursor is on
 * `line` in the tab named `file`: click-to-source, as a user sees it.
 */
export async function clickJumpsTo(
  page: Page,
  spanPx: { x: number; y: number },
  file: string,
  line: number,
): Promise<void> {
  await panel(page).locator('#threads-canvas').click({ position: spanPx });
  await waitFor(
    `the cursor on line ${line}`,
    () => page.locator('[id="status.editor.selection"]').innerText({ timeout: 2000 }),
    (t) => t.startsWith(`Ln ${line},`),
    15000,
  );
  const active = await page
    .locator('.editor-group-container.active .tab.active')
    .first()
    .innerText();
  assert.ok(active.includes(file), `active tab is "${active}", not ${file}`);
}

/** Lines (1-based) of the editor showing `file` that carry a whole-line `ced-` decoration. */
export async function decoratedLines(page: Page, file: string): Promise<string[]> {
  return page.evaluate((name) => {
    const out: string[] = [];
    const { document } = globalThis as unknown as PageGlobals;
    for (const group of Array.from(document.querySelectorAll('.editor-group-container'))) {
      const tab = group.querySelector('.tab.active');
      if (!tab || !(tab.textContent || '').includes(name)) {
        continue;
      }
      const margin = Array.from(group.querySelectorAll('.margin-view-overlays > div'));
      for (const el of Array.from(group.querySelectorAll('.view-overlays [class*="ced-"]'))) {
        const row = el.closest('.view-overlays > div');
        const top = row ? row.style.top : '';
        const number = margin.find((m) => m.style.top === top)?.querySelector('.line-numbers');
        const ced = Array.from(el.classList).find((c) => c.startsWith('ced-'));
        out.push(`${(number?.textContent || '?').trim()}:${ced}`);
      }
    }
    return out;
  }, file);
}
