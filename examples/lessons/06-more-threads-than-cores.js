// Lesson 6: more threads than cores.
// The same job (LESSON_WORK steps in all) is split first across one worker per core, then
// across 8 workers. Past the core count nothing gets faster: the extra threads only take
// turns. Look at the panel: with 8 workers the lanes are busy in bursts, the cores chart
// stays flat at the core count, and the OS threads show time spent waiting for a core
// (run-queue wait).
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
const cores = os.availableParallelism();

function splitAcross(n) {
  const start = performance.now();
  const jobs = Array.from(
    { length: n },
    (_, i) =>
      new Promise((resolve) =>
        new Worker(__filename, { name: `${n} cooks: #${i + 1}`, workerData: TOTAL / n }).once(
          'message',
          resolve,
        ),
      ),
  );
  return Promise.all(jobs).then(() => Math.round(performance.now() - start));
}

(async () => {
  const fit = await splitAcross(cores);
  console.log(`${cores} workers (one per core): ${fit} ms`);
  const crowd = await splitAcross(8);
  console.log(`8 workers on ${cores} cores: ${crowd} ms (speedup x${(fit / crowd).toFixed(2)})`);
})();
