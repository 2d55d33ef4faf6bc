// Lesson 9d, pattern: actors.
// An actor owns its state and is reached only by messages. The "till" actor (a worker
// thread) keeps the restaurant's takings; two waiters (two more workers) send it payments
// at the same time, with real CPU work between payments. The till handles one message at
// a time, so no payment is lost, without any lock. Look at the whole run (~0.5 s): the
// two waiter lanes are busy together; the till lane is a row of short message callbacks,
// one after another. With two free cores the verdict says "Parallel, not concurrent" (the
// messages are not operations waiting on an event loop); on one core, "Neither".
const {
  Worker,
  MessageChannel,
  isMainThread,
  workerData,
  parentPort,
} = require('node:worker_threads');

const PAYMENTS = Number(process.env.LESSON_WORK) || 200;

if (!isMainThread && workerData.role === 'till') {
  let takings = 0; // only this thread ever touches it
  let open = workerData.ports.length;
  for (const port of workerData.ports) {
    port.on('message', (msg) => {
      if (msg === 'close') {
        port.close();
        if (--open === 0) parentPort.postMessage(takings);
        return;
      }
      takings += msg;
    });
  }
  return;
}
if (!isMainThread) {
  const { port, name } = workerData;
  let x = 0;
  for (let i = 0; i < PAYMENTS; i++) {
    port.postMessage(1); // one euro per message
    for (let j = 0; j < 60000; j++) x = (x + Math.sqrt(j)) % 1e9; // ~1 ms of work
  }
  port.postMessage('close');
  console.log(`${name} sent ${PAYMENTS} payments`);
  return;
}

const lines = [new MessageChannel(), new MessageChannel()];
const tillPorts = lines.map((c) => c.port1);
const till = new Worker(__filename, {
  name: 'till',
  workerData: { role: 'till', ports: tillPorts },
  transferList: tillPorts,
});
console.log(`worker ${till.threadId}: the till`);
lines.forEach((c, i) => {
  const name = `waiter ${i + 1}`;
  const w = new Worker(__filename, {
    name,
    workerData: { role: 'waiter', name, port: c.port2 },
    transferList: [c.port2],
  });
  console.log(`worker ${w.threadId}: ${name}`);
});
till.once('message', (takings) => {
  console.log(`till: ${takings} euros (expected ${2 * PAYMENTS})`);
});
