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
  /** Flight recorder: each thread keeps only about the last this many seconds on disk. */
  ringSeconds?: number;
  /** A blocked main thread's records still reach the files (a live view; default false). */
  liveFlush?: boolean;
  /** Sample each thread's JavaScript stacks every this many µs; 0 or absent: off. */
  stacks?: number;
}

/** The folder name of the sessions root in the OS temp folder (per user on POSIX). */
export function sessionsRootName(): string {
  return process.platform === 'win32'
    ? 'concurrency-visualizer'
    : `concurrency-visualizer-${uid()}`;
}

/**
 * Where sessions live unless a caller says otherwise: `<os temp>/concurrency-visualizer-<uid>`
 * on POSIX (the temp folder, /tmp, is shared by every local user: the uid keeps users apart and
 * the checks of `privateSessionsRoot` keep others out), `<os temp>\concurrency-visualizer` on
 * Windows, whose temp folder is already per user (so is macOS's $TMPDIR; the uid name costs
 * nothing there).
 */
export function defaultSessionsRoot(): string {
  return path.join(os.tmpdir(), sessionsRootName());
}

/** This process's uid, or -1 where there is none (Windows). */
function uid(): number {
  return process.getuid?.() ?? -1;
}

/**
 * Why `dir` (as lstat sees it) may not hold sessions, or undefined when only this user can
 * enter it: a real directory (not a symlink), owned by us, without group or other write.
 * Windows has no POSIX owner or mode: its per-user temp folder is private already.
 */
export function unsafeFolderReason(dir: string, st: fs.Stats): string | undefined {
  if (st.isSymbolicLink()) {
    return `${dir} is a symbolic link`;
  }
  if (!st.isDirectory()) {
    return `${dir} is not a directory`;
  }
  if (process.platform === 'win32') {
    return undefined;
  }
  if (st.uid !== uid()) {
    return `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid()})`;
  }
  if (st.mode & 0o022) {
    return `${dir} can be written by others (mode ${(st.mode & 0o777).toString(8)})`;
  }
  return undefined;
}

/** Private fallback roots made by this process, by the root they replace. */
const fallbackRoots = new Map<string, string>();

/**
 * The sessions root to use, created 0700 if missing. An existing one is used only when
 * `unsafeFolderReason` finds nothing: another local user could otherwise swap a session's
 * preload between its writing and its loading, or read its traces. Else a new private folder
 * is made (mkdtemp: 0700, a fresh random name) and `warn` is told why.
 */
export function privateSessionsRoot(
  warn: (message: string) => void,
  root = defaultSessionsRoot(),
): string {
  try {
    fs.mkdirSync(root, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw err;
    }
  }
  const reason = unsafeFolderReason(root, fs.lstatSync(root));
  if (!reason) {
    return root;
  }
  let fallbackRoot = fallbackRoots.get(root);
  if (!fallbackRoot || !fs.existsSync(fallbackRoot)) {
    fallbackRoot = fs.mkdtempSync(`${root}-`);
    fallbackRoots.set(root, fallbackRoot);
  }
  warn(`Session folders go to ${fallbackRoot} instead of ${root}: ${reason}.`);
  return fallbackRoot;
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
  root: string = privateSessionsRoot((m) => process.emitWarning(m)),
  options: SessionOptions = {},
): SessionFolder {
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(4).toString('hex')}`;
  const dir = path.join(root, id);
  // The root itself is either checked (privateSessionsRoot) or a caller's own (tests, bench).
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  // Not recursive: a name that already exists (a planted symlink included) fails here.
  fs.mkdirSync(dir, { mode: 0o700 });
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
  writePrivateFile(
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
 * Writes a new file only this user can read (0600): created exclusively (never through an
 * existing name or symlink), then checked to still be the very file written (same device and
 * inode, a regular file, ours), so what the program will load is what we wrote.
 */
export function writePrivateFile(file: string, text: string): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  let written: fs.Stats;
  try {
    fs.writeSync(fd, text);
    written = fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const now = fs.lstatSync(file);
  if (
    !now.isFile() ||
    now.ino !== written.ino ||
    now.dev !== written.dev ||
    (process.platform !== 'win32' && now.uid !== uid())
  ) {
    throw new Error(`${file} changed after it was written: not starting the program`);
  }
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

/**
 * Removes session folders older than `maxAgeMs` (default: a week). Best effort, and only in a
 * root that `unsafeFolderReason` accepts (never one another user could have planted), only
 * real directories of ours (lstat: a symlink is never followed).
 */
export function cleanOldSessions(root = defaultSessionsRoot(), maxAgeMs = 7 * 24 * 3600_000): void {
  let names: string[];
  try {
    if (unsafeFolderReason(root, fs.lstatSync(root))) {
      return;
    }
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  const cutoff = Date.now() - maxAgeMs;
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const st = fs.lstatSync(dir);
      if (!unsafeFolderReason(dir, st) && st.mtimeMs < cutoff) {
        // rmSync does not follow symlinks inside the folder: it removes the links themselves.
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // In use or already gone.
    }
  }
}
