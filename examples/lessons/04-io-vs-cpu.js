// Lesson 4: I/O-bound or CPU-bound?
// Part 1 waits for three slow "deliveries" (timers of 300, 200 and 100 ms), first one
// after another, then all together: together takes about the longest wait, not the sum.
// Part 2 does three CPU jobs. "Together" on one thread changes nothing (they take turns);
// only worker threads on several cores make them faster (it assumes 2 free cores or
// more). Look at the whole run (~2 s): the waits of part 1 overlap; part 2's jobs are
// three boxes back to back on the main lane, twice (each box named after the setImmediate
// line of its phase), then side by side on three worker lanes with the cores chart above
// one.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { setTimeout: sleep } = require('node:timers/promises');

function crunch(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (!isMainThread) {
  parentPort.postMessage(crunch(workerData));
  return;
}

const STEPS = Number(process.env.LESSON_WORK) || 12e6; // ~170 ms of CPU per job
const DELAYS = [300, 200, 100];
// A CPU job on the main thread in a callback of its own: the panel names the line that
// scheduled it (setImmediate), so each box belongs to its phase.
const job = (done) => done(crunch(STEPS));

async function timed(label, fn) {
  const t = performance.now();
  await fn();
  console.log(`${label}: ${Math.round(performance.now() - t)} ms`);
}

(async () => {
  await timed('I/O one after another', async () => {
    for (const ms of DELAYS) await sleep(ms); // each wait starts when the last ends
  });
  await timed('I/O together', () => Promise.all(DELAYS.map((ms) => sleep(ms))));

  await timed('CPU one after another', async () => {
    for (let i = 0; i < 3; i++) await new Promise((done) => setImmediate(job, done));
  });
  // async does not make CPU work concurrent: each job still holds the thread to its end.
  await timed('CPU "together" on one thread', () =>
    Promise.all([1, 2, 3].map(() => new Promise((go) => setImmediate(job, go)))),
  );
  await timed('CPU on 3 worker threads', () =>
    Promise.all(
      [1, 2, 3].map((i) => {
        const w = new Worker(__filename, { name: `job ${i}`, workerData: STEPS });
        console.log(`worker ${w.threadId}: job ${i}`);
        return new Promise((resolve) => w.once('message', resolve));
      }),
    ),
  );
})();
