import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_STACK_INTERVAL_US, STACKS_BY_DEFAULT } from '../shared/stacks';
import {
  mergeEnv,
  substituteVariables,
  typeScriptRuntimeArgs,
  type VariableContext,
} from './variables';

/** A program to trace, resolved from settings, launch.json and the active file. */
export interface ResolvedProgram {
  /** Absolute path of the program file. */
  program: string;
  /** Node executable. */
  command: string;
  /** Runtime arguments (before the program). */
  runtimeArgs: string[];
  /** Program arguments. */
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A user-facing problem: shown as an error message, with an optional settings button. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
  }
}

/** A `node` configuration of launch.json, as far as we use it. */
interface LaunchConfiguration {
  name?: string;
  type?: string;
  program?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
}

const RUNNABLE = /\.(js|mjs|cjs|ts|mts|cts)$/i;
const TYPESCRIPT = /\.(ts|mts|cts)$/i;

/**
 * The file the user is looking at: the active text editor's; when a webview (this panel) or
 * another non-text editor has the focus, the active group's text tab, else the one runnable
 * file visible beside it. Never a guess between several.
 */
function activeSourceFile(): vscode.Uri | undefined {
  const isFile = (uri: vscode.Uri | undefined): uri is vscode.Uri => uri?.scheme === 'file';
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active) {
    return isFile(active) ? active : undefined;
  }
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputText && isFile(tab.uri)) {
    return tab.uri;
  }
  const visible = vscode.window.visibleTextEditors
    .map((editor) => editor.document.uri)
    .filter((uri) => isFile(uri) && RUNNABLE.test(uri.fsPath));
  return visible.length === 1 ? visible[0] : undefined;
}

/**
 * Decides what to run: the `launchConfiguration` setting's launch.json entry, else the
 * `program` setting, else the file the user chose (explorer/editor title) or the active editor.
 */
export async function resolveProgram(target: vscode.Uri | undefined): Promise<ResolvedProgram> {
  const fileUri = target ?? activeSourceFile();
  const folder =
    (fileUri && vscode.workspace.getWorkspaceFolder(fileUri)) ??
    vscode.workspace.workspaceFolders?.[0];
  const settings = vscode.workspace.getConfiguration(
    'concurrencyVisualizer',
    fileUri ?? folder?.uri,
  );
  const ctx: VariableContext = {
    workspaceFolder: folder?.uri.fsPath,
    file: fileUri?.fsPath,
    env: process.env,
  };
  const sub = (s: string): string => substituteVariables(s, ctx);

  let launch: LaunchConfiguration | undefined;
  const launchName = settings.get<string>('launchConfiguration', '');
  if (launchName) {
    const configs = vscode.workspace
      .getConfiguration('launch', folder?.uri)
      .get<LaunchConfiguration[]>('configurations', []);
    launch = configs.find((c) => c.name === launchName);
    if (!launch) {
      throw new LaunchError(
        `No configuration named "${launchName}" in .vscode/launch.json.`,
        'concurrencyVisualizer.launchConfiguration',
      );
    }
  }

  const programSetting = launch?.program ?? settings.get<string>('program', '');
  let program: string;
  if (programSetting) {
    program = path.resolve(folder?.uri.fsPath ?? process.cwd(), sub(programSetting));
  } else if (fileUri) {
    program = fileUri.fsPath;
  } else {
    throw new LaunchError(
      'Open a JavaScript or TypeScript file (or set "concurrencyVisualizer.program") to visualize it.',
      'concurrencyVisualizer.program',
    );
  }
  if (!RUNNABLE.test(program)) {
    throw new LaunchError(
      `${path.basename(program)} is not a .js, .mjs, .cjs or .ts file that Node can run.`,
    );
  }
  if (!fs.existsSync(program)) {
    throw new LaunchError(
      `The program ${program} does not exist.`,
      'concurrencyVisualizer.program',
    );
  }

  const command = sub(launch?.runtimeExecutable ?? settings.get<string>('nodePath', '')) || 'node';
  let runtimeArgs = (launch?.runtimeArgs ?? settings.get<string[]>('runtimeArgs', [])).map(sub);
  const args = (launch?.args ?? settings.get<string[]>('args', [])).map(sub);
  const cwdSetting = launch?.cwd ?? settings.get<string>('cwd', '');
  const cwd = cwdSetting
    ? path.resolve(folder?.uri.fsPath ?? process.cwd(), sub(cwdSetting))
    : (folder?.uri.fsPath ?? path.dirname(program));
  if (!fs.existsSync(cwd)) {
    throw new LaunchError(
      `The working directory ${cwd} does not exist.`,
      'concurrencyVisualizer.cwd',
    );
  }
  const envAdditions: Record<string, string | null> = {};
  for (const [k, v] of Object.entries({
    ...settings.get<Record<string, string | null>>('env', {}),
    ...(launch?.env ?? {}),
  })) {
    envAdditions[k] = v === null ? null : sub(v);
  }
  const env = mergeEnv(process.env, envAdditions);

  if (TYPESCRIPT.test(program) && runtimeArgs.length === 0) {
    const version = await nodeVersion(command, cwd, env);
    const extra = typeScriptRuntimeArgs(version);
    if (!extra) {
      throw new LaunchError(
        `Node ${version} cannot run TypeScript by itself. Set "concurrencyVisualizer.runtimeArgs" to ["--import", "tsx"] (with tsx installed) or use Node 22.6 or later.`,
        'concurrencyVisualizer.runtimeArgs',
      );
    }
    runtimeArgs = extra;
  }
  return { program, command, runtimeArgs, args, cwd, env };
}

/** `node --version` of the configured executable. */
function nodeVersion(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, ['--version'], { cwd, env, timeout: 10000 }, (err, stdout) => {
      if (err) {
        reject(
          new LaunchError(
            `Could not run "${command} --version": ${err.message}`,
            'concurrencyVisualizer.nodePath',
          ),
        );
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/** The tracer's stack sampling interval (µs, 0: off) for the `concurrencyVisualizer.stacks`
 * setting ('on' or 'off'; anything else takes the default). */
export function stacksIntervalUs(setting: unknown): number {
  const on = setting === 'on' ? true : setting === 'off' ? false : STACKS_BY_DEFAULT;
  return on ? DEFAULT_STACK_INTERVAL_US : 0;
}
