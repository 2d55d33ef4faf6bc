// Lesson 8: who runs first?
// Inside one I/O callback we schedule work six ways, not in the order it runs (the code
// has them as 7, 6, 2, 3, 4, 5, 1), and print the order it really runs in: the rest of
// the synchronous code first; then process.nextTick; then the microtasks, first come
// first served (queueMicrotask, a promise reaction, the code after an await); then
// setImmediate, in the same turn of the event loop (its "check" phase comes right after
// the "poll" phase that ran the I/O callback); and only then setTimeout(0), in the next
// turn's "timers" phase. Look at the main lane: the whole sequence lasts under a
// millisecond, so zoom in on the file read's callback (to ~1 ms across) to see its
// callbacks in exactly this order.
const fs = require('node:fs');

// Start from an I/O callback: there, setImmediate always beats setTimeout(0). (From the
// main script the two may come in either order.)
fs.readFile(__filename, () => {
  setTimeout(() => console.log('7. setTimeout 0'), 0);
  setImmediate(() => console.log('6. setImmediate'));
  process.nextTick(() => console.log('2. process.nextTick'));
  queueMicrotask(() => console.log('3. queueMicrotask'));
  Promise.resolve().then(() => console.log('4. promise .then'));
  (async () => {
    await null;
    console.log('5. after await');
  })();
  console.log('1. synchronous code');
});
