// The Promise.all quick fix (src/editor/insightsQuickFix.ts): the rewrite of the example it fixes,
// and every shape where it must not be offered.
import * as assert from 'node:assert/strict';
import { planPromiseAll } from '../../src/editor/insightsQuickFix';

/** The text after applying the plan for `lines`, or undefined when the fix is not offered. */
function fix(text: string, lines: number[], fileName = '/w/a.js'): string | undefined {
  const plan = planPromiseAll(text, fileName, lines);
  return plan && text.slice(0, plan.startOffset) + plan.newText + text.slice(plan.endOffset);
}

const SEQUENTIAL = [
  "const { setTimeout: sleep } = require('node:timers/promises');",
  'async function main() {',
  "  const a = await sleep(100, 'a');",
  "  const b = await sleep(100, 'b');",
  "  const c = await sleep(100, 'c');",
  '  console.log(a, b, c);',
  '}',
  'main();',
  '',
].join('\n');

describe('code insights: the Promise.all quick fix', () => {
  it('rewrites three independent awaits of one block', () => {
    assert.equal(
      fix(SEQUENTIAL, [3, 4, 5]),
      SEQUENTIAL.replace(
        / {2}const a[^]*'c'\);/,
        "  const [a, b, c] = await Promise.all([sleep(100, 'a'), sleep(100, 'b'), sleep(100, 'c')]);",
      ),
    );
  });

  it('keeps plain awaits as holes, let as let, and works in TypeScript and at top level', () => {
    const text = 'let x = await f();\nawait g();\nlet y = await h(1);\nawait i();\n';
    assert.equal(
      fix(text, [1, 2, 3, 4], '/w/a.mts'),
      'let [x, , y] = await Promise.all([f(), g(), h(1), i()]);\n',
    );
    assert.equal(fix('await f();\nawait g();\n', [1, 2]), 'await Promise.all([f(), g()]);\n');
  });

  it('writes one element per line when the line would be too long', () => {
    const text = [
      'async function m() {',
      '    const first = await fetchSomethingWithAVeryLongName(argumentNumberOne);',
      '    const second = await fetchSomethingWithAVeryLongName(argumentNumberTwo);',
      '}',
    ].join('\n');
    assert.equal(
      fix(text, [2, 3]),
      [
        'async function m() {',
        '    const [first, second] = await Promise.all([',
        '      fetchSomethingWithAVeryLongName(argumentNumberOne),',
        '      fetchSomethingWithAVeryLongName(argumentNumberTwo),',
        '    ]);',
        '}',
      ].join('\n'),
    );
  });

  it('takes the lines in any order and an await whose operand holds a callback', () => {
    const text = [
      'async function m() {',
      '  const a = await new Promise((r) => { setTimeout(r, 100); });',
      '  const b = await g();',
      '}',
    ].join('\n');
    assert.match(fix(text, [3, 2]) ?? '', /const \[a, b\] = await Promise\.all\(\[new Promise/);
  });

  it('is not offered when a later await uses an earlier result', () => {
    const text = 'async function m() {\n  const a = await f();\n  const b = await g(a.id);\n}\n';
    assert.equal(fix(text, [2, 3]), undefined);
    const inCallback = 'async function m() {\n  const a = await f();\n  await g(() => a);\n}\n';
    assert.equal(fix(inCallback, [2, 3]), undefined);
  });

  it('is not offered with a statement, a comment or a second statement between', () => {
    assert.equal(
      fix(
        'async function m() {\n  const a = await f();\n  log();\n  const b = await g();\n}',
        [2, 4],
      ),
      undefined,
    );
    assert.equal(
      fix(
        'async function m() {\n  const a = await f();\n  // why\n  const b = await g();\n}',
        [2, 4],
      ),
      undefined,
    );
    assert.equal(
      fix('async function m() {\n  const a = await f(); log();\n  const b = await g();\n}', [2, 3]),
      undefined,
    );
  });

  it('is not offered across blocks or functions', () => {
    const blocks =
      'async function m() {\n  const a = await f();\n  if (x) {\n    const b = await g();\n  }\n}';
    assert.equal(fix(blocks, [2, 4]), undefined);
    const sameIndent =
      'async function m() {\n  {\n  const a = await f();\n  }\n  const b = await g();\n}';
    assert.equal(fix(sameIndent, [3, 5]), undefined);
    const nested =
      'async function m() {\n  const a = await f();\n  await run(async () => {\n  const b = await g();\n  });\n}';
    assert.equal(fix(nested, [2, 4]), undefined);
  });

  it('is not offered for anything but plain await statements', () => {
    const cases: [string, number[]][] = [
      ['async function m() {\n  const a = await f() + 1;\n  const b = await g();\n}', [2, 3]],
      ['async function m() {\n  const a = f();\n  const b = await g();\n}', [2, 3]],
      ['async function m() {\n  const a = await f(), c = 1;\n  const b = await g();\n}', [2, 3]],
      ['async function m() {\n  const { a } = await f();\n  const b = await g();\n}', [2, 3]],
      ['async function m() {\n  const a = await f();\n  let b = await g();\n}', [2, 3]],
      ['async function m() {\n  a = await f();\n  b = await g();\n}', [2, 3]],
      ['async function m() {\n  return await f();\n  const b = await g();\n}', [2, 3]],
      ['async function m() {\n  const a = await f(await h());\n  const b = await g();\n}', [2, 3]],
      ['export const a = await f();\nexport const b = await g();\n', [1, 2]],
      ['async function m() {\n  const a = await f(\n    1);\n  const b = await g();\n}', [3, 4]],
      ['async function m() {\n  const a = await f();\n  const a2 = await g(;\n}', [2, 3]],
      ['async function m() {\n  const a = await f();\n}', [2]],
    ];
    for (const [text, lines] of cases) {
      assert.equal(fix(text, lines), undefined, text);
    }
    const typed = 'async function m() {\n  const a: number = await f();\n  const b = await g();\n}';
    assert.equal(fix(typed, [2, 3], '/w/a.ts'), undefined);
  });

  it('is not offered on lines inside a comment or a template literal', () => {
    const comment = '/*\nconst a = await f();\nconst b = await g();\n*/\n';
    assert.equal(fix(comment, [2, 3]), undefined);
    const template = 'const s = `\nconst a = await f();\nconst b = await g();\n`;\n';
    assert.equal(fix(template, [2, 3]), undefined);
  });
});
