// Types of scripts/node-versions.js for the TypeScript tests that use it.

/** Exact versions, one per supported major other than the one running the tests. */
export const VERSIONS: string[];
/** The binary of `version` if it is there already (CV_NODE_<major> or the cache). */
export function installedNode(version: string): string | undefined;
/** Every version: {version, path} or {version, error}, installing what is missing. */
export function ensureNodes(): Array<{ version: string; path?: string; error?: string }>;
