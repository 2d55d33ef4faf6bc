// Lesson 10e, pitfall: the forgotten await.
// An order handler calls save() without await. It goes straight on and logs "saved"
// before the save has even started to fail; 50 ms later the save fails, nobody is
// waiting for it, and the unhandled rejection ends the process (exit status 1). The
// end-of-day report due at 200 ms never runs. Look at the whole run (~50 ms): the save's
// timer waits after the handler's callback has ended; the report's timer never runs.
// The fix: `await save(order)` in a try/catch, so the handler hears the failure.
const { setTimeout: sleep } = require('node:timers/promises');

async function save(order) {
  await sleep(50); // the database round trip
  throw new Error(`disk full: ${order} was not saved`);
}

async function handle(order) {
  save(order); // FORGOTTEN: no await, so nobody hears save() fail
  console.log(`${order}: saved`); // not true, and nothing says so yet
}

setTimeout(() => console.log('end-of-day report'), 200); // REPORT: never runs
handle('order 1');
