/**
 * The quick fix of a sequential-awaits finding: rewrites plain `await` statements of one block,
 * whose results are not used by each other, into one `await Promise.all([...])`.
 *
 * It parses the file with the TypeScript compiler and refuses anything it cannot prove is that
 * shape: the fix is offered only when `planPromiseAll` returns an edit. This file is bundled on
 * its own (dist/insightsQuickFix.js, with the compiler) and loaded the first time a
 * sequential-awaits diagnostic is under the cursor, so the extension's start does not pay for it.
 */
import * as ts from 'typescript';

/** The edit: replace [startOffset, endOffset) of the file's text with `newText`. */
export interface PromiseAllEdit {
  startOffset: number;
  endOffset: number;
  newText: string;
}

/** A statement the fix can take: `const x = await e;` (binding `x`) or `await e;` (none). */
interface AwaitStatement {
  statement: ts.Statement;
  binding?: string;
  declKind?: 'const' | 'let' | 'var';
  operand: ts.Expression;
}

/** Lines longer than this are written one element per line. */
const MAX_LINE_CHARS = 100;

/**
 * The edit that awaits the statements on `lines` (1-based, one statement each) together, or
 * undefined when they are not plain await statements, consecutive in one block, each line one
 * of them, with no statement or comment between, and no later one using an earlier result.
 */
export function planPromiseAll(
  text: string,
  fileName: string,
  lines: readonly number[],
): PromiseAllEdit | undefined {
  const wanted = [...new Set(lines)].sort((a, b) => a - b);
  if (wanted.length < 2) {
    return undefined;
  }
  const sf = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(fileName),
  );
  const parseErrors = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics;
  if (!parseErrors || parseErrors.length > 0) {
    return undefined; // a file that does not parse is not rewritten
  }
  const found: ts.Statement[] = [];
  for (const line of wanted) {
    const statement = statementStartingAt(sf, line - 1);
    if (!statement || found.includes(statement)) {
      return undefined; // two lines of one statement: not the shape the finding claims
    }
    found.push(statement);
  }
  const parent = found[0].parent;
  if (!found.every((s) => s.parent === parent)) {
    return undefined; // different blocks
  }
  const siblings = statementsOf(parent);
  const indexes = found.map((s) => siblings.indexOf(s));
  if (indexes.some((i, k) => i < 0 || (k > 0 && i !== indexes[k - 1] + 1))) {
    return undefined; // another statement between them
  }
  const awaits: AwaitStatement[] = [];
  for (const s of found) {
    const a = asAwaitStatement(s);
    if (!a) {
      return undefined;
    }
    awaits.push(a);
  }
  for (let k = 1; k < found.length; k++) {
    // Only whitespace between: a comment or a stray semicolon would be lost.
    if (text.slice(found[k - 1].getEnd(), found[k].getStart(sf)).trim() !== '') {
      return undefined;
    }
  }
  const kinds = new Set(awaits.flatMap((a) => (a.declKind ? [a.declKind] : [])));
  if (kinds.size > 1) {
    return undefined; // const and let mixed: no one declaration keeps both meanings
  }
  const bound = new Set<string>();
  for (const a of awaits) {
    if (usesAny(a.operand, bound) || containsAwaitOrYield(a.operand)) {
      return undefined; // it needs an earlier result, or awaits within itself
    }
    if (a.binding) {
      if (bound.has(a.binding)) {
        return undefined;
      }
      bound.add(a.binding);
    }
  }
  const first = found[0];
  const startOffset = first.getStart(sf);
  const endOffset = found[found.length - 1].getEnd();
  const lineStart = text.lastIndexOf('\n', startOffset - 1) + 1;
  const indent = text.slice(lineStart, startOffset);
  if (indent.trim() !== '') {
    return undefined; // the first statement shares its line with other code
  }
  const operands = awaits.map((a) => a.operand.getText(sf));
  const head = headOf(awaits, [...kinds][0]);
  const oneLine = `${head}await Promise.all([${operands.join(', ')}]);`;
  const newText =
    indent.length + oneLine.length <= MAX_LINE_CHARS && !operands.some((o) => o.includes('\n'))
      ? oneLine
      : `${head}await Promise.all([\n${operands.map((o) => `${indent}  ${o},\n`).join('')}${indent}]);`;
  return { startOffset, endOffset, newText };
}

