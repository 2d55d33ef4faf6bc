// 20k fs reads of a small file, 32 in flight.
const fs = require('node:fs');
const N = Number(process.env.BENCH_N || 20000);
const IN_FLIGHT = 32;
let started = 0;
function next() {
  if (started >= N) return;
  started++;
  fs.readFile(__filename, next);
}
for (let i = 0; i < IN_FLIGHT; i++) next();
