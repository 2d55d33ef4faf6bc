// Runs test/vscode/suite in a downloaded VS Code (Electron) with the extension under development:
// `npm run test:vscode`. Needs the internet (the VS Code download) and, on Linux without a
// display, `xvfb-run -a npm run test:vscode`. Where the download is impossible it says so and
// exits 2: a suite that did not run is never reported as passed.
// Offline, the same extension is tested in a real VS Code by test/e2e (code-server).
'use strict';
const path = require('node:path');
const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');

const repo = path.resolve(__dirname, '..', '..');

function loud(lines) {
  const bar = '!'.repeat(78);
  console.error(['', bar, ...lines.map((l) => `!! ${l}`), bar, ''].join('\n'));
}

async function main() {
  const version = process.env.CV_VSCODE_VERSION || 'stable';
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version,
      cachePath: path.join(repo, '.vscode-test'),
      timeout: 30000,
    });
  } catch (err) {
    loud([
      'test:vscode did NOT run: VS Code could not be downloaded.',
      `@vscode/test-electron: ${err instanceof Error ? err.message : String(err)}`,
      'This machine probably has no access to update.code.visualstudio.com.',
      'The extension is still tested in a real VS Code offline by `node test/run.js e2e`',
      '(code-server + Chromium). Run this suite where the internet is reachable.',
    ]);
    process.exit(2);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const exitCode = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
    launchArgs: [
      path.join(repo, 'examples'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--disable-gpu',
      '--skip-welcome',
      '--skip-release-notes',
      ...(isRoot ? ['--no-sandbox'] : []),
    ],
    extensionTestsEnv: { CV_REPO: repo },
  });
  process.exit(exitCode);
}

main().catch((err) => {
  console.error('test:vscode failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
