// A worker that keeps working until the main thread terminates it: the worker never gets to
// flush by itself. It counts its ticks in shared memory, and the main thread prints the count
// it saw right before terminate(): every one of those ticks must be in the trace.
const { Worker, isMainThread, workerData } = require('node:worker_threads');
if (isMainThread) {
  const ticks = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(__filename, { name: 'doomed', workerData: { ticks } });
  worker.on('online', () => {
    setTimeout(() => {
      console.log(`terminating after ${Atomics.load(ticks, 0)} ticks`);
      void worker.terminate();
    }, 250);
  });
} else {
  const { ticks } = workerData;
  setInterval(() => Atomics.add(ticks, 0, 1), 5);
}
