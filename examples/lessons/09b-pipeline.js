// Lesson 9b, pattern: pipeline.
// Three stages (wash, chop, cook), each on its own worker thread, connected by
// MessageChannels: a stage passes each item on as soon as it is done with it. Look at the
// panel: after the first item fills the pipe, the three stage lanes are busy at the same
// time, each on a different item.
const { Worker, MessageChannel, isMainThread, workerData } = require('node:worker_threads');

function work(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until); // stands in for real CPU work on the item
}

if (!isMainThread) {
  const { stage, input, output } = workerData;
  input.on('message', (item) => {
    if (item === null) {
      output.postMessage(null); // pass the end on, then stop listening so the thread exits
      input.close();
      output.close();
      return;
    }
    work(40);
    output.postMessage(`${item} > ${stage}`);
  });
  return;
}

const stages = ['wash', 'chop', 'cook'];
const channels = stages.map(() => new MessageChannel()).concat(new MessageChannel());
stages.forEach((stage, i) => {
  const input = channels[i].port2;
  const output = channels[i + 1].port1;
  new Worker(__filename, {
    name: stage,
    workerData: { stage, input, output },
    transferList: [input, output],
  });
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
