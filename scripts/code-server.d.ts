// Types of scripts/code-server.js for the TypeScript tests that use it.

/** The code-server version everything here is measured on (VS Code 1.100.3). */
export const CODE_SERVER_VERSION: string;
/** Settings that make the workbench deterministic. */
export const DETERMINISTIC_SETTINGS: Record<string, unknown>;
/** The folder code-server is installed in (env CV_CODE_SERVER_DIR overrides it). */
export function codeServerDir(): string;
/** The code-server entry script if it is completely installed, else undefined. */
export function installedCodeServer(dir?: string): string | undefined;
/** The code-server entry script (run it with node), installing code-server if missing. */
export function ensureCodeServer(options?: { dir?: string; quiet?: boolean }): string;
/** Apt packages missing for installing code-server. */
export function missingSystemPackages(): string[];
/** Installs a .vsix into an isolated user-data-dir and extensions dir. */
export function installExtension(
  vsix: string,
  options: { userDataDir: string; extensionsDir: string; scratchDir?: string },
): string;
/** Writes User/settings.json: the deterministic settings plus `settings`. */
export function writeSettings(userDataDir: string, settings?: Record<string, unknown>): string;
/** HOME and XDG variables pointing into `scratchDir` (created). */
export function isolatedEnv(scratchDir: string): Record<string, string>;
/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number>;

/** Options of startCodeServer. */
export interface StartOptions {
  port?: number;
  userDataDir: string;
  extensionsDir: string;
  settings?: Record<string, unknown>;
  scratchDir?: string;
  disableWorkspaceTrust?: boolean;
  extraArgs?: string[];
  output?: (line: string) => void;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** A running code-server. */
export interface RunningCodeServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts an isolated code-server on 127.0.0.1 and resolves once /healthz answers. */
export function startCodeServer(options: StartOptions): Promise<RunningCodeServer>;
