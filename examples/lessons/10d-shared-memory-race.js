// Lesson 10d, pitfall: a race on shared memory, fixed with Atomics.
// Two workers share one counter in a SharedArrayBuffer. A barrier releases them together,
// then each adds 1 to it 50 million times. `count[0]++` is read, add, write: when one
// worker writes back a value the other has already moved past, additions are lost (on one
// core too: a worker paused between its read and its write). Atomics.add does the three
// as one step: the count is exact, and several times slower. Look at the whole run (~1 s,
// on 2 free cores): both worker lanes busy together in both phases; the printed count of
// the plain phase falls short of 100 million, the atomic one does not.
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');

const ADDS = Number(process.env.LESSON_WORK) || 50e6; // per worker

if (!isMainThread) {
  const { shared, atomic } = workerData;
  const count = new Int32Array(shared, 0, 1);
  const arrived = new Int32Array(shared, 4, 1);
  Atomics.add(arrived, 0, 1); // the barrier: wait until both workers are here
  Atomics.notify(arrived, 0);
  while (Atomics.load(arrived, 0) < 2) Atomics.wait(arrived, 0, 1);
  const t = performance.now();
  if (atomic) for (let i = 0; i < ADDS; i++) Atomics.add(count, 0, 1);
  else for (let i = 0; i < ADDS; i++) count[0]++; // read, add, write: not one step
  parentPort.postMessage(performance.now() - t);
  return;
}

async function phase(atomic) {
  const shared = new SharedArrayBuffer(8);
  const runs = [1, 2].map((i) => {
    const name = `${atomic ? 'atomic' : 'plain'} adder ${i}`;
    const w = new Worker(__filename, { name, workerData: { shared, atomic } });
    console.log(`worker ${w.threadId}: ${name}`);
    return new Promise((resolve) => w.once('message', resolve));
  });
  const ms = Math.max(...(await Promise.all(runs)));
  const count = new Int32Array(shared, 0, 1)[0];
  const lost = 2 * ADDS - count;
  console.log(
    `${atomic ? 'Atomics.add' : 'count[0]++'}: ${count} of ${2 * ADDS}, ` +
      `${lost} lost, in ${Math.round(ms)} ms`,
  );
}
phase(false).then(() => phase(true));
