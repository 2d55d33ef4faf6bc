// @ts-check
// The one place that finds the Chromium (or Chrome) that the webview suite, the e2e suite and
// the viewer benchmark drive through playwright-core. Never a downloaded browser: the machine's
// own, from CV_CHROMIUM or the usual install paths, so a test never fetches anything at run time.
//
// CLI: node scripts/chromium.js   prints the path, or says how to install one and exits 1
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Where Chromium or Chrome lives on Debian/Ubuntu, Fedora, Arch, snap and macOS, in order. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
/** Command names looked up on PATH after the fixed paths (other prefixes, Homebrew, Nix). */
const COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium to use: CV_CHROMIUM when set (an error if it is not an executable file, so a
 * typo is never silently replaced by another browser), else the first of the usual paths and
 * PATH entries that exists; undefined when there is none.
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string[]} [candidates] the fixed paths to try before PATH
 * @returns {string | undefined}
 */
function findChromium(env = process.env, candidates = CANDIDATES) {
  if (env.CV_CHROMIUM) {
    const file = path.resolve(env.CV_CHROMIUM);
    if (!executable(file)) {
      throw new Error(`CV_CHROMIUM=${env.CV_CHROMIUM} is not an executable file`);
    }
    return file;
  }
  const fixed = candidates.find(executable);
  if (fixed) {
    return fixed;
  }
  for (const dir of (env.PATH || '').split(path.delimiter).filter(Boolean)) {
    const found = COMMANDS.map((c) => path.join(dir, c)).find(executable);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** How to get a Chromium on this platform: a sentence with the exact command where one exists. */
function installAdvice(platform = process.platform) {
  const orVar = 'or point CV_CHROMIUM at an installed Chromium or Chrome';
  if (platform === 'darwin') {
    return `install one with \`brew install --cask chromium\` (or Google Chrome), ${orVar}`;
  }
  if (platform === 'linux' && fs.existsSync('/usr/bin/apt-get')) {
    return `install it with \`sudo apt-get update && sudo apt-get install -y chromium\`, ${orVar}`;
  }
  if (platform === 'linux') {
    return `install it with your package manager (\`sudo dnf install chromium\`, \`sudo pacman -S chromium\`...), ${orVar}`;
  }
  return `install Chromium or Chrome, ${orVar}`;
}

/** The Chromium to launch; throws a message that says how to install one when there is none. */
function chromiumPath() {
  const found = findChromium();
  if (!found) {
    throw new Error(
      `no Chromium found (looked at CV_CHROMIUM, ${CANDIDATES[0]}...): ${installAdvice()}`,
    );
  }
  return found;
}

/**
 * Flags for a headless Chromium on a machine whose network is closed: no sandbox (tests may
 * run as root), no GPU, and none of the background connections it would try at every start.
 */
const HEADLESS_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

module.exports = { findChromium, chromiumPath, installAdvice, CANDIDATES, HEADLESS_ARGS };

if (require.main === module) {
  try {
    console.log(chromiumPath());
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
