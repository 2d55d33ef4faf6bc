/**
 * Build-time flags, replaced by literals by esbuild's `define` (esbuild.js,
 * scripts/webviewBundle.js), so that code behind `if (CV_TEST_HOOKS)` is removed from
 * builds without it.
 *
 * `CV_TEST_HOOKS`: true in development builds (`npm run build`, what the tests and benchmarks
 * load) and in packages built with `--test-hooks` (the end-to-end tests' .vsix); false in a
 * `--production` build, the one users install. Test instrumentation (debug state for
 * automation, draw counters) lives behind it and nowhere else.
 */
declare const CV_TEST_HOOKS: boolean;
