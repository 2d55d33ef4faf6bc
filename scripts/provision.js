// @ts-check
// Makes the machine ready for the chosen test suites before any of them starts, so that
// `npm ci && npm test` works on a fresh machine and a missing piece is one clear message, never
// a failure deep inside a suite. What each suite needs:
//   unit     nothing
//   tracer   Node 18, 22 and 24 binaries (scripts/node-versions.js, from the npm registry)
//   webview  a Chromium (scripts/chromium.js; Debian's `chromium` package when there is none)
//   e2e      a Chromium, and code-server (scripts/code-server.js), whose install compiles native
//            modules against Debian's -dev packages
// Debian packages are installed through apt-get as root or `sudo -n` (scripts/apt.js). Quick
// when everything is there: only file checks, no process started.
//
// CLI: node scripts/provision.js [unit] [tracer] [webview] [e2e]   (default: all four)
'use strict';

const { performance } = require('node:perf_hooks');
const { aptInstall, aptPrefix, chromiumAptPackage, hasApt, installCommand } = require('./apt');
const { findChromium, installAdvice } = require('./chromium');
const {
  CODE_SERVER_VERSION,
  ensureCodeServer,
  installedCodeServer,
  missingSystemPackages,
} = require('./code-server');
const { ensureNodes, installedNode, VERSIONS } = require('./node-versions');

/** The suites test/run.js knows, in the order it runs them. */
const SUITES = ['unit', 'tracer', 'webview', 'e2e'];

/** The same build dependencies outside Debian (Fedora names), for the message only. */
const NON_APT_BUILD_DEPS =
  'a C/C++ toolchain, make, pkg-config, python3, ripgrep and the headers of krb5, libX11, ' +
  'libxkbfile and libsecret (Fedora: `sudo dnf install gcc-c++ make pkgconf python3 ripgrep ' +
  'krb5-devel libX11-devel libxkbfile-devel libsecret-devel`)';

/** A provisioning step that cannot be done here: its message names the piece and the fix. */
class ProvisionError extends Error {}

