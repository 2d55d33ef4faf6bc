// Lesson 9c, pattern: map-reduce.
// Map: each worker counts the words of its own slice of a long text (in parallel).
// Reduce: the main thread merges the partial counts into one. Look at the panel: the worker
// lanes are busy together during the map; the reduce is one short callback on the main lane
// after the last partial result arrives.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');

const WORDS = ['salt', 'pepper', 'garlic', 'thyme', 'basil', 'oil'];

if (!isMainThread) {
  // The map step: a slice of the text -> counts per word.
  const counts = {};
  for (const word of workerData.split(' ')) counts[word] = (counts[word] || 0) + 1;
  parentPort.postMessage(counts);
  return;
}

const total = Number(process.env.LESSON_WORK) || 1e6;
const text = Array.from({ length: total }, (_, i) => WORDS[(i * 7) % WORDS.length]);
const mappers = os.availableParallelism();
const slice = Math.ceil(total / mappers);
const partials = Array.from(
  { length: mappers },
  (_, m) =>
    new Promise((resolve) => {
      const part = text.slice(m * slice, (m + 1) * slice).join(' ');
      new Worker(__filename, { name: `mapper ${m + 1}`, workerData: part }).once(
        'message',
        resolve,
      );
    }),
);
Promise.all(partials).then((results) => {
  // The reduce step: merge the partial counts.
  const counts = {};
  for (const partial of results) {
    for (const [word, n] of Object.entries(partial)) counts[word] = (counts[word] || 0) + n;
  }
  console.log(`${mappers} mappers, ${total} words:`, JSON.stringify(counts));
});
