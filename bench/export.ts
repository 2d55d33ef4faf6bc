// Export benchmark: a synthetic trace of N spans over 8 threads (default 1M) through the CLI's
// `summary` (reading the trace alone: the baseline), `export --format chrome` (plain and .gz)
// and `export --format html`, each in its own process: wall time, peak RSS and output size,
// with each figure's ratio to `summary`'s. Then the HTML file opened from file:// in Debian's
// headless Chromium, offline: time from navigation to the timeline's first full paint (every
// span decoded and drawn), median of --runs (default 3).
// Usage: npx tsx bench/export.ts [--runs N] [spans]   (under flock /tmp/bench.lock)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath, HEADLESS_ARGS } from '../scripts/chromium';
import { generateTrace } from '../test/fixtures/traces';
import { buildCli } from '../test/tracer/helpers';
import { tempDir } from '../test/webview/harness';

declare const document: { getElementById(id: string): { dataset: Record<string, string> } | null };
declare const performance: { now(): number };

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Math.max(1, Number(args.splice(runsAt, 2)[1]) || 1) : 3;
const SPANS = Number(args[0]) > 0 ? Number(args[0]) : 1_000_000;

interface Measure {
  label: string;
  wallMs: number;
  maxRssMB: number;
  outMB: number;
}

const dir = tempDir('cv-bench-export-');
const cli = buildCli();
// dist/webview.js comes from `npm run build`; the HTML export embeds it.
const webviewJs = path.join(path.dirname(cli), 'webview.js');
if (!fs.existsSync(webviewJs)) {
  throw new Error('dist/webview.js is missing: run npm run build first');
}
const preload = path.join(dir, 'maxrss.cjs');
fs.writeFileSync(
  preload,
  "process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n",
);

function runCli(label: string, cliArgs: string[], out?: string): Measure {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...cliArgs], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${label}: exit ${r.status}: ${r.stderr}`);
  }
  const kb = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  const outMB = out ? fs.statSync(path.join(dir, out)).size / 2 ** 20 : 0;
  return { label, wallMs, maxRssMB: kb / 1024, outMB };
}

async function firstPaintMs(file: string, spans: number): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: HEADLESS_ARGS,
  });
  const times: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({
        offline: true,
        viewport: { width: 1100, height: 700 },
      });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
      const handle = await page.waitForFunction(
        (n) =>
          Number(document.getElementById('threads')?.dataset.spans) >= n
            ? performance.now()
            : false,
        spans,
        { polling: 'raf', timeout: 600_000 },
      );
      times.push((await handle.jsonValue()) as number);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

async function main(): Promise<void> {
  const trace = generateTrace(SPANS, 8);
  const input = path.join(dir, 'bench.cvtrace');
  fs.writeFileSync(input, trace.bytes);
  const traceMB = trace.bytes.length / 2 ** 20;
  const rows: Measure[] = [
    runCli('summary --json (baseline)', ['summary', input, '--json']),
    runCli(
      'export --format chrome',
      ['export', '--format', 'chrome', input, '-o', 'out.json'],
      'out.json',
    ),
    runCli(
      'export --format chrome (.gz)',
      ['export', '--format', 'chrome', input, '-o', 'out.json.gz'],
      'out.json.gz',
    ),
    runCli(
      'export --format html',
      ['export', '--format', 'html', input, '-o', 'out.html'],
      'out.html',
    ),
  ];
  const base = rows[0];
  console.log(
    `${trace.spans} spans, ${trace.resources} operations, trace ${traceMB.toFixed(1)} MB`,
  );
  console.log('');
  console.log('| command | wall ms | x summary | peak RSS MB | x summary | output MB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const m of rows) {
    console.log(
      `| ${m.label} | ${m.wallMs.toFixed(0)} | ${(m.wallMs / base.wallMs).toFixed(2)} | ${m.maxRssMB.toFixed(0)} | ${(m.maxRssMB / base.maxRssMB).toFixed(2)} | ${m.outMB ? m.outMB.toFixed(1) : '-'} |`,
    );
  }
  const paints = await firstPaintMs(path.join(dir, 'out.html'), trace.spans);
  const sorted = [...paints].sort((a, b) => a - b);
  console.log('');
  console.log(
    `HTML from file://, navigation to first full paint of ${trace.spans} spans: median ${sorted[
      Math.floor(sorted.length / 2)
    ].toFixed(0)} ms (runs: ${paints.map((t) => t.toFixed(0)).join(', ')})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
