// End to end, in a workspace the user does not trust: a code-server of its own with workspace
// trust enabled (the other e2e file disables it). Visualize Concurrency must explain that
// running a program needs trust, and run nothing. Screenshots: test-results/e2e-trust-*.png;
// the console: test-results/e2e-trust-console.log.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
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
  extensionLog,
  extensionPackage,
  launchBrowser,
  resetResults,
  runCommand,
  tabTitles,
  terminalNames,
  waitFor,
  waitForWorkbench,
} from './harness';

describe('e2e: Visualize Concurrency in an untrusted workspace (restricted mode)', function () {
  let server: RunningCodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let workDir: string;
  let userDataDir: string;
  const consoleLines: string[] = [];
  let shot = 0;

  async function screenshot(name: string): Promise<string> {
    shot += 1;
    const file = path.join(RESULTS, `e2e-trust-${shot}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }

  before(async function () {
    this.timeout(15 * 60 * 1000); // a first run installs code-server
    resetResults();
    const vsix = extensionPackage();
    try {
      ensureCodeServer();
    } catch (err) {
      throw new Error(
        `code-server could not be installed, so the e2e tests cannot run: ${(err as Error).message}`,
      );
    }
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-e2e-trust-'));
    const examples = path.join(workDir, 'examples');
    fs.cpSync(path.join(REPO, 'examples'), examples, { recursive: true });
    userDataDir = path.join(workDir, 'user-data');
    const extensionsDir = path.join(workDir, 'extensions');
    installExtension(vsix, { userDataDir, extensionsDir, scratchDir: workDir });
    server = await startCodeServer({
      output: (line) => consoleLines.push(`code-server: ${line}`),
      userDataDir,
      extensionsDir,
      scratchDir: workDir,
      disableWorkspaceTrust: false,
      settings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'always',
        'terminal.integrated.tabs.hideCondition': 'never',
        'terminal.integrated.enablePersistentSessions': false,
      },
    });
    context = await launchBrowser(path.join(workDir, 'chromium'));
    page = context.pages()[0] || (await context.newPage());
    collectConsole(page, consoleLines);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(examples)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  });

  after(async function () {
    this.timeout(30000);
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, 'e2e-trust-console.log'), consoleLines.join('\n') + '\n');
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (workDir && !process.env.CV_E2E_KEEP) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('g) does not run timers.js and says the workspace must be trusted', async function () {
    this.timeout(90000);
    // VS Code asks first; the user chooses not to trust the authors (restricted mode).
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'trust the authors' });
    try {
      await dialog.waitFor({ state: 'visible', timeout: 30000 });
    } catch {
      await screenshot('no-trust-prompt');
      throw new Error(
        'expected VS Code to ask "Do you trust the authors of the files in this folder?" on opening the folder',
      );
    }
    await screenshot('trust-prompt');
    await dialog.getByRole('button', { name: /don.t trust/i }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10000 });
    await waitForWorkbench(page);

    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'timers.js' })
      .first()
      .click();
    await waitFor(
      'timers.js to be the active editor',
      () => page.locator('.editor-group-container.active .tab.active').first().innerText(),
      (t) => t.includes('timers.js'),
    );
    await runCommand(page, 'Visualize Concurrency', {
      onFail: () => screenshot('palette-failed'),
    });

    const toast = page
      .locator('.notification-toast', { hasText: 'trusted workspace' })
      .filter({ visible: true })
      .first();
    try {
      await toast.waitFor({ state: 'visible', timeout: 20000 });
    } catch {
      await screenshot('no-notification');
      const shown = await page.locator('.notification-toast').allInnerTexts();
      throw new Error(
        `expected a notification saying running code needs a trusted workspace; notifications: ${JSON.stringify(shown)}`,
      );
    }
    const message = await toast.innerText();
    assert.match(message, /running code needs a trusted workspace/i);
    assert.ok(
      await toast.getByRole('button', { name: 'Manage Workspace Trust' }).isVisible(),
      `the notification offers no "Manage Workspace Trust" button: ${JSON.stringify(message)}`,
    );

    // The extension says it started nothing (a run it started would be logged before that).
    await waitFor(
      'the extension to log that Visualize needs a trusted workspace',
      async () => extensionLog(userDataDir),
      (lines) => lines.some((l) => /needs a trusted workspace: nothing was started/.test(l)),
      30000,
    );
    const tabs = await tabTitles(page);
    assert.ok(
      !tabs.some((t) => t.includes('Concurrency: timers.js')),
      `a timeline panel opened in an untrusted workspace: tabs ${JSON.stringify(tabs)}`,
    );
    const terminals = await terminalNames(page);
    assert.ok(
      !terminals.some((t) => t.includes('timers.js')),
      `a terminal for timers.js opened in an untrusted workspace: ${JSON.stringify(terminals)}`,
    );
    const runs = extensionLog(userDataDir).filter((l) => /running /.test(l));
    assert.deepEqual(runs, [], 'the extension must not start a program without trust');
    await screenshot('restricted-notification');

    // The button leads to the Workspace Trust editor, where the user can change their mind.
    await toast.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await waitFor(
      'the Workspace Trust editor to open',
      () => page.locator('.editor-group-container.active .tab.active').first().innerText(),
      (t) => t.includes('Workspace Trust'),
      15000,
    );
    await waitFor(
      'the Workspace Trust editor to say the folder is in Restricted Mode',
      () => page.locator('.editor-group-container.active .editor-container').innerText(),
      (t) => /In Restricted Mode/i.test(t),
      15000,
    );
    await screenshot('manage-trust');
  });
});
