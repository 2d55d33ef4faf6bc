// Types of scripts/chromium.js for the TypeScript tests and benchmarks that launch Chromium.

/** Where Chromium or Chrome usually lives, in the order they are tried. */
export const CANDIDATES: string[];
/** CV_CHROMIUM (checked), else the first usual path or PATH entry that exists, else undefined. */
export function findChromium(env?: NodeJS.ProcessEnv, candidates?: string[]): string | undefined;
/** The Chromium to launch; throws a message saying how to install one when there is none. */
export function chromiumPath(): string;
/** How to get a Chromium on `platform`, with the exact command where one exists. */
export function installAdvice(platform?: NodeJS.Platform): string;
/** Flags for a headless Chromium on a machine whose network is closed. */
export const HEADLESS_ARGS: string[];
