// Lesson 9b, pattern: pipeline.
// Three stages (wash, chop, cook), each on its own worker thread, connected by
// MessageChannels: a stage passes each item on as soon as it is done with it. Each stage
// does the same real CPU work per item (~40 ms on one free core). Look at the whole run
// (~0.5 s): after the first item fills the pipe, the three stage lanes are inside a
// callback at the same time, each on a different item. Three stages need three free
// cores to run at full speed: on two, the OS threads show run-queue wait and each item's
// stage takes longer than its CPU time (the printed times grow with it).
const {
  Worker,
  MessageChannel,
  isMainThread,
  workerData,
} = require('node:worker_threads');

function work(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (!isMainThread) {
  const { stage, input, output, steps } = workerData;
  input.on('message', (item) => {
    if (item === null) {
      // Pass the end on, then stop listening so the thread exits.
      output.postMessage(null);
      input.close();
      output.close();
      return;
    }
    work(steps);
    output.postMessage(`${item} > ${stage}`);
  });
  return;
}

const steps = Number(process.env.LESSON_WORK) || 3e6; // ~40 ms of CPU per item and stage
const stages = ['wash', 'chop', 'cook'];
const channels = stages.map(() => new MessageChannel()).concat(new MessageChannel());
stages.forEach((stage, i) => {
  const input = channels[i].port2;
  const output = channels[i + 1].port1;
  const workerData = { stage, input, output, steps };
  const w = new Worker(__filename, {
    name: stage,
    workerData,
    transferList: [input, output],
  });
  console.log(`worker ${w.threadId}: ${stage}`);
});
const start = performance.now();
const last = channels[stages.length].port2;
last.on('message', (item) => {
  if (item === null) return last.close();
  console.log(`${Math.round(performance.now() - start)} ms: ${item}`);
});
for (const item of ['carrot', 'leek', 'onion', 'potato', 'celery', 'turnip']) {
  channels[0].port1.postMessage(item);
}
channels[0].port1.postMessage(null);
channels[0].port1.close();
