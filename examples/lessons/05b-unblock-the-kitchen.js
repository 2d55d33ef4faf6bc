// Lesson 5b: unblock the kitchen (the fix for lesson 5).
// A 10 ms heartbeat keeps time while ~400 ms of work (parsing 80 pieces of JSON) runs
// three ways: in one block, in chunks that yield to the event loop with setImmediate, and
// on a worker thread. Each prints the heartbeat's worst lateness. Look at the whole run
// (~2 s; it first builds the JSON): one long box on the main lane; then many small boxes
// with heartbeats between them; then a worker lane parsing while the main lane beats.
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');

const PIECES = Number(process.env.LESSON_WORK) || 80;
if (!isMainThread) {
  const text = Buffer.from(workerData).toString(); // the same work, off the main thread
  for (const piece of text.split('\n')) JSON.parse(piece);
  return parentPort.postMessage('done');
}
const piece = (i) => JSON.stringify(Array.from({ length: 32000 }, (_, j) => ({ i, j })));
const texts = Array.from({ length: PIECES }, (_, i) => piece(i));
const shared = new SharedArrayBuffer(Buffer.byteLength(texts.join('\n')));
Buffer.from(shared).write(texts.join('\n')); // shared with the worker, not copied
let worst = 0;
let last = performance.now();
const heartbeat = setInterval(() => {
  worst = Math.max(worst, performance.now() - last - 10); // how late this beat is
  last = performance.now();
}, 10);
const report = (label, ms, then) =>
  then(
    console.log(`${label}: ${ms} ms, heartbeat late by up to ${Math.round(worst)} ms`),
  );
const part = (label, run) =>
  new Promise((resolve) => {
    const t = performance.now();
    worst = 0;
    // Done: a few calm beats follow (the last late beat counts for this part).
    run(() => setTimeout(report, 50, label, Math.round(performance.now() - t), resolve));
  });
const block = (done) => setImmediate(() => (texts.forEach((t) => JSON.parse(t)), done()));
const chunk = (done, i) => {
  JSON.parse(texts[i]); // one piece, then let the loop turn
  i + 1 < PIECES ? setImmediate(chunk, done, i + 1) : done();
};
const worker = (done) => {
  const w = new Worker(__filename, { name: 'parser', workerData: shared });
  console.log(`worker ${w.threadId}: parser`);
  w.once('message', done);
};
part('one block', block)
  .then(() => part('chunks', (done) => setImmediate(chunk, done, 0)))
  .then(() => part('worker', worker))
  .then(() => clearInterval(heartbeat));
