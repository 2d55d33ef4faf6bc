// Lesson 10b, pitfall: a deadlock.
// Two cooks share two tools, each guarded by a lock in shared memory. Cook A takes the
// knife then wants the board; cook B takes the board then wants the knife. Each waits for
// the other forever (here: Atomics.wait with a 1 s timeout, so the lesson ends by
// itself). Look at the whole run (~1 s): both worker lanes sit in one long callback while
// their OS threads use no CPU at all: blocked, not busy.
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');

const KNIFE = 0;
const BOARD = 1;
const READY = 2; // how many cooks hold their first tool
const WAIT_MS = Number(process.env.LESSON_WAIT_MS) || 1000;

function lock(locks, tool, timeoutMs) {
  const start = performance.now();
  while (Atomics.compareExchange(locks, tool, 0, 1) !== 0) {
    const left = timeoutMs - (performance.now() - start);
    if (left <= 0) return false;
    Atomics.wait(locks, tool, 1, left); // sleep until the holder lets go (or time is up)
  }
  return true;
}

if (!isMainThread) {
  const { name, first, second } = workerData;
  const locks = new Int32Array(workerData.shared);
  lock(locks, first, Infinity);
  Atomics.add(locks, READY, 1);
  Atomics.notify(locks, READY);
  // Wait until both cooks hold their first tool.
  while (Atomics.load(locks, READY) < 2) Atomics.wait(locks, READY, 1);
  const start = performance.now();
  const got = lock(locks, second, WAIT_MS);
  parentPort.postMessage({ name, got, waitedMs: Math.round(performance.now() - start) });
  return;
}

const shared = new SharedArrayBuffer(3 * 4);
const cooks = [
  ['cook A', KNIFE, BOARD],
  ['cook B', BOARD, KNIFE],
];
const reports = cooks.map(([name, first, second]) => {
  const w = new Worker(__filename, { name, workerData: { name, first, second, shared } });
  console.log(`worker ${w.threadId}: ${name}`);
  return new Promise((resolve) => w.once('message', resolve));
});
Promise.all(reports).then((all) => {
  for (const r of all)
    console.log(
      `${r.name} ${r.got ? 'got' : 'gave up on'} its second tool after ${r.waitedMs} ms`,
    );
  if (all.every((r) => !r.got))
    console.log('deadlock: both cooks were blocked, each waiting for the other');
});
