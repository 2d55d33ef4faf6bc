/** Values for `${...}` variables in settings and launch configurations. */
export interface VariableContext {
  workspaceFolder?: string;
  file?: string;
  env: Record<string, string | undefined>;
}

/**
 * Substitutes the variables VS Code users write in launch configurations: ${workspaceFolder},
 * ${workspaceFolderBasename}, ${file}, ${fileBasename}, ${fileDirname},
 * ${fileBasenameNoExtension}, ${env:NAME}, ${userHome}. Unknown variables are left as written so
 * the resulting error names them.
 */
export function substituteVariables(value: string, ctx: VariableContext): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name.startsWith('env:')) {
      return ctx.env[name.slice(4)] ?? '';
    }
    const file = ctx.file;
    const base = file ? file.replace(/^.*[\\/]/, '') : undefined;
    switch (name) {
      case 'workspaceFolder':
      case 'workspaceRoot':
        return ctx.workspaceFolder ?? whole;
      case 'workspaceFolderBasename':
        return ctx.workspaceFolder ? ctx.workspaceFolder.replace(/^.*[\\/]/, '') : whole;
      case 'file':
        return file ?? whole;
      case 'fileBasename':
        return base ?? whole;
      case 'fileBasenameNoExtension':
        return base ? base.replace(/\.[^.]*$/, '') : whole;
      case 'fileDirname':
        return file ? file.replace(/[\\/][^\\/]*$/, '') : whole;
      case 'userHome':
        return ctx.env.HOME ?? ctx.env.USERPROFILE ?? whole;
      default:
        return whole;
    }
  });
}

/**
 * The program's environment: the extension host's, with the user's additions (a null value
 * removes a variable), as a plain run from a terminal would see it.
 */
export function mergeEnv(
  base: Record<string, string | undefined>,
  additions: Record<string, string | null | undefined>,
): Record<string, string | undefined> {
  const env = { ...base };
  for (const [key, value] of Object.entries(additions)) {
    if (value === null) {
      delete env[key];
    } else if (value !== undefined) {
      env[key] = value;
    }
  }
  return env;
}

/** Runtime arguments that let `nodeVersion` run a TypeScript file, or undefined when it cannot. */
export function typeScriptRuntimeArgs(nodeVersion: string): string[] | undefined {
  const [major, minor] = nodeVersion.replace(/^v/, '').split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) {
    return []; // type stripping is on by default
  }
  if (major === 23 || (major === 22 && minor >= 6)) {
    return ['--experimental-strip-types'];
  }
  return undefined;
}
