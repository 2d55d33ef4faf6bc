// Lesson 9c, pattern: map-reduce.
// Map: each worker (one per core) counts the words of its own slice of a long text, in
// parallel. Reduce: the main thread merges the partial counts into one. Before any of
// that, the main thread builds the text and cuts it into slices alone: serial work that
// no number of workers shortens (it prints both times: compare them). Look at the whole
// run (~0.5 s): first one long box on the main lane (the setup), then the worker lanes
// busy together (the map), then one short callback on the main lane after the last
// partial result arrives (the reduce).
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

const setupStart = performance.now();
const total = Number(process.env.LESSON_WORK) || 1e6;
const text = Array.from({ length: total }, (_, i) => WORDS[(i * 7) % WORDS.length]);
const mappers = os.availableParallelism?.() ?? os.cpus().length;
const size = Math.ceil(total / mappers);
const slices = Array.from({ length: mappers }, (_, m) =>
  text.slice(m * size, (m + 1) * size).join(' '),
);
console.log(
  `serial setup on the main thread: ${Math.round(performance.now() - setupStart)} ms`,
);
const mapStart = performance.now();
const partials = slices.map((slice, m) => {
  const w = new Worker(__filename, { name: `mapper ${m + 1}`, workerData: slice });
  console.log(`worker ${w.threadId}: mapper ${m + 1}`);
  return new Promise((resolve) => w.once('message', resolve));
});
Promise.all(partials).then((results) => {
  console.log(
    `map on ${mappers} workers: ${Math.round(performance.now() - mapStart)} ms`,
  );
  // The reduce step: merge the partial counts.
  const counts = {};
  for (const partial of results) {
    for (const [word, n] of Object.entries(partial))
      counts[word] = (counts[word] || 0) + n;
  }
  console.log(`${mappers} mappers, ${total} words:`, JSON.stringify(counts));
});
