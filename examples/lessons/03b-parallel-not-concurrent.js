// Lesson 3b: parallel, not concurrent.
// Two worker threads each crunch one job from start to end: nothing waits, nothing takes
// turns. Look at the panel: two lanes solid at the same time, the cores chart near two
// (on a machine with two cores or more), and no operations waiting on any event loop.
// The verdict says "Parallel, not concurrent".
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

function crunch(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (isMainThread) {
  for (const name of ['left hand', 'right hand']) {
    new Worker(__filename, { name }).on('message', (ms) => console.log(`${name}: ${ms} ms`));
  }
} else {
  const t = performance.now();
  crunch(Number(process.env.LESSON_WORK) || 40e6);
  parentPort.postMessage(Math.round(performance.now() - t));
}
