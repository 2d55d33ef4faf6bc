// A pool of 2 worker threads: 2000 small CPU tasks sent by message, answered by message.
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const TASKS = Number(process.env.BENCH_N || 2000);
const POOL = 2;
if (isMainThread) {
  let sent = 0;
  let done = 0;
  const workers = [];
  for (let w = 0; w < POOL; w++) {
    const worker = new Worker(__filename);
    worker.on('message', () => {
      if (++done === TASKS) workers.forEach((x) => x.terminate());
      else if (sent < TASKS) worker.postMessage(sent++);
    });
    workers.push(worker);
    worker.postMessage(sent++);
  }
} else {
  parentPort.on('message', (n) => {
    let x = n;
    for (let i = 0; i < 20000; i++) x = (x * 31 + i) % 1000003;
    parentPort.postMessage(x);
  });
}
