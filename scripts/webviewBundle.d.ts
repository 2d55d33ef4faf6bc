// Types of scripts/webviewBundle.js for the TypeScript tests and benchmarks that use it.
import type { BuildOptions, LogLevel } from 'esbuild';

export interface WebviewBundleOptions {
  /** The page's entry (webview-ui/main.ts, or a test page's). */
  entry: string;
  outfile: string;
  minify?: boolean;
  sourcemap?: boolean;
  logLevel?: LogLevel;
}

/** The cores chart worker's entry. */
export const WORKER_ENTRY: string;
/** esbuild options for a webview entry, with the worker's code defined in. */
export function webviewOptions(options: WebviewBundleOptions): Promise<BuildOptions>;
/** Builds a webview entry with the worker inlined; returns the output file. */
export function buildWebviewBundle(options: WebviewBundleOptions): Promise<string>;
