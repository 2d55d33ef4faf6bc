/**
 * The processes of a trace by name: each traced Node.js process's command line, shortened the
 * way a person would say it (`jest-worker/processChild.js`, `npm run start`), its parent and
 * how it ended; processes the tracer did not run in (a shell, esbuild) by their OS name.
 */
import type { TraceModel } from './traceModel';

/** One process of a trace, as `summary --json` lists it. */
export interface ProcessSummary {
  pid: number;
  /** Its parent's pid (-1 if unknown). */
  ppid: number;
  /** Its command line shortened for people; the OS name for a process not traced. */
  command: string;
  /** How it ended, when its tracer saw it end (null: not traced, or cut off). */
  exitCode: number | null;
  signal: string | null;
}

/** Longest command shown; the rest is cut with an ellipsis. */
const MAX_COMMAND_CHARS = 100;

/** The package managers' scripts, by the name people type. */
const PACKAGE_MANAGERS: Array<[RegExp, string]> = [
  [/[\\/]npm-cli\.js$|[\\/]bin[\\/]npm$/, 'npm'],
  [/[\\/]npx-cli\.js$|[\\/]bin[\\/]npx$/, 'npx'],
  [/[\\/]yarn(\.c?js)?$/, 'yarn'],
  [/[\\/]pnpm\.c?js$|[\\/]bin[\\/]pnpm$/, 'pnpm'],
  [/[\\/]pnpx\.c?js$|[\\/]bin[\\/]pnpx$/, 'pnpx'],
];

/**
 * A path as people name it: inside node_modules, the package and the file
 * (`.../node_modules/jest-worker/build/workers/processChild.js` is
 * `jest-worker/processChild.js`; `node_modules/.bin/tsc` is `tsc`), else its base name.
 */
export function shortPath(p: string): string {
  const parts = p.split(/[\\/]/).filter((s) => s !== '');
  const base = parts[parts.length - 1] ?? p;
  const nm = parts.lastIndexOf('node_modules');
  if (nm < 0 || nm + 1 >= parts.length - 1) {
    return base;
  }
  if (parts[nm + 1] === '.bin') {
    return base;
  }
  const pkg = parts[nm + 1].startsWith('@') ? parts.slice(nm + 1, nm + 3).join('/') : parts[nm + 1];
  return parts.length - 1 > nm + (pkg.includes('/') ? 2 : 1) ? `${pkg}/${base}` : base;
}

/**
 * A Node.js process's argv (`process.argv`: the node binary, the script, its arguments) as a
 * short command: the binary left out, the script and path arguments shortened, a package
 * manager by its name (`npm run start`).
 */
export function shortCommand(argv: readonly string[]): string {
  if (argv.length === 0) {
    return '';
  }
  const [, script, ...args] = argv;
  let head: string;
  if (script === undefined) {
    head = shortPath(argv[0]);
  } else {
    head = PACKAGE_MANAGERS.find(([re]) => re.test(script))?.[1] ?? shortPath(script);
  }
  const words = [
    head,
    ...args.map((a) => (/[\\/]/.test(a) && !a.includes('://') ? shortPath(a) : a)),
  ];
  const text = words.join(' ');
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
}

/**
 * Every process of the trace: the traced ones in trace order (their main JS thread's Thread
 * and End records), then the others the sampler followed (by their OS name).
 */
export function processesOf(model: TraceModel): ProcessSummary[] {
  const out = new Map<number, ProcessSummary>();
  for (const t of model.threads) {
    if (t.info.kind !== 'main' || out.has(t.info.pid)) {
      continue;
    }
    out.set(t.info.pid, {
      pid: t.info.pid,
      ppid: t.info.parentPid,
      command: shortCommand(t.info.argv),
      exitCode: t.end?.exitCode ?? null,
      signal: t.end?.signal ?? null,
    });
  }
  for (const row of model.os.threads) {
    const known = out.get(row.pid);
    if (known) {
      if (known.ppid < 0 && row.ppid >= 0) {
        known.ppid = row.ppid;
      }
      continue;
    }
    // Its first thread's name is the process's (comm); any thread of it stands in.
    const first = model.os.rowOfTid(row.pid);
    out.set(row.pid, {
      pid: row.pid,
      ppid: row.ppid,
      command: first && first.pid === row.pid ? first.name : row.name,
      exitCode: null,
      signal: null,
    });
  }
  return [...out.values()];
}
