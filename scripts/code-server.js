#!/usr/bin/env node
// @ts-check
// A real VS Code for tests and the demo on machines without a VS Code download: code-server
// 4.100.3 (VS Code 1.100, runs on Node 20), installed from the npm registry into a cache folder
// outside the project's dependencies, and started isolated (HOME, XDG dirs, user data) on
// 127.0.0.1 (a secure context, which the webview's service worker needs).
//
// Why each step is as it is (measured on 2 cores, Node 20, offline but for npm and Debian):
// - VS Code desktop cannot be downloaded there (@vscode/test-electron, electron's postinstall);
//   code-server serves the real workbench, extension host and webviews to Debian's Chromium.
// - code-server 4.100.3 runs on Node 20 (4.139 needs Node 24); it is VS Code 1.100, so the
//   extension's engines.vscode floor must stay at or below 1.100.
// - Its install compiles native modules (kerberos, node-pty, native-keymap, @vscode/spdlog):
//   build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev.
//   About 90 s from an empty npm cache; as root it needs npm_config_unsafe_perm and
//   npm_config_yes (node-pty's postinstall runs `npx node-gyp`).
// - @vscode/ripgrep downloads rg from GitHub unless its cache holds it: Debian's rg is put there.
// - code-server writes ~/.config even for --version: HOME and the XDG dirs point at scratch.
// - 127.0.0.1, not another name: the page must be a secure context for webview service workers.
//
// CLI: node scripts/code-server.js --install   installs (if missing) and prints the binary path
//      node scripts/code-server.js --path      prints the binary path, or exits 1 if missing
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { aptInstall, aptPrefix, installCommand } = require('./apt');

/** The code-server version everything here is measured on (VS Code 1.100.3). */
const CODE_SERVER_VERSION = '4.100.3';
// code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, which downloads rg v13.0.0-10 from
// GitHub unless its cache (under TMPDIR) already holds the archive.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Settings that make the workbench deterministic: no welcome page, tips, chat or updates. */
const DETERMINISTIC_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.editor.enablePreview': false,
  // The examples' servers listen on ports; forwarding them only adds notifications.
  'remote.autoForwardPorts': false,
};

/** The folder code-server is installed in (env CV_CODE_SERVER_DIR overrides it). */
function codeServerDir() {
  if (process.env.CV_CODE_SERVER_DIR) {
    return path.resolve(process.env.CV_CODE_SERVER_DIR);
  }
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'concurrency-visualizer', `code-server-${CODE_SERVER_VERSION}`);
}

/** The code-server entry script (run it with Node 20), whether installed or not. */
function codeServerEntry(dir = codeServerDir()) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Written last by a successful install, so a half-finished install is never used. */
function markerFile(dir) {
  return path.join(dir, '.installed');
}

/** The code-server entry script if it is completely installed, else undefined. */
function installedCodeServer(dir = codeServerDir()) {
  const entry = codeServerEntry(dir);
  if (fs.existsSync(markerFile(dir)) && fs.existsSync(entry)) {
    return entry;
  }
  return undefined;
}

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

