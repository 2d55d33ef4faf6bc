// Lesson 11: processes versus threads.
// The same CPU job runs twice: in a child process (child_process.fork) and in a worker
// thread. A process has its own pid, memory and Node.js, and starts slower; a worker
// shares the pid and can share memory (SharedArrayBuffer). Messages are copied both ways:
// serialized through a pipe to the process, cloned to the thread. Python's GIL lets one
// thread at a time run Python in a process; Node.js has no such lock but gives each
// isolate (the main thread, each worker) one JavaScript thread, and isolates run in
// parallel. Look at the whole run (~1 s): a second process with its own main lane, then
// a worker lane in the first. "ready" is when the child had started and got the order.
const { fork } = require('node:child_process');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const STEPS = Number(process.env.LESSON_WORK) || 20e6; // ~300 ms of CPU
function crunch(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}
const port = process.send ? process : isMainThread ? null : parentPort;
if (port) {
  // The child: process (it has process.send) or thread. It reports, then works.
  port.on('message', (order) => {
    port.postMessage ? port.postMessage(process.pid) : port.send(process.pid);
    crunch(STEPS);
    port.postMessage ? port.postMessage(order.length) : port.send(order.length);
    if (port === process) process.disconnect();
    else port.close();
  });
  return;
}

async function run(kind, start) {
  const t = performance.now();
  const child = start();
  if (kind === 'worker') console.log(`worker ${child.threadId}: the worker thread`);
  const replies = [];
  child.on('message', (m) => replies.push([m, Math.round(performance.now() - t)]));
  const order = 'x'.repeat(1 << 20); // 1 MiB, copied to the child
  child[kind === 'worker' ? 'postMessage' : 'send'](order);
  await new Promise((resolve) => child.once('exit', resolve));
  const [[pid, readyMs], [bytes, doneMs]] = replies;
  console.log(
    `${kind}: pid ${pid} (parent ${process.pid}), ready at ${readyMs} ms, ` +
      `got ${bytes} bytes, done at ${doneMs} ms`,
  );
}
run('process', () => fork(__filename)).then(() =>
  run('worker', () => new Worker(__filename, { name: 'worker thread' })),
);
