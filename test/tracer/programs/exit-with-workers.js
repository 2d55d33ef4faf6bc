// The main thread exits while two workers are still busy: they die with the process. Each
// worker counts its ticks in shared memory, and the main thread prints the counts it saw right
// before exiting: every one of those ticks must be in the trace, however the two cores were
// shared (a starved worker simply ticks less).
const { Worker, isMainThread, workerData, threadId } = require('node:worker_threads');
if (isMainThread) {
  // [ticks of worker 0, ticks of worker 1, threadId of worker 0, threadId of worker 1]
  const shared = new Int32Array(new SharedArrayBuffer(16));
  new Worker(__filename, { workerData: { shared, index: 0 } });
  new Worker(__filename, { workerData: { shared, index: 1 } });
  // Exit 150 ms after both ticked three times: mid-way between two of their flushes.
  let since = 0;
  setInterval(() => {
    if (Atomics.load(shared, 0) < 3 || Atomics.load(shared, 1) < 3) {
      return;
    }
    since = since || Date.now();
    if (Date.now() - since >= 150) {
      const seen = [0, 1].map((i) => `${Atomics.load(shared, 2 + i)}:${Atomics.load(shared, i)}`);
      process.stderr.write(`ticks ${seen.join(' ')}\n`);
      process.exit(3);
    }
  }, 5);
} else {
  const { shared, index } = workerData;
  Atomics.store(shared, 2 + index, threadId);
  setInterval(() => Atomics.add(shared, index, 1), 5);
}
