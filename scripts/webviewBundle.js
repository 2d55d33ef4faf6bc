// @ts-check
// Builds a webview bundle (the panel, or a test page's entry) with the cores chart's worker
// inlined: the worker is bundled first and its code becomes the string CV_CHART_WORKER_SOURCE
// (a webview may only start workers from blob: URLs, so the page makes one from this string).
// Used by esbuild.js, the webview tests and the viewer benchmark, so all build it the same way.
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const WORKER_ENTRY = path.join(ROOT, 'webview-ui', 'parallelism', 'coresChartWorker.ts');

/**
 * esbuild options for a webview entry, with the worker's code defined in.
 * @param {{ entry: string, outfile: string, minify?: boolean, sourcemap?: boolean, testHooks?: boolean, logLevel?: esbuild.LogLevel }} o
 * @returns {Promise<esbuild.BuildOptions>}
 */
async function webviewOptions(o) {
  const worker = await esbuild.build({
    entryPoints: [WORKER_ENTRY],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    minify: !!o.minify,
    legalComments: 'none',
    logLevel: o.logLevel ?? 'warning',
  });
  return {
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    minify: !!o.minify,
    sourcemap: !!o.sourcemap,
    legalComments: 'none',
    logLevel: o.logLevel ?? 'warning',
    define: {
      CV_CHART_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0].text),
      // Test instrumentation (src/shared/buildFlags.d.ts): on unless a caller turns it off.
      CV_TEST_HOOKS: String(o.testHooks ?? true),
    },
  };
}

/**
 * Builds a webview entry with the worker inlined; returns the output file.
 * @param {{ entry: string, outfile: string, minify?: boolean, sourcemap?: boolean, testHooks?: boolean, logLevel?: esbuild.LogLevel }} o
 */
async function buildWebviewBundle(o) {
  await esbuild.build(await webviewOptions(o));
  return o.outfile;
}

module.exports = { webviewOptions, buildWebviewBundle, WORKER_ENTRY };
