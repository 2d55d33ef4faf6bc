// @ts-check
// One config builds every bundle: the extension host, the tracer injected into user programs,
// the CLI and the webview. `--production` minifies; `--watch` rebuilds on change.
const esbuild = require('esbuild');
const { webviewOptions, WORKER_ENTRY } = require('./scripts/webviewBundle');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// Test instrumentation (src/shared/buildFlags.d.ts): in every build but a plain --production one.
const testHooks = !production || process.argv.includes('--test-hooks');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { CV_TEST_HOOKS: String(testHooks) },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
  },
  {
    // Runs inside the user's program on every supported Node: no dependencies, no minification
    // (a user reading a stack trace that passes through it should see readable code).
    ...common,
    minify: false,
    entryPoints: ['src/tracer/index.ts'],
    outfile: 'dist/tracer.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The OS-thread sampler's worker thread, started by the extension and the CLI from dist/.
    ...common,
    entryPoints: ['src/sampler/samplerWorker.ts'],
    outfile: 'dist/samplerWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
  {
    // The Promise.all quick fix with the TypeScript parser (3.5 MB minified): loaded by the
    // extension only when first needed (src/editor/insightsEditor.ts), never at activation.
    ...common,
    sourcemap: false,
    minify: true,
    entryPoints: ['src/editor/insightsQuickFix.ts'],
    outfile: 'dist/insightsQuickFix.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
];

/** The webview (with the cores chart's worker inlined: scripts/webviewBundle.js). */
function webview() {
  return webviewOptions({
    entry: 'webview-ui/main.ts',
    outfile: 'dist/webview.js',
    minify: production,
    sourcemap: !production,
    testHooks,
  });
}

/** The Compare view (webview-ui/compare.ts): its own bundle, so the panel's stays as it is. */
function compareView() {
  return webviewOptions({
    entry: 'webview-ui/compare.ts',
    outfile: 'dist/compare.js',
    minify: production,
    sourcemap: !production,
    testHooks,
  });
}

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    // The worker's code is baked in when watching starts: restart to pick up its changes.
    const page = await esbuild.context(await webview());
    await page.watch();
    await (await esbuild.context(await compareView())).watch();
    console.log(`[esbuild] watching (restart after changing ${WORKER_ENTRY})`);
    return;
  }
  await Promise.all([
    ...builds.map((b) => esbuild.build(b)),
    webview().then(esbuild.build),
    compareView().then(esbuild.build),
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