/** `const [a, , c] = ` for the bindings in order (holes for plain awaits), or '' for none. */
function headOf(awaits: AwaitStatement[], declKind: string | undefined): string {
  if (!declKind) {
    return '';
  }
  let last = awaits.length - 1;
  while (!awaits[last].binding) {
    last--;
  }
  const names = awaits.slice(0, last + 1).map((a) => a.binding ?? '');
  return `${declKind} [${names.join(', ')}] = `;
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (/\.(ts|mts|cts)$/i.test(fileName)) {
    return ts.ScriptKind.TS;
  }
  if (/\.tsx$/i.test(fileName)) {
    return ts.ScriptKind.TSX;
  }
  return /\.jsx$/i.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The statements of a block-like node, or none. */
function statementsOf(node: ts.Node): readonly ts.Statement[] {
  if (
    ts.isBlock(node) ||
    ts.isSourceFile(node) ||
    ts.isModuleBlock(node) ||
    ts.isCaseClause(node) ||
    ts.isDefaultClause(node)
  ) {
    return node.statements;
  }
  return [];
}

/**
 * The outermost statement of a statement list whose text starts on `line0` (0-based), or
 * undefined. A line inside a multi-line statement finds only a statement nested in it (a
 * callback's body), which is then refused as not an await statement.
 */
function statementStartingAt(sf: ts.SourceFile, line0: number): ts.Statement | undefined {
  let found: ts.Statement | undefined;
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (found || line0 < lineOf(node.getStart(sf)) || line0 > lineOf(node.getEnd())) {
      return;
    }
    found = statementsOf(node).find((s) => lineOf(s.getStart(sf)) === line0);
    if (!found) {
      ts.forEachChild(node, visit);
    }
  };
  visit(sf);
  return found;
}

/** `const x = await e;` / `let x = await e;` / `var x = await e;` / `await e;`, else undefined. */
function asAwaitStatement(s: ts.Statement): AwaitStatement | undefined {
  if (ts.isExpressionStatement(s)) {
    return ts.isAwaitExpression(s.expression)
      ? { statement: s, operand: s.expression.expression }
      : undefined;
  }
  if (!ts.isVariableStatement(s) || s.modifiers?.length) {
    return undefined; // `export const` and `declare` are left alone
  }
  const list = s.declarationList;
  // Let = 1, Const = 2, Using = 4, AwaitUsing = Const | Using: compare the whole field.
  const scope = list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using);
  const declKind =
    scope === ts.NodeFlags.Const
      ? 'const'
      : scope === ts.NodeFlags.Let
        ? 'let'
        : scope === ts.NodeFlags.None
          ? 'var'
          : undefined;
  if (!declKind) {
    return undefined; // using / await using
  }
  if (list.declarations.length !== 1) {
    return undefined;
  }
  const d = list.declarations[0];
  if (!ts.isIdentifier(d.name) || d.type || d.exclamationToken || !d.initializer) {
    return undefined;
  }
  if (!ts.isAwaitExpression(d.initializer)) {
    return undefined;
  }
  return { statement: s, binding: d.name.text, declKind, operand: d.initializer.expression };
}

/** True when `node` mentions any of `names` (as any identifier: cautious, never misses one). */
function usesAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) {
    return false;
  }
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) {
      return;
    }
    if (ts.isIdentifier(n) && names.has(n.text)) {
      hit = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return hit;
}

/** True when `node` awaits or yields anywhere outside a nested function. */
function containsAwaitOrYield(node: ts.Node): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit || ts.isFunctionLike(n)) {
      return;
    }
    if (ts.isAwaitExpression(n) || ts.isYieldExpression(n)) {
      hit = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return hit;
}
