// Defects found tracing real programs (issue #15, item 4): each test runs a program on every
// supported Node.js and checks the trace against what the untraced program really does.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildTracer,
  linesContaining,
  resourcesOfType,
  runProgram as runWith,
  scratchDir,
  supportedNodes,
  traceProgram as traceWith,
  type RunOptions,
} from './helpers';

const PROGRAMS = path.join(__dirname, 'programs');
const { nodes } = supportedNodes();

let addon: string | undefined;
/**
 * Builds test/tracer/programs/napi-addon/addon.c with the C compiler against the N-API headers
 * of a Node.js from the npm registry (N-API is ABI-stable: one build loads on every version).
 */
function napiAddon(): string {
  if (!addon) {
    const include = nodes
      .map((n) => path.join(path.dirname(n.path), '..', 'include', 'node'))
      .find((dir) => fs.existsSync(path.join(dir, 'node_api.h')));
    assert.ok(include, 'no Node.js with N-API headers (include/node/node_api.h) to build with');
    const out = path.join(scratchDir(), 'addon.node');
    const source = path.join(PROGRAMS, 'napi-addon', 'addon.c');
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-I', include, source, '-o', out]);
    addon = out;
  }
  return addon;
}

for (const node of nodes) {
  describe(`tracer on programs of real-world defects, Node ${node.version}`, function () {
    this.timeout(30000);
    before(() => buildTracer());
    const traceProgram = (file: string, opts: RunOptions = {}) =>
      traceWith(file, { node: node.path, ...opts });
    const runProgram = (file: string, opts: RunOptions = {}) =>
      runWith(file, { node: node.path, ...opts });

    for (const how of ['exitCode', 'exit']) {
      it(`records the exit status an 'exit' listener sets (${how === 'exit' ? 'process.exit(n)' : 'process.exitCode'})`, async () => {
        const program = path.join(PROGRAMS, 'exit-code-in-listener.js');
        const opts = { args: [how, '3'] };
        const plain = await runProgram(program, opts);
        const traced = await traceProgram(program, opts);
        assert.equal(plain.code, 3, plain.stderr);
        assert.equal(traced.code, 3, traced.stderr);
        assert.equal(traced.stdout, plain.stdout);
        const end = traced.model.threads[0].end;
        assert.equal(end?.reason, 'exit');
        assert.equal(end?.exitCode, 3);
      });
    }

    it('locates each fs.promises FileHandle at the line that opened it, inferred', async () => {
      const file = path.join(PROGRAMS, 'fs-promises.js');
      const run = await traceProgram(file);
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      const handles = resourcesOfType(model, 'FILEHANDLE').sort(
        (a, b) => model.resInitNs.data[a] - model.resInitNs.data[b],
      );
      const line = (marker: string) => linesContaining(file, marker)[0];
      const expected = [
        ...Array<number>(3).fill(line('// open line')),
        ...Array<number>(3).fill(line('// readFile line')),
        ...Array<number>(4).fill(line('// together line')),
      ];
      assert.deepEqual(
        handles.map((r) => model.locationOf(r)?.line),
        expected,
        'the FileHandles, in the order they were made, at the lines that opened them',
      );
      for (const r of handles) {
        assert.equal(model.locationOf(r)?.file, file);
        assert.equal(model.locationOf(r)?.inferred, true, 'no frame says so: inferred');
      }
    });

    it("names a native addon's unnamed async work NAPI, with its resource's class", async () => {
      const file = path.join(PROGRAMS, 'napi-work.js');
      const run = await traceProgram(file, { args: [napiAddon()] });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /worked/);
      const { model } = run;
      assert.deepEqual(resourcesOfType(model, 'undefined'), []);
      const works = resourcesOfType(model, 'NAPI (Promise)');
      assert.equal(works.length, 2, 'the two works');
      for (const r of works) {
        assert.equal(model.locationOf(r)?.file, file);
        assert.ok(model.firstRunNs(r) >= model.resInitNs.data[r], 'its completion ran');
      }
    });

    it('locates a main script run through a symlink at the real file', async () => {
      const dir = fs.realpathSync(scratchDir());
      const realFile = path.join(dir, 'pkg', 'bin', 'tool.js');
      fs.mkdirSync(path.dirname(realFile), { recursive: true });
      fs.writeFileSync(realFile, "setTimeout(() => console.log('ran'), 1);\n");
      const link = path.join(dir, '.bin', 'tool');
      fs.mkdirSync(path.dirname(link));
      fs.symlinkSync(path.join('..', 'pkg', 'bin', 'tool.js'), link);
      const run = await traceProgram(link, { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      const { model } = run;
      const [script] = resourcesOfType(model, '(main script)');
      assert.equal(model.locationOf(script)?.file, realFile);
      const [timeout] = resourcesOfType(model, 'Timeout');
      assert.deepEqual(model.locationOf(timeout), {
        file: realFile,
        line: linesContaining(realFile, 'setTimeout(')[0],
        column: 1,
        inferred: false,
      });
    });
  });
}