function log(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

function seconds(sinceMs) {
  const ms = performance.now() - sinceMs;
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One sentence for the suites that need a piece, e.g. "the webview and e2e suites". */
function forSuites(names) {
  return `the ${names.join(' and ')} suite${names.length > 1 ? 's' : ''}`;
}

/**
 * Makes the machine ready for `suites`, installing what is missing and can be installed.
 * Throws a ProvisionError naming the missing piece and the command that installs it otherwise.
 * Returns one line per piece, for the summary.
 * @param {string[]} suites
 * @returns {string[]}
 */
function provision(suites) {
  const wantsChromium = suites.filter((s) => s === 'webview' || s === 'e2e');
  const wantsCodeServer = suites.includes('e2e');
  const wantsNodes = suites.includes('tracer');
  const ready = [];

  // 1. What is missing: only file checks, so the no-op case is quick.
  let chromium;
  try {
    chromium = wantsChromium.length ? findChromium() : undefined;
  } catch (err) {
    throw new ProvisionError(err instanceof Error ? err.message : String(err));
  }
  const needsChromium = wantsChromium.length > 0 && !chromium;
  const needsCodeServer = wantsCodeServer && !installedCodeServer();
  if (needsCodeServer && (process.platform !== 'linux' || process.arch !== 'x64')) {
    throw new ProvisionError(
      `the e2e suite needs code-server ${CODE_SERVER_VERSION}, which is installed automatically ` +
        `only on Linux x64 (this is ${process.platform}-${process.arch}). Run the other suites: ` +
        'npm test -- unit tracer webview',
    );
  }
  const buildDeps = needsCodeServer ? missingSystemPackages() : [];

  // 2. Debian packages, in one apt-get run.
  const chromiumPkg = needsChromium ? chromiumAptPackage() : undefined;
  const aptPackages = [...(chromiumPkg ? [chromiumPkg] : []), ...buildDeps];
  if ((needsChromium && !chromiumPkg) || (buildDeps.length && !hasApt())) {
    const parts = [];
    if (needsChromium && !chromiumPkg) {
      parts.push(`a Chromium for ${forSuites(wantsChromium)}: ${installAdvice()}`);
    }
    if (buildDeps.length && !hasApt()) {
      parts.push(
        `code-server's build dependencies for the e2e suite: install ${NON_APT_BUILD_DEPS}`,
      );
    }
    throw new ProvisionError(`missing ${parts.join('; and ')}`);
  }
  if (aptPackages.length) {
    const why = [
      ...(chromiumPkg ? [`chromium for ${forSuites(wantsChromium)}`] : []),
      ...(buildDeps.length
        ? [`${buildDeps.join(', ')} to build code-server for the e2e suite`]
        : []),
    ].join('; ');
    if (!aptPrefix()) {
      throw new ProvisionError(
        `missing Debian packages (${why}); not root and "sudo -n" cannot run apt-get (no sudo, or it asks for a password). ` +
          `Install them with:\n  ${installCommand(aptPackages)}\n` +
          'or run only the suites that need none of them: npm test -- unit tracer',
      );
    }
    const started = performance.now();
    log(`installing Debian packages: ${aptPackages.join(' ')} (${why})`);
    try {
      aptInstall(aptPackages);
    } catch (err) {
      throw new ProvisionError(err instanceof Error ? err.message : String(err));
    }
    log(`Debian packages installed in ${seconds(started)}`);
    chromium = wantsChromium.length ? findChromium() : undefined;
    if (wantsChromium.length && !chromium) {
      throw new ProvisionError(`apt-get installed ${chromiumPkg} but no Chromium was found`);
    }
  }
  if (chromium) {
    ready.push(`Chromium ${chromium}`);
  }

  // 3. code-server, from the npm registry into ~/.cache (compiles native modules: minutes).
  if (wantsCodeServer) {
    const started = performance.now();
    try {
      ensureCodeServer();
    } catch (err) {
      throw new ProvisionError(
        `code-server ${CODE_SERVER_VERSION} for the e2e suite could not be installed: ` +
          `${err instanceof Error ? err.message : err}\nInstall it alone with: node scripts/code-server.js --install`,
      );
    }
    ready.push(
      `code-server ${CODE_SERVER_VERSION}${needsCodeServer ? ` (installed in ${seconds(started)})` : ''}`,
    );
  }

  // 4. The other Node versions for the tracer suite, from the npm registry into ~/.cache.
  if (wantsNodes) {
    const absent = VERSIONS.filter((v) => !installedNode(v));
    const started = performance.now();
    if (absent.length) {
      log(`installing Node ${absent.join(', ')} from the npm registry`);
    }
    const failed = ensureNodes().filter((n) => n.error);
    if (failed.length) {
      throw new ProvisionError(
        `Node ${failed.map((n) => n.version).join(', ')} for the tracer suite: ` +
          `${failed.map((n) => n.error).join('; ')}\nInstall them alone with: node scripts/node-versions.js`,
      );
    }
    const majors = VERSIONS.map((v) => v.split('.')[0]).join(', ');
    ready.push(`Node ${majors}${absent.length ? ` (installed in ${seconds(started)})` : ''}`);
  }
  return ready;
}

/**
 * provision() with its report on stderr: true when ready, false (after the message saying what
 * is missing and how to install it) when not.
 * @param {string[]} suites
 */
function provisionAndReport(suites) {
  const started = performance.now();
  try {
    const ready = provision(suites);
    log(
      `ready for ${suites.join(', ')} in ${seconds(started)}${ready.length ? `: ${ready.join('; ')}` : ''}`,
    );
    return true;
  } catch (err) {
    if (!(err instanceof ProvisionError)) {
      throw err;
    }
    process.stderr.write(`\n[provision] cannot run ${suites.join(', ')}: ${err.message}\n\n`);
    return false;
  }
}

module.exports = { SUITES, provision, provisionAndReport, ProvisionError };

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !SUITES.includes(a));
  if (unknown.length) {
    console.error(`unknown suite "${unknown[0]}": choose from ${SUITES.join(', ')}`);
    process.exit(2);
  }
  process.exit(provisionAndReport(args.length ? args : SUITES) ? 0 : 1);
}
