// Lesson 2: several cooks.
// The same CPU-heavy job (a fixed amount of chopping) is split across worker threads, one
// piece each. Look at the whole run (~1 s; it assumes free cores): the worker lanes are
// busy at the same time, and the cores chart climbs to about min(workers, cores).
// Parallelism needs more than one core. LESSON_WORKERS sets the number of cooks (default:
// one per core); LESSON_WORK the total work.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');

const cores = os.availableParallelism?.() ?? os.cpus().length;

// Pure CPU: no waiting anywhere. About 14 ms per million steps on a laptop core.
function chop(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (isMainThread) {
  const cooks = Number(process.env.LESSON_WORKERS) || cores;
  const totalSteps = Number(process.env.LESSON_WORK) || 80e6;
  const start = performance.now();
  let finished = 0;
  for (let i = 0; i < cooks; i++) {
    // Each cook gets an equal share of the same job.
    const w = new Worker(__filename, {
      name: `cook ${i + 1}`,
      workerData: totalSteps / cooks,
    });
    console.log(`worker ${w.threadId}: cook ${i + 1}`);
    w.on('message', (ms) => {
      console.log(`cook ${i + 1} chopped its share in ${ms} ms`);
      if (++finished === cooks) {
        const wall = Math.round(performance.now() - start);
        console.log(`${cooks} cooks on ${cores} cores: ${wall} ms in all`);
      }
    });
  }
} else {
  const t = performance.now();
  chop(workerData);
  parentPort.postMessage(Math.round(performance.now() - t));
}
