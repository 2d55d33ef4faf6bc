import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as url from 'node:url';

/** A recording session: the folder the tracer writes into, and how to inject it. */
export interface SessionFolder {
  /** Absolute path of the folder holding one stream file per thread. */
  dir: string;
  /** The file that `--require` loads: it starts the tracer with this session's options. */
  preloadPath: string;
  /** `process.hrtime.bigint()` at creation: time zero of every stream. */
  epochNs: bigint;
}

/** Tracer options chosen by the user (settings, CLI flags). */
export interface SessionOptions {
  /** Stop recording once the session holds this many bytes (the rest is counted as dropped). */
  maxBytes?: number;
  /** Creation sites prefer the user's own frames over node_modules (default true). */
  skipNodeModules?: boolean;
  /** The tracer estimates each thread's CPU itself (default: where no sampler runs). */
  cpuEstimates?: boolean;
}

/** Where sessions live unless a caller says otherwise. */
export function defaultSessionsRoot(): string {
  return path.join(os.tmpdir(), 'concurrency-visualizer');
}

/**
 * Creates a session folder and its preload file. The preload carries the folder and the epoch
 * in its own text, so every thread that loads it (workers with their own `env`, children of
 * children) writes to the same session without any extra environment variable. It also
 * carries the tracer itself: threads started after the extension was updated or removed are
 * still traced, and no second module is resolved (real paths, package scopes up the tree) and
 * read at every traced thread's start (about a millisecond on a slow machine).
 */
export function createSession(
  tracerPath: string,
  root = defaultSessionsRoot(),
  options: SessionOptions = {},
): SessionFolder {
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}`;
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  const epochNs = process.hrtime.bigint();
  const preloadPath = path.join(dir, 'preload.cjs');
  // A source map comment names its map relative to the file: point it at the tracer's.
  const tracer = fs
    .readFileSync(tracerPath, 'utf8')
    .replace(
      /^\/\/# sourceMappingURL=(?!data:)(.+)$/m,
      (_, map: string) =>
        `//# sourceMappingURL=${url.pathToFileURL(path.resolve(path.dirname(tracerPath), map)).href}`,
    );
  fs.writeFileSync(
    preloadPath,
    [
      '// Written by Concurrency Visualizer: its tracer, started in this thread with this',
      "// session's options (at the end).",
      tracer,
      `module.exports.start(${JSON.stringify({
        dir,
        epochNs: epochNs.toString(),
        ...options,
      })});`,
      '',
    ].join('\n'),
  );
  return { dir, preloadPath, epochNs };
}

/**
 * The NODE_OPTIONS a traced program gets: the user's own, with `--require <preload>` appended.
 * Node parses NODE_OPTIONS with double quotes and backslash escapes, so a path is quoted and
 * its backslashes and quotes escaped.
 */
export function withTracerNodeOptions(
  userNodeOptions: string | undefined,
  preloadPath: string,
): string {
  const quoted = `"${preloadPath.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const own = `--require ${quoted}`;
  return userNodeOptions && userNodeOptions.trim() ? `${userNodeOptions} ${own}` : own;
}

/** Stream files currently in a session folder. */
export function listStreamFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.cvt'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Removes session folders older than `maxAgeMs` (default: a week). Best effort. */
export function cleanOldSessions(root = defaultSessionsRoot(), maxAgeMs = 7 * 24 * 3600_000): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  const cutoff = Date.now() - maxAgeMs;
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      if (fs.statSync(dir).mtimeMs < cutoff) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // In use or already gone.
    }
  }
}
