// Lesson 9a, pattern: fork-join.
// Fork: start independent jobs of different sizes on worker threads at once. Join: wait for
// all of them (Promise.all) and only then go on. Look at the panel: three worker lanes start
// together and end at different times; the main thread continues ("dinner is served") only
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
const courses = { starter: 1, main: 4, dessert: 2 };
const start = performance.now();
const forks = Object.entries(courses).map(
  ([name, units]) =>
    new Promise((resolve) =>
      new Worker(__filename, { name, workerData: units * scale }).once('message', () => {
        console.log(`${name} ready at ${Math.round(performance.now() - start)} ms`);
        resolve(name);
      }),
    ),
);
Promise.all(forks).then((names) => {
  console.log(
    `join: ${names.join(', ')} served together at ${Math.round(performance.now() - start)} ms`,
  );
});
