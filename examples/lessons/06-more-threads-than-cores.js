// Lesson 6: more threads than cores.
// The same job (LESSON_WORK steps in all) is split first across one worker per core, then
// across twice as many workers as cores. Past the core count nothing gets faster: the
// extra threads only take turns. It assumes the cores are free (another busy program
// takes some). Look at the second half of the run: with twice the workers the lanes are
// busy in bursts, the cores chart stays flat at the core count, and the OS threads show
// time spent waiting for a core (run-queue wait); zoom in to ~50 ms to see the turns.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');

function chop(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (!isMainThread) {
  chop(workerData);
  parentPort.postMessage('done');
  return;
}

const TOTAL = Number(process.env.LESSON_WORK) || 80e6; // ~1.1 s of CPU in all
const cores = os.availableParallelism?.() ?? os.cpus().length;

function splitAcross(n) {
  const start = performance.now();
  const names = [];
  const jobs = Array.from({ length: n }, (_, i) => {
    const name = `${n} cooks: #${i + 1}`;
    const w = new Worker(__filename, { name, workerData: TOTAL / n });
    names.push(`worker ${w.threadId}`);
    return new Promise((resolve) => w.once('message', resolve));
  });
  console.log(`${n} cooks: ${names.join(', ')}`);
  return Promise.all(jobs).then(() => Math.round(performance.now() - start));
}

(async () => {
  const fit = await splitAcross(cores);
  console.log(`${cores} workers (one per core): ${fit} ms`);
  const crowd = await splitAcross(2 * cores);
  const speedup = (fit / crowd).toFixed(2);
  console.log(
    `${2 * cores} workers on ${cores} cores: ${crowd} ms (speedup x${speedup})`,
  );
})();
