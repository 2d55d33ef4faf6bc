#!/usr/bin/env node
// @ts-check
// `npm run demo`: a real VS Code on examples/ with the extension loaded and examples/timers.js
// open. With `code` on PATH: an Extension Development Host. Otherwise: the packaged extension in
// an isolated code-server on 127.0.0.1, open in your browser, until Ctrl+C.
// Options: --port N (default: a free port), --trust (keep workspace trust on: VS Code asks
// whether to trust examples/; code-server keeps that answer in the browser, so it cannot be
// given in advance). Env CV_DEMO_VSIX=<file> installs that .vsix instead of packaging.
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureCodeServer, installExtension, startCodeServer } = require('./code-server');

const repo = path.resolve(__dirname, '..');
const examples = path.join(repo, 'examples');
const timers = path.join(examples, 'timers.js');

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function onPath(command) {
  return cp.spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const r = cp.spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

/** Builds the production bundles and packs them into a .vsix in `dir`. */
function packageExtension(dir) {
  run(process.execPath, ['esbuild.js', '--production']);
  const vsix = path.join(dir, 'concurrency-visualizer.vsix');
  const vsce = path.join(repo, 'node_modules', '.bin', 'vsce');
  run(fs.existsSync(vsce) ? vsce : 'npx', [
    ...(fs.existsSync(vsce) ? [] : ['vsce']),
    'package',
    '--no-dependencies',
    // The README's images are relative and the repository URL is not a real host.
    '--no-rewrite-relative-links',
    '--out',
    vsix,
  ]);
  return vsix;
}

async function withCodeServer() {
  const trust = process.argv.includes('--trust');
  const port = Number(option('--port') || process.env.CV_DEMO_PORT || 0) || undefined;
  console.log('No `code` on PATH: starting VS Code in the browser (code-server).');
  ensureCodeServer();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-demo-'));
  const cleanup = () => fs.rmSync(scratch, { recursive: true, force: true });
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  let server;
  try {
    const vsix = process.env.CV_DEMO_VSIX || packageExtension(scratch);
    installExtension(vsix, { userDataDir, extensionsDir, scratchDir: scratch });
    server = await startCodeServer({
      port,
      userDataDir,
      extensionsDir,
      scratchDir: scratch,
      disableWorkspaceTrust: !trust,
      settings: { 'security.workspace.trust.enabled': trust },
    });
  } catch (err) {
    cleanup();
    throw err;
  }
  const running = server;
  const openFile = `vscode-remote://127.0.0.1:${running.port}${timers}`;
  const payload = encodeURIComponent(JSON.stringify([['openFile', openFile]]));
  const url = `${running.url}/?folder=${encodeURI(examples)}`;
  const bar = '='.repeat(78);
  console.log(
    [
      '',
      bar,
      `Open ${url}`,
      '',
      `(with timers.js already open: ${url}&payload=${payload})`,
      'Then run "Visualize Concurrency" from the editor title bar or the command palette (F1).',
      trust
        ? 'Workspace trust is on: answer "Yes, I trust the authors" for examples/ first.'
        : 'Workspace trust is off for this demo (code-server cannot pre-trust a folder); use --trust to keep it on.',
      'Press Ctrl+C to stop.',
      bar,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nstopping code-server');
    await running.stop();
    cleanup();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const exit = await running.exited;
  if (!stopping) {
    cleanup();
    console.error(`code-server exited unexpectedly: ${JSON.stringify(exit)}`);
    process.exit(1);
  }
}

async function main() {
  if (onPath('code') && !process.argv.includes('--code-server')) {
    const r = cp.spawnSync('code', [`--extensionDevelopmentPath=${repo}`, examples, timers], {
      stdio: 'inherit',
    });
    process.exit(r.status ?? 1);
  }
  await withCodeServer();
}

main().catch((err) => {
  console.error(`demo: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
