/**
 * The flight recorder over a long run, accelerated: `record --ring WINDOW` on an HTTP server
 * and its keep-alive client under full load (bench/workloads/http.js, endless) for SECONDS,
 * then SIGINT. Every second it reads the session folder's size and the recorder's and the
 * program's resident memory (Linux /proc); it prints them every tenth second and the range
 * over the second half (flat is the claim), then the written trace's size and what it holds.
 * 120 s with a 4 s window is 30 windows, as an hour with a 2-minute window.
 *
 *   npx tsx bench/ring.ts [--seconds 120] [--ring 4]
 *
 * The same from VS Code (the extension host's memory, the panel's session folder): the e2e test
 * test/e2e/ring.test.ts prints both every 3 s and their range over its second half;
 *   CV_RING_E2E_SECONDS=300 npx mocha test/e2e/ring.test.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSessionsRoot } from '../src/launch/session';
import { bundleForNode } from '../test/fixtures/nodeBundle';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('seconds', 120);
const ringSeconds = arg('ring', 4);
const ROOT = path.resolve(__dirname, '..');
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-ring-bench-'));
bundleForNode('src/tracer/index.ts', path.join(dist, 'tracer.js'));
bundleForNode('src/sampler/samplerWorker.ts', path.join(dist, 'samplerWorker.js'));
const cli = bundleForNode('src/cli/main.ts', path.join(dist, 'cli.js'));
const out = path.join(dist, 'ring.cvtrace');

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function childOf(pid: number): number {
  try {
    return Number(
      fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0],
    );
  } catch {
    return NaN;
  }
}

function folderBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.cvt')) {
      try {
        bytes += fs.statSync(path.join(dir, name)).size;
        files++;
      } catch {
        // deleted between the listing and the stat
      }
    }
  }
  return { bytes, files };
}

const root = defaultSessionsRoot();
const before = new Set(fs.existsSync(root) ? fs.readdirSync(root) : []);
const recorder = spawn(
  process.execPath,
  [
    cli,
    'record',
    '--ring',
    String(ringSeconds),
    '--out',
    out,
    '--',
    process.execPath,
    'bench/workloads/http.js',
  ],
  {
    cwd: ROOT,
    env: { ...process.env, BENCH_N: '1000000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const rows: Array<{ t: number; folderMB: number; files: number; recMB: number; progMB: number }> =
  [];
let dir: string | undefined;
let t = 0;
const timer = setInterval(() => {
  t++;
  dir ??= fs
    .readdirSync(root)
    .filter((n) => !before.has(n))
    .map((n) => path.join(root, n))[0];
  if (dir && fs.existsSync(dir)) {
    const f = folderBytes(dir);
    const row = {
      t,
      folderMB: f.bytes / 1048576,
      files: f.files,
      recMB: rssMB(recorder.pid!),
      progMB: rssMB(childOf(recorder.pid!)),
    };
    rows.push(row);
    if (t % 10 === 0) {
      console.log(
        `t=${t}s folder ${row.folderMB.toFixed(1)} MB in ${row.files} files, recorder RSS ${row.recMB.toFixed(0)} MB, program RSS ${row.progMB.toFixed(0)} MB`,
      );
    }
  }
  if (t >= seconds) {
    clearInterval(timer);
    recorder.kill('SIGINT');
  }
}, 1000);
recorder.on('exit', (code) => {
  const half = rows.filter((r) => r.t > seconds / 2);
  const range = (k: 'folderMB' | 'recMB' | 'progMB'): string => {
    const xs = half.map((r) => r[k]).filter(Number.isFinite);
    return `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)} MB`;
  };
  console.log(`\nrecord exited ${code}; --ring ${ringSeconds} for ${seconds} s`);
  console.log(
    `second half: folder ${range('folderMB')}, recorder RSS ${range('recMB')}, program RSS ${range('progMB')}`,
  );
  console.log(`peak folder ${Math.max(...rows.map((r) => r.folderMB)).toFixed(1)} MB`);
  const size = fs.statSync(out).size;
  const s = spawnSync(process.execPath, [cli, 'summary', out], { encoding: 'utf8' });
  const lines = s.stdout.split('\n').filter((l) => /Flight recorder|^Callbacks|^Events/.test(l));
  console.log(`trace ${(size / 1048576).toFixed(1)} MB; ${lines.join('; ')}`);
  fs.rmSync(dist, { recursive: true, force: true });
});
