// A worker whose name, and a file whose path, hold terminal escape sequences: a trace's strings
// are data, which `summary` must show, not let the terminal act on.
const { Worker } = require('node:worker_threads');
const name = process.argv[2];
const w = new Worker('setTimeout(() => {}, 5)', { eval: true, name });
w.on('exit', () => setTimeout(() => {}, 5));