function onPath(command) {
  return cp.spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function anyExists(files) {
  return files.some((f) => fs.existsSync(f));
}

function pkgConfig(name) {
  return cp.spawnSync('pkg-config', ['--exists', name], { stdio: 'ignore' }).status === 0;
}

/**
 * The apt packages missing for installing code-server (it compiles native modules: kerberos,
 * node-pty, native-keymap, @vscode/spdlog) and for the ripgrep cache trick.
 */
function missingSystemPackages() {
  const checks = [
    ['ripgrep', () => fs.existsSync('/usr/bin/rg') || onPath('rg')],
    ['build-essential', () => onPath('make') && onPath('g++') && onPath('cc')],
    ['pkg-config', () => onPath('pkg-config')],
    ['python3', () => onPath('python3')],
    ['libkrb5-dev', () => onPath('krb5-config') || anyExists(['/usr/include/gssapi/gssapi.h'])],
    ['libx11-dev', () => anyExists(['/usr/include/X11/Xlib.h'])],
    ['libxkbfile-dev', () => anyExists(['/usr/include/X11/extensions/XKBfile.h'])],
    ['libsecret-1-dev', () => onPath('pkg-config') && pkgConfig('libsecret-1')],
  ];
  return checks.filter(([, ok]) => !ok()).map(([pkg]) => pkg);
}

/** Installs missing apt packages (as root or with `sudo -n`); otherwise says exactly what to run. */
function ensureSystemPackages() {
  const missing = missingSystemPackages();
  if (missing.length === 0) {
    return;
  }
  if (!aptPrefix()) {
    throw new Error(
      `code-server needs system packages that are missing: ${missing.join(', ')}.\n` +
        `Install them (Debian/Ubuntu) with:\n  ${installCommand(missing)}\nthen run this again.`,
    );
  }
  log(`installing missing system packages: ${missing.join(' ')}`);
  aptInstall(missing);
  const still = missingSystemPackages();
  if (still.length) {
    throw new Error(`still missing after apt-get: ${still.join(', ')}`);
  }
}

/** Puts the machine's rg where @vscode/ripgrep looks before it downloads from GitHub. */
function seedRipgrepCache(tmpDir) {
  const rg = fs.existsSync('/usr/bin/rg')
    ? '/usr/bin/rg'
    : cp.execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const cacheDir = path.join(tmpDir, RIPGREP_CACHE);
  const archive = path.join(cacheDir, RIPGREP_ARCHIVE);
  if (fs.existsSync(archive)) {
    return;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  cp.execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
  log(`ripgrep cache seeded from ${rg}`);
}

/**
 * Returns the path of code-server's entry script (run it with `node`), installing code-server
 * 4.100.3 first if it is missing. Takes about 90 s on 2 cores from an empty npm cache.
 */
function ensureCodeServer({ dir = codeServerDir(), quiet = false } = {}) {
  const existing = installedCodeServer(dir);
  if (existing) {
    return existing;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `installing code-server is only automated on Linux x64 (this is ${process.platform}-${process.arch})`,
    );
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    log(
      `warning: code-server ${CODE_SERVER_VERSION} is measured on Node 20; this is Node ${process.versions.node}`,
    );
  }
  ensureSystemPackages();
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${dir} (a few minutes on 2 cores)`);
  fs.rmSync(markerFile(dir), { force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'cv-code-server',
        private: true,
        description: 'code-server for Concurrency Visualizer tests',
      },
      null,
      2,
    ) + '\n',
  );
  const tmpDir = path.join(dir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    // As root, npm refuses to run postinstall scripts otherwise; node-pty's postinstall runs
    // `npx node-gyp`, which must not stop to ask (the machine's npmrc may say yes=false).
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_registry: 'https://registry.npmjs.org/',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_progress: 'false',
  };
  const args = [
    'install',
    '--no-save',
    '--no-package-lock',
    '--foreground-scripts',
    `code-server@${CODE_SERVER_VERSION}`,
  ];
  log(`npm ${args.join(' ')}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = cp.spawnSync(npm, args, {
    cwd: dir,
    env,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    throw new Error(
      `npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status ?? r.signal}) in ${dir}; ` +
        'see the npm output above (a native module that does not compile usually means a missing apt package: ' +
        'build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)',
    );
  }
  const entry = codeServerEntry(dir);
  if (!fs.existsSync(entry)) {
    throw new Error(`npm install succeeded but ${entry} does not exist`);
  }
  // `--version` proves the native modules load and the build runs on this Node.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-cs-version-'));
  const v = cp.spawnSync(process.execPath, [entry, '--version'], {
    env: { ...process.env, ...isolatedEnv(scratch) },
    encoding: 'utf8',
    timeout: 60000,
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  if (v.status !== 0 || !v.stdout.includes(CODE_SERVER_VERSION)) {
    throw new Error(`installed code-server does not run: ${v.stdout}${v.stderr}`);
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.writeFileSync(markerFile(dir), `${CODE_SERVER_VERSION}\n${new Date().toISOString()}\n`);
  const version = v.stdout.split('\n').find((l) => l.startsWith(CODE_SERVER_VERSION)) || '';
  log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s: code-server ${version}`);
  return entry;
}

/** Environment variables that keep code-server out of the real HOME (it writes config there). */
function isolatedEnv(scratchDir) {
  const home = path.join(scratchDir, 'home');
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
  for (const d of Object.values(dirs)) {
    fs.mkdirSync(d, { recursive: true });
  }
  return dirs;
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode || 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Writes User/settings.json of a user-data-dir: the deterministic settings plus `settings`. */
function writeSettings(userDataDir, settings = {}) {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  const file = path.join(userDir, 'settings.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ ...DETERMINISTIC_SETTINGS, ...settings }, null, 2) + '\n',
  );
  return file;
}

/** Installs a .vsix into an isolated code-server user-data-dir and extensions dir. */
function installExtension(vsix, { userDataDir, extensionsDir, scratchDir }) {
  const entry = ensureCodeServer();
  const scratch = scratchDir || path.dirname(userDataDir);
  const r = cp.spawnSync(
    process.execPath,
    [
      entry,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--force',
      '--install-extension',
      vsix,
    ],
    { env: { ...process.env, ...isolatedEnv(scratch) }, encoding: 'utf8', timeout: 120000 },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout || '')) {
    throw new Error(
      `installing ${vsix} into code-server failed (exit ${r.status}):\n${r.stdout}${r.stderr}`,
    );
  }
  return r.stdout.trim();
}

/**
 * Starts code-server on 127.0.0.1 (port: given, else a free one) with its own HOME/XDG dirs in
 * `scratchDir` and the deterministic settings (merged with `settings`) in `userDataDir`, and
 * resolves once /healthz answers. `stop()` ends it (and everything it started).
 * @param {{port?: number, userDataDir: string, extensionsDir: string, settings?: object,
 *   scratchDir?: string, disableWorkspaceTrust?: boolean, extraArgs?: string[],
 *   output?: (line: string) => void, env?: Record<string, string>, readyTimeoutMs?: number}} options
 */
async function startCodeServer(options) {
  const entry = ensureCodeServer();
  const { userDataDir, extensionsDir } = options;
  const scratch = options.scratchDir || path.dirname(userDataDir);
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, options.settings);
  const port = options.port || (await freePort());
  const args = [
    entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(options.disableWorkspaceTrust === false ? [] : ['--disable-workspace-trust']),
    ...(options.extraArgs || []),
  ];
  const child = cp.spawn(process.execPath, args, {
    env: { ...process.env, ...isolatedEnv(scratch), ...(options.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() also ends the extension host and the terminals' shells.
    detached: true,
  });
  const output = options.output || (() => {});
  let exited = null;
  let tail = '';
  const onData = (chunk) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    for (const line of text.split('\n')) {
      if (line.trim()) {
        output(line);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  async function stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (exited) {
      return;
    }
    const signalGroup = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // already gone
        }
      }
    };
    signalGroup('SIGTERM');
    const timer = new Promise((r) => setTimeout(r, 5000, 'timeout'));
    if ((await Promise.race([exitPromise, timer])) === 'timeout') {
      signalGroup('SIGKILL');
      await exitPromise;
    }
    // Terminals' shells and the extension host live in the same group; end any left behind.
    signalGroup('SIGKILL');
  }

  const deadline = Date.now() + (options.readyTimeoutMs || 60000);
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `code-server exited before it was ready (${JSON.stringify(exited)}):\n${tail}`,
      );
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) {
      return { url, port, pid: child.pid, stop, exited: exitPromise };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`code-server did not answer ${url}/healthz in time:\n${tail}`);
}

module.exports = {
  CODE_SERVER_VERSION,
  DETERMINISTIC_SETTINGS,
  codeServerDir,
  installedCodeServer,
  ensureCodeServer,
  missingSystemPackages,
  installExtension,
  startCodeServer,
  writeSettings,
  isolatedEnv,
  freePort,
};

if (require.main === module) {
  const arg = process.argv[2] || '--install';
  try {
    if (arg === '--install') {
      const entry = ensureCodeServer();
      console.log(entry);
    } else if (arg === '--path') {
      const entry = installedCodeServer();
      if (!entry) {
        console.error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()}`);
        process.exit(1);
      }
      console.log(entry);
    } else if (arg === '--missing') {
      console.log(missingSystemPackages().join(' '));
    } else {
      console.error('usage: node scripts/code-server.js [--install | --path | --missing]');
      process.exit(2);
    }
  } catch (err) {
    console.error(`[code-server] ERROR: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
