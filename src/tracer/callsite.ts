import { fileURLToPath } from 'node:url';

/** A user code position: absolute file path (or URL for non-file modules), 1-based line/column. */
export interface Site {
  file: string;
  line: number;
  column: number;
}

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

type Prepare = (err: Error, frames: CallSiteLike[]) => unknown;

const ErrorCtor = Error as unknown as {
  prepareStackTrace?: Prepare;
  stackTraceLimit: number;
  captureStackTrace(target: object, ctor?: unknown): void;
};

/** Returns the structured frames instead of a string. */
const structured: Prepare = (_err, frames) => frames;

/**
 * Finds the first frame of the user's code on the current stack: not Node's internals, not
 * the tracer itself. Returns undefined when the stack holds no user frame (e.g. an operation
 * created by Node between callbacks).
 */
export function captureUserSite(tracerFile: string, skipNodeModules: boolean): Site | undefined {
  const savedPrepare = ErrorCtor.prepareStackTrace;
  const savedLimit = ErrorCtor.stackTraceLimit;
  ErrorCtor.prepareStackTrace = structured;
  ErrorCtor.stackTraceLimit = 24;
  const holder: { stack?: CallSiteLike[] } = {};
  ErrorCtor.captureStackTrace(holder, captureUserSite);
  const frames = holder.stack;
  ErrorCtor.prepareStackTrace = savedPrepare;
  ErrorCtor.stackTraceLimit = savedLimit;
  if (!Array.isArray(frames)) {
    return undefined;
  }
  let fallback: CallSiteLike | undefined;
  for (const frame of frames) {
    const name = frame.getFileName();
    if (
      !name ||
      name === tracerFile ||
      name.startsWith('node:') ||
      (!name.includes('/') && !name.includes('\\'))
    ) {
      continue;
    }
    if (skipNodeModules && NODE_MODULES.test(name)) {
      // A library's frame: the caller in the user's own code says more, if there is one.
      fallback ??= frame;
      continue;
    }
    return toSite(frame);
  }
  return fallback && toSite(fallback);
}

const NODE_MODULES = /[\\/]node_modules[\\/]/;

function toSite(frame: CallSiteLike): Site {
  const name = frame.getFileName()!;
  const file = name.startsWith('file://') ? safeFileUrlToPath(name) : name;
  return { file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
}

interface SourceMapLike {
  findEntry(
    line: number,
    column: number,
  ): { originalSource?: string; originalLine?: number; originalColumn?: number };
}

/** `module.findSourceMap`, loaded on first use (null where Node has none). */
let findSourceMap: ((file: string) => SourceMapLike | undefined) | null | undefined;

/**
 * Maps a generated position back to its source (TypeScript, bundles) when the program runs
 * with source maps enabled (`--enable-source-maps`, tsx, ts-node): Node then holds the maps.
 * Called once per distinct location, never per event.
 */
export function sourceMapped(site: Site): Site {
  // Node holds a module's map only if its source-map support was on when the module loaded:
  // while it is off there is nothing to look up, and node:module (about 0.3 ms to load, at the
  // start of every traced thread) is not needed.
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === false) {
    return site;
  }
  if (findSourceMap === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      findSourceMap = (require('node:module') as typeof import('node:module')).findSourceMap;
    } catch {
      findSourceMap = null;
    }
  }
  if (!findSourceMap) {
    return site;
  }
  try {
    const map = findSourceMap(site.file);
    const entry = map?.findEntry(site.line - 1, site.column - 1);
    if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) {
      return site;
    }
    const source = entry.originalSource;
    return {
      file: source.startsWith('file://') ? safeFileUrlToPath(source) : source,
      line: entry.originalLine + 1,
      column: (entry.originalColumn ?? 0) + 1,
    };
  } catch {
    return site;
  }
}

function safeFileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
