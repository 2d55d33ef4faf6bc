// Lesson 9a, pattern: fork-join.
// Fork: start independent jobs of different sizes on worker threads at once. Join: wait
// for all of them (Promise.all) and only then go on. The jobs are 1, 2 and 6 units of CPU
// work, far enough apart that they finish in that order even when the three share fewer
// cores (each then gets its turn). Look at the whole run (~0.5 s): three worker lanes
// start together and end at different times; the main thread continues ("served") only
// after the slowest one, so the join costs as long as the longest job, not the sum.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

function cook(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (!isMainThread) {
  cook(workerData);
  parentPort.postMessage('ready');
  return;
}

const scale = Number(process.env.LESSON_WORK) || 4e6; // ~60 ms of CPU per unit
const courses = { starter: 1, dessert: 2, roast: 6 };
const start = performance.now();
const forks = Object.entries(courses).map(([name, units]) => {
  const w = new Worker(__filename, { name, workerData: units * scale });
  console.log(`worker ${w.threadId}: ${name} (${units} units)`);
  return new Promise((resolve) =>
    w.once('message', () => {
      console.log(`${name} ready at ${Math.round(performance.now() - start)} ms`);
      resolve(name);
    }),
  );
});
Promise.all(forks).then((names) => {
  const at = Math.round(performance.now() - start);
  console.log(`join: ${names.join(', ')} served together at ${at} ms`);
});
