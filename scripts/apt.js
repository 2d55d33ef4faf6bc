// @ts-check
// Debian/Ubuntu packages for the test suites (Chromium, code-server's build dependencies):
// installed through apt-get as root, or through `sudo -n` when sudo needs no password, and
// otherwise only named, with the exact command, so nothing ever stops at a password prompt.
'use strict';

const cp = require('node:child_process');
const fs = require('node:fs');

/** Whether this machine has apt-get (Debian, Ubuntu and their derivatives). */
function hasApt() {
  return fs.existsSync('/usr/bin/apt-get');
}

/**
 * How to run apt-get here without asking anything: [] as root, ['sudo', '-n'] when sudo works
 * without a password, undefined when neither (or there is no apt-get).
 * @returns {string[] | undefined}
 */
function aptPrefix() {
  if (!hasApt()) {
    return undefined;
  }
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    return [];
  }
  const sudo = cp.spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : undefined;
}

/** The command a person runs to install `packages` (for messages). */
function installCommand(packages) {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Installs `packages` with apt-get (after `apt-get update`: a fresh machine's lists may be empty
 * or stale); output goes to stderr. Throws when it cannot or when apt-get fails.
 * @param {string[]} packages
 */
function aptInstall(packages) {
  const prefix = aptPrefix();
  if (!prefix) {
    throw new Error(
      `cannot install ${packages.join(', ')}: not root and "sudo -n" cannot run apt-get (no sudo, or it asks for a password). Run:\n  ${installCommand(packages)}`,
    );
  }
  const run = (/** @type {string[]} */ args) => {
    const [command, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', ...args];
    const r = cp.spawnSync(command, rest, { stdio: ['ignore', process.stderr, 'inherit'] });
    if (r.status !== 0) {
      throw new Error(
        `"${[command, ...rest].join(' ')}" failed (exit ${r.status ?? r.signal}); run:\n  ${installCommand(packages)}`,
      );
    }
  };
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages]);
}

/** The os-release ID and ID_LIKE words of this Linux, e.g. ['debian'] or ['ubuntu', 'debian']. */
function osIds() {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    const value = (/** @type {string} */ key) =>
      (new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] || '').replace(/["']/g, '');
    return [value('ID'), ...value('ID_LIKE').split(/\s+/)].filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The apt package that gives /usr/bin/chromium: `chromium` on Debian; undefined on Ubuntu, whose
 * chromium packages only install a snap (which does not run in containers or chroots).
 */
function chromiumAptPackage() {
  return hasApt() && !osIds().includes('ubuntu') ? 'chromium' : undefined;
}

module.exports = { hasApt, aptPrefix, aptInstall, installCommand, chromiumAptPackage };
