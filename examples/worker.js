// Two threads: the main thread keeps its event loop turning while a worker thread does CPU work.
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (isMainThread) {
  const worker = new Worker(__filename, { name: 'cruncher' });
  const ticker = setInterval(() => console.log('main thread is free'), 20);
  worker.on('message', (sum) => {
    console.log(`worker computed ${sum}`);
    clearInterval(ticker);
  });
} else {
  // Spin for about 100 ms: this thread is busy, the main thread is not.
  let sum = 0;
  const until = Date.now() + 100;
  while (Date.now() < until) sum += Math.random();
  parentPort.postMessage(Math.round(sum));
}
