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
export function captureUserSite(tracerFile: string): Site | undefined {
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
    const file = name.startsWith('file://') ? safeFileUrlToPath(name) : name;
    return { file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
  }
  return undefined;
}

function safeFileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
