// What the e2e test files share: packaging the extension once per run, a Chromium through
// playwright-core (the system's Chromium found by scripts/chromium.js, never a download), polling, the command
// palette, and reading the extension's own log from a code-server user-data-dir.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, HEADLESS_ARGS } from '../../scripts/chromium';

export const REPO = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(REPO, 'test-results');
export const CHROMIUM = chromiumPath();
/** The name of the extension's log output channel (its file is `<name>.log`). */
export const LOG_CHANNEL = 'Concurrency Visualizer';

/** The pause between two reads of a polled condition (never a wait for its own sake). */
const POLL_MS = 250;

/** Polls `read` until `ok(value)`; fails with `what` and the last value. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) {
        return last;
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}${detail}`,
  );
}

let resultsReset = false;
/** Empties test-results of earlier e2e-* files, once per test run (all e2e files share it). */
export function resetResults(): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  if (resultsReset) {
    return;
  }
  resultsReset = true;
  for (const f of fs.readdirSync(RESULTS).filter((n) => n.startsWith('e2e-'))) {
    fs.rmSync(path.join(RESULTS, f), { force: true });
  }
}

let packaged: string | undefined;
/**
 * The .vsix under test: env CV_E2E_VSIX, else `npm run package:test` (once per test run): the
 * user's production build plus the test hooks (CV_TEST_HOOKS) the suites read.
 */
export function extensionPackage(): string {
  if (packaged) {
    return packaged;
  }
  let vsix = process.env.CV_E2E_VSIX;
  if (!vsix) {
    const r = spawnSync('npm', ['run', 'package:test'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 180000,
    });
    assert.equal(r.status, 0, `npm run package:test failed:\n${r.stdout}${r.stderr}`);
    vsix = path.join(REPO, 'dist', 'concurrency-visualizer-test.vsix');
  }
  assert.ok(fs.existsSync(vsix), `no extension package at ${vsix}`);
  packaged = vsix;
  return vsix;
}

/** A fresh headless Chromium profile in `dir`, with the flags that keep it off the network. */
export async function launchBrowser(dir: string): Promise<BrowserContext> {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 900 },
    args: HEADLESS_ARGS,
  });
}

/** Sends the extension host's console and page errors of `page` to `lines`. */
export function collectConsole(page: Page, lines: string[]): void {
  page.on('console', (m) => {
    const text = m.text();
    if (text.includes('[Extension Host]') || m.type() === 'error') {
      lines.push(`${new Date().toISOString()} ${m.type()} ${text}`);
    }
  });
  page.on('pageerror', (e) => lines.push(`${new Date().toISOString()} pageerror ${e.message}`));
}

/** Waits until the workbench shows the explorer with the opened folder's files. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: 60000 });
}

/**
 * Runs a command from the palette, retrying until the extension host has registered it (an
 * open palette never refreshes its list). `notText` leaves out rows that also contain it (e.g.
 * "Reload Window With Extensions Disabled"). `onFail` runs before the error is thrown.
 */
export async function runCommand(
  page: Page,
  title: string,
  options: { notText?: string; onFail?: () => Promise<unknown> } = {},
): Promise<void> {
  const deadline = Date.now() + 45000;
  const row = page
    .locator('.quick-input-list .monaco-list-row', {
      hasText: title,
      ...(options.notText ? { hasNotText: options.notText } : {}),
    })
    .first();
  while (Date.now() < deadline) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    try {
      await input.waitFor({ state: 'visible', timeout: 10000 });
      // The palette can close again at once when something else takes the focus (an editor
      // opened by a terminal command finishing): then open it again, do not wait 30 s.
      await input.fill(`>${title}`, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 2000 });
      await row.click();
      return;
    } catch {
      // An open palette never refreshes its list, or it closed: close it and ask again.
    }
  }
  await options.onFail?.();
  throw new Error(`the command palette never offered "${title}"`);
}

/** Names in the terminal list (the setting terminal.integrated.tabs.hideCondition: never). */
export async function terminalNames(page: Page): Promise<string[]> {
  return page.locator('.terminal-tabs-entry, .single-terminal-tab').allInnerTexts();
}

/** Texts of the editor tabs of every group. */
export async function tabTitles(page: Page): Promise<string[]> {
  return page.locator('.tabs-container .tab').allInnerTexts();
}

/**
 * Every line of the extension's log output channel under `userDataDir`/logs, across window
 * reloads (each extension host writes its own file). Empty when no file exists yet.
 */
export function extensionLog(userDataDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name === `${LOG_CHANNEL}.log`) {
        files.push(p);
      }
    }
  };
  const logs = path.join(userDataDir, 'logs');
  if (fs.existsSync(logs)) {
    walk(logs);
  }
  return files
    .sort()
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.trim() !== '');
}
