// `record` as a parent (issue #20, item 5) and `summary` as a careful reader of what it is
// given: signals passed on, the user's NODE_OPTIONS kept for the program, options checked before
// the program starts, one line for any failure, and terminal-safe text.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TraceSummary } from '../../src/model/summary';
import { buildCli, ROOT, scratchDir, supportedNodes } from './helpers';

const PROGRAMS = path.join(__dirname, 'programs');
/** What npm links as the `concurrency-visualizer` command (package.json "bin"). */
const LAUNCHER = path.join(ROOT, 'bin', 'concurrency-visualizer');

/** The environment with the Node running the tests first on PATH (the launcher runs `node`). */
function envWith(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) {
      delete env[k];
    }
  }
  return env;
}

/** Runs the CLI through its launcher, as `concurrency-visualizer ...` runs it. */
function launch(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  buildCli();
  const r = spawnSync(LAUNCHER, args, {
    cwd: opts.cwd ?? scratchDir(),
    env: opts.env ?? envWith(),
    input: '',
    encoding: 'utf8',
    timeout: 60000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function summaryOf(file: string): TraceSummary {
  const r = launch(['summary', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as TraceSummary;
}

/** True while a process with this pid exists (a zombie counts: it is not reaped yet). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `check` holds, polling; rejects with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP port free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('record as a parent: signals (issue #20)', function () {
  this.timeout(60000);
  if (process.platform === 'win32') {
    return; // no POSIX signals to pass on
  }

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`passes ${signal} sent to record on to the program and its children, and exits 128+N`, async () => {
      buildCli();
      const dir = scratchDir();
      const out = path.join(dir, 'signal.cvtrace');
      const rec = spawn(
        LAUNCHER,
        [
          'record',
          '--out',
          out,
          '--',
          process.execPath,
          path.join(PROGRAMS, 'forever-with-child.js'),
        ],
        { cwd: dir, env: envWith(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      rec.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      rec.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => rec.on('close', (c) => resolve(c)));
      let pids: { pid: number; child: number } | undefined;
      try {
        await until(() => /READY /.test(stdout), 'the program is up');
        pids = JSON.parse(/READY (.*)/.exec(stdout)![1]) as { pid: number; child: number };
        if (process.platform === 'linux') {
          // In record's own session, as without us: a session of its own (setsid) would give
          // it a scheduling group of its own, and so another share of the CPU.
          assert.equal(sessionOf(pids.pid), sessionOf(process.pid));
        }
        rec.kill(signal); // to record's own pid only, as a CI runner's cancel does
        let code: number | null = null;
        void exited.then((c) => (code = c));
        await until(() => code !== null, `record exits after ${signal}\n${stderr}`);
        assert.equal(code, 128 + os.constants.signals[signal]);
        await until(() => !alive(pids!.pid) && !alive(pids!.child), 'program and child are gone');
        assert.match(stderr, /trace written to/);
        const s = summaryOf(out);
        assert.equal(s.program.signal, signal);
        assert.ok(s.threads.length >= 1);
      } finally {
        rec.kill('SIGKILL');
        for (const pid of pids ? [pids.pid, pids.child] : []) {
          if (alive(pid)) {
            process.kill(pid, 'SIGKILL');
          }
        }
      }
    });
  }
});

/** The process group of a process (Linux /proc). */
function processGroup(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** The session of a process (Linux /proc): the kernel's autogroup shares the CPU by it. */
function sessionOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** The pid of the recorder writing `out` (Linux /proc). */
function recorderOf(out: string): number | undefined {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith('cli.js')) && argv.includes(out)) {
        return Number(name);
      }
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

describe('record in a terminal (issue #20)', function () {
  this.timeout(60000);
  const script = '/usr/bin/script';
  if (process.platform !== 'linux' || !fs.existsSync(script)) {
    return; // util-linux's script gives the run a terminal
  }

  it("keeps the program in the terminal's process group and passes SIGTERM on", async () => {
    buildCli();
    const dir = scratchDir();
    const out = path.join(dir, 'tty.cvtrace');
    const program = path.join(PROGRAMS, 'forever-with-child.js');
    const command = [LAUNCHER, 'record', '--out', out, '--', process.execPath, program]
      .map((a) => `'${a}'`)
      .join(' ');
    const term = spawn(script, ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: envWith(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    term.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let code: number | null = null;
    term.on('close', (c) => (code = c));
    let pids: { pid: number; child: number } | undefined;
    try {
      await until(() => /READY /.test(stdout), 'the program is up');
      pids = JSON.parse(/READY (\{.*\})/.exec(stdout)![1]) as { pid: number; child: number };
      const recorder = recorderOf(out);
      assert.ok(recorder, 'the recorder is running');
      // Sharing the terminal's foreground group, it gets Ctrl+C and reads the terminal itself.
      assert.equal(processGroup(pids.pid), processGroup(recorder));
      process.kill(recorder, 'SIGTERM');
      await until(() => code !== null, 'script (and record) exit');
      assert.equal(code, 128 + os.constants.signals.SIGTERM, stdout);
      await until(() => !alive(pids!.pid), 'the program is gone');
      assert.equal(summaryOf(out).program.signal, 'SIGTERM');
    } finally {
      term.kill('SIGKILL');
      for (const pid of pids ? [pids.pid, pids.child] : []) {
        if (alive(pid)) {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
  });
});

describe("record and the user's NODE_OPTIONS (issue #20)", function () {
  this.timeout(60000);
  if (process.platform === 'win32') {
    return; // the launcher is a POSIX shell script
  }

  it('runs a --require module from NODE_OPTIONS once, in the program, not in the recorder', () => {
    const out = path.join(scratchDir(), 'preload.cvtrace');
    const preload = path.join(PROGRAMS, 'print-preload.js');
    const r = launch(
      ['record', '--out', out, '--', process.execPath, path.join(PROGRAMS, 'exit-code.js'), '0'],
      { env: envWith({ NODE_OPTIONS: `--no-deprecation --require "${preload}"` }) },
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('PRELOAD '));
    assert.equal(lines.length, 1, r.stdout);
    assert.match(r.stderr, /NODE_OPTIONS has user flag: true/, 'the program got the user option');
    const s = summaryOf(out);
    assert.equal(lines[0], `PRELOAD pid ${s.threads[0].pid} main true`);
  });

  it('leaves the port of --inspect in NODE_OPTIONS to the program', async () => {
    const port = await freePort();
    const out = path.join(scratchDir(), 'inspect.cvtrace');
    const r = launch(
      ['record', '--out', out, '--', process.execPath, path.join(PROGRAMS, 'inspector-url.js')],
      { env: envWith({ NODE_OPTIONS: `--inspect=127.0.0.1:${port}` }) },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /address already in use/);
    assert.match(r.stdout, new RegExp(`INSPECTOR ws://127\\.0\\.0\\.1:${port}/`));
    // Only the program listened: one "Debugger listening" line, for its port.
    assert.equal(r.stderr.match(/Debugger listening on/g)?.length, 1, r.stderr);
  });

  it("starts through npm's links: a relative bin link into a linked package folder", () => {
    // node_modules/.bin/x -> ../pkg/bin/x, and the package itself a link (npm link, file:).
    const modules = path.join(scratchDir(), 'node_modules');
    fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
    fs.symlinkSync(ROOT, path.join(modules, 'concurrency-visualizer'), 'dir');
    const bin = path.join(modules, '.bin', 'concurrency-visualizer');
    fs.symlinkSync('../concurrency-visualizer/bin/concurrency-visualizer', bin);
    buildCli();
    const preload = path.join(PROGRAMS, 'print-preload.js');
    const out = path.join(scratchDir(), 'linked.cvtrace');
    const r = spawnSync(bin, ['record', '--out', out, '--', process.execPath, '-e', '0'], {
      env: envWith({ NODE_OPTIONS: `--require "${preload}"` }),
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('PRELOAD ')).length, 1);
    assert.match(r.stderr, /trace written to/);
  });

  it('passes no NODE_OPTIONS at all when the user has none', () => {
    const r = launch(
      ['record', '--out', path.join(scratchDir(), 'no.cvtrace'), '--'].concat([
        process.execPath,
        path.join(PROGRAMS, 'exit-code.js'),
        '0',
      ]),
      { env: envWith({ NODE_OPTIONS: undefined, CV_USER_NODE_OPTIONS: '--no-such-flag' }) },
    );
    // A stale CV_USER_NODE_OPTIONS is not the user's: the launcher clears it.
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /NODE_OPTIONS has user flag: false/);
  });
});

describe('record checks what it is asked before the program starts (issue #20)', function () {
  this.timeout(60000);

  /** A program that leaves a file behind if it ever runs. */
  function marker(): { file: string; command: string[] } {
    const file = path.join(scratchDir(), 'ran');
    return {
      file,
      command: [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(file)}, '')`],
    };
  }

  it('treats an option without -- as wrong usage, not as the command', () => {
    const dir = scratchDir();
    const r = launch(['record', '--out', 'x.cvtrace', process.execPath, '-e', '1'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out looks like an option: put the command after --/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('says what --max-size needs', () => {
    for (const bad of ['0', '-1', 'ten']) {
      const r = launch(['record', '--max-size', bad, '--', process.execPath, '-e', '1']);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        new RegExp(`--max-size needs a size in MB greater than 0 \\(got "${bad}"\\)`),
      );
    }
  });

  it('reports an --out it cannot write before the program runs', () => {
    const dir = scratchDir();
    for (const out of [path.join(dir, 'missing', 'x.cvtrace'), dir]) {
      const m = marker();
      const r = launch(['record', '--out', out, '--', ...m.command]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /cannot write the trace to .*: (ENOENT|EISDIR)/);
      assert.ok(!fs.existsSync(m.file), 'the program did not run');
    }
  });

  it('says so when the command traced nothing (not node), on stderr and in the summary', () => {
    const out = path.join(scratchDir(), 'nothing.cvtrace');
    const r = launch(['record', '--out', out, '--', '/bin/sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /nothing was traced: \/bin\/sh started no Node\.js process/);
    const text = launch(['summary', out]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Nothing was traced/);
    const node = launch([
      'record',
      '--out',
      out,
      '--',
      process.execPath,
      path.join(PROGRAMS, 'empty.js'),
    ]);
    assert.equal(node.code, 0);
    assert.doesNotMatch(node.stderr, /nothing was traced/);
  });

  it('turns an unexpected failure into one line and exit 70, and runs nothing', () => {
    // A TMPDIR that is a file: the session folder cannot be made under it.
    const notADir = path.join(scratchDir(), 'file');
    fs.writeFileSync(notADir, '');
    const m = marker();
    const r = launch(
      ['record', '--out', path.join(scratchDir(), 'x.cvtrace'), '--', ...m.command],
      {
        env: envWith({ TMPDIR: notADir }),
      },
    );
    assert.equal(r.code, 70, r.stderr);
    assert.match(r.stderr, /^concurrency-visualizer: internal error: .*ENOTDIR.*\n$/);
    assert.ok(!fs.existsSync(m.file));
  });
});

describe('summary reads only what it can bound, and shows trace strings as text (issue #20)', function () {
  this.timeout(60000);

  it('refuses a device or a FIFO at once instead of reading forever or waiting', () => {
    if (process.platform === 'win32') {
      return;
    }
    const fifo = path.join(scratchDir(), 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const file of ['/dev/zero', fifo]) {
      const r = launch(['summary', file]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `concurrency-visualizer: cannot read ${file}: not a regular file\n`);
    }
  });

  it('escapes control characters of thread names and paths in text, and C1 in JSON', () => {
    const dir = scratchDir();
    const evilFile = path.join(dir, 'app\x1b]0;owned\x07\u009b2J.js');
    fs.copyFileSync(path.join(PROGRAMS, 'hostile-names.js'), evilFile);
    const name = 'w\x1b[31mred\x1b[0m\u009b2J\u202e';
    const out = path.join(dir, 'hostile.cvtrace');
    // Node 22+ tells a worker its name (older ones call it "worker N").
    const node22 = supportedNodes().nodes.find((n) => n.version.startsWith('v22'));
    assert.ok(node22, 'Node 22 is among the supported binaries');
    const r = launch(['record', '--out', out, '--', node22.path, evilFile, name]);
    assert.equal(r.code, 0, r.stderr);
    const text = launch(['summary', out]);
    assert.equal(text.code, 0, text.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    assert.ok(text.stdout.includes('w\\x1b[31mred\\x1b[0m\\x9b2J\\u202e'), text.stdout);
    assert.ok(text.stdout.includes('app\\x1b]0;owned\\x07\\x9b2J.js'), text.stdout);
    const json = launch(['summary', out, '--json']);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(json.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    const s = JSON.parse(json.stdout) as TraceSummary;
    assert.ok(
      s.threads.some((t) => t.name === name),
      JSON.stringify(s.threads),
    );
    assert.ok(s.program.command.includes(evilFile));
  });
});
