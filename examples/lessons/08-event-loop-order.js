// Lesson 8: who runs first?
// Inside one callback we schedule work six ways, in the reverse of the order it will run,
// and print the order it really runs in: the rest of the synchronous code first; then
// process.nextTick; then the microtasks, first come first served (queueMicrotask, a promise
// reaction, the code after an await); then, on later turns of the event loop, setImmediate
// (the "check" phase comes right after I/O) and only then setTimeout(0) (the next "timers"
// phase). Look at the panel: the callbacks on the main lane appear in exactly this order.
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
