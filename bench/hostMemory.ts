/**
 * The extension host's memory over a long flight recording against a baseline (issue #20 item
 * 4): code-server with the packaged extension, as test/e2e/ring.test.ts drives it, then SECONDS
 * watched. Every EVERY seconds the host's RSS and, through its inspector, its JS heap after a
 * full GC (heap used, external, array buffers) and its worker threads' heaps; with --snapshots
 * a heap snapshot after the first EVERY s and at the end, compared by constructor (what grew);
 * with --no-gc no GC at each sample (the heap as the run leaves it), one at the end. Modes:
 *   ring   concurrencyVisualizer.ringSeconds = 2 on the e2e's HTTP server under load, recording
 *          all along (the host lists and stats the session folder and posts to the panel each s)
 *   ended  the extension active, one short run visualized and ended, nothing running (baseline)
 *
 *   flock /tmp/bench.lock npx tsx bench/hostMemory.ts --mode ring [--seconds 300] [--every 30] [--snapshots] [--no-gc]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extensionLog, runCommand, waitFor } from '../test/e2e/harness';
import {
  HostInspector,
  type HeapByConstructor,
  LOAD_SERVER,
  extensionHostPid,
  heapGrowth,
  rssMB,
} from '../test/e2e/hostInspector';
import { openFile, openWorkbench } from '../test/e2e/workbench';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const mode = arg('mode', 'ring');
const seconds = Number(arg('seconds', '300'));
const everySeconds = Number(arg('every', '30'));
// A snapshot costs the host some 200 MB of RSS it keeps (its serialization): off by default,
// so that the RSS column is the run's.
const snapshots = process.argv.includes('--snapshots');
// Without a GC at each sample: the heap and RSS as the run leaves them, then one GC at the end
// (what of the growth was garbage not collected yet).
const gcEach = !process.argv.includes('--no-gc');
if (mode !== 'ring' && mode !== 'ended') {
  throw new Error(`--mode ring or --mode ended, not ${mode}`);
}

const SHORT = `// A short run: a few callbacks, then the end.
setTimeout(() => Promise.resolve().then(() => console.log('done')), 200);
`;

async function main(): Promise<void> {
  const workbench = await openWorkbench(`bench-host-memory-${mode}.log`, (examples) => {
    fs.mkdirSync(path.join(examples, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(examples, '.vscode', 'settings.json'),
      JSON.stringify({ 'concurrencyVisualizer.ringSeconds': mode === 'ring' ? 2 : 0 }),
    );
    fs.writeFileSync(path.join(examples, 'loadServer.js'), LOAD_SERVER);
    fs.writeFileSync(path.join(examples, 'short.js'), SHORT);
  });
  let inspector: HostInspector | undefined;
  try {
    const { page } = workbench;
    const program = mode === 'ring' ? 'loadServer.js' : 'short.js';
    await openFile(page, program);
    await runCommand(page, 'Visualize Concurrency');
    const log = (): string[] => extensionLog(workbench.userDataDir);
    if (mode === 'ring') {
      await waitFor(
        'the recording to start',
        async () => log(),
        (l) => l.some((x) => / trace in /.test(x)),
        60000,
      );
    } else {
      await waitFor(
        'the short run to end',
        async () => log(),
        (l) => l.some((x) => /short\.js: Process exited/.test(x)),
        60000,
      );
    }
    const hostPid = extensionHostPid(workbench.server.pid);
    if (!hostPid) {
      throw new Error('no extension host among code-server processes');
    }
    inspector = await HostInspector.attach(hostPid);
    const host = inspector;
    console.log(`mode ${mode}, ${seconds} s, extension host pid ${hostPid}`);
    console.log(
      `t (s)  RSS MB  heap used ${gcEach ? 'after GC' : '(no GC)'} MB  heap total MB  external MB  array buffers MB  workers' heap used MB`,
    );
    const startMs = Date.now();
    const sample = async (gc = gcEach): Promise<void> => {
      const m = await host.memoryAfterGc(gc);
      const workers = [...(await host.workersAfterGc(gc))]
        .map(([title, mb]) => `${title}: ${mb.toFixed(2)}`)
        .join(', ');
      const tS = Math.round((Date.now() - startMs) / 1000);
      console.log(
        `${String(tS).padStart(5)}  ${rssMB(hostPid).toFixed(1).padStart(6)}  ${m.heapUsed.toFixed(2).padStart(21)}  ${m.heapTotal.toFixed(1).padStart(13)}  ${m.external.toFixed(2).padStart(11)}  ${m.arrayBuffers.toFixed(2).padStart(16)}  ${workers}${gc === gcEach ? '' : '  (after a GC)'}`,
      );
    };
    await sample();
    // The first snapshot after a minute's warm-up (code compiled on first use is not a leak).
    let before: HeapByConstructor | undefined;
    for (let n = 1; n * everySeconds <= seconds; n++) {
      // The next sample's time, not a sleep for its own sake: samples every EVERY s of the run.
      await waitFor(
        'the next sample time',
        async () => Date.now() - startMs,
        (ms) => ms >= n * everySeconds * 1000,
        everySeconds * 1000 + 60000,
      );
      await sample();
      if (snapshots && n === 1) {
        before = await host.heapByConstructor();
      }
    }
    if (!gcEach) {
      await sample(true);
    }
    if (before) {
      const after = await host.heapByConstructor();
      console.log(
        `heap growth by constructor over the run (snapshots at ${everySeconds} and ${seconds} s):`,
      );
      for (const line of heapGrowth(before, after)) {
        console.log(line);
      }
    }
    const ended = log().some((x) => /loadServer\.js: Process/.test(x));
    if (mode === 'ring' && ended) {
      throw new Error('the load server ended during the run');
    }
  } finally {
    inspector?.close();
    await workbench.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
