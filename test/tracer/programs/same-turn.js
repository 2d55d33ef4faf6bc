// Ticks and microtasks run right after the callback that queued them; the tracer gives their
// callbacks that callback's end time instead of reading the clock again. Where other work runs
// in between, their times must still be real.
const { AsyncResource } = require('node:async_hooks');

function spin(ms) {
  const end = process.hrtime.bigint() + BigInt(ms * 1e6);
  while (process.hrtime.bigint() < end);
}

// The main script queues a tick, runs a callback of its own (an After record), then works 40 ms
// more: the tick runs after that work, not when the callback ended.
process.nextTick(function afterScript() {});
new AsyncResource('SCRIPT_SCOPE').runInAsyncScope(() => {});
spin(40);

setTimeout(function timer() {
  process.nextTick(function tick1() {});
  process.nextTick(function tick2() {
    spin(10);
  });
  queueMicrotask(function micro() {});
  spin(30);
}, 5);

// An interval whose runs follow each other with nothing recorded in between but the loop's wait:
// each run's start is a clock read, not the previous run's end.
let runs = 0;
const interval = setInterval(() => {
  if (++runs === 3) {
    clearInterval(interval);
  }
}, 20);
