// A worker that keeps working until the main thread terminates it: the worker never gets to
// flush by itself. Prints the time of terminate() on the session clock of the tracer-less world.
const { Worker, isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const worker = new Worker(__filename, { name: 'doomed' });
  worker.on('online', () => {
    setTimeout(() => {
      console.log('terminating');
      void worker.terminate();
    }, 250);
  });
} else {
  let n = 0;
  setInterval(() => {
    n++;
  }, 5);
}
