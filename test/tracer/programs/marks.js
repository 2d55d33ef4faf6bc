// Marks and measures in the main thread and in a worker, each inside a callback of its own
// (a timer on main, an immediate in the worker), with a little busy time between them.
const { Worker, isMainThread } = require('node:worker_threads');

function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

function marks(prefix) {
  performance.mark(`${prefix}-start`);
  spin(5);
  performance.mark(`${prefix}-end`);
  performance.measure(`${prefix}-work`, `${prefix}-start`, `${prefix}-end`);
  console.time(`${prefix}-timer`);
  spin(3);
  console.timeEnd(`${prefix}-timer`);
}

if (isMainThread) {
  setTimeout(() => {
    marks('main');
    // The program still gets Node's own entries and return values.
    const measured = performance.getEntriesByType('measure').map((e) => e.name);
    console.log(`measures: ${measured.join(',')}`);
    console.log(`returned: ${performance.mark('main-last').name}`);
    const worker = new Worker(__filename);
    worker.on('exit', () => console.log('done'));
  }, 20);
} else {
  setImmediate(() => marks('worker'));
}
