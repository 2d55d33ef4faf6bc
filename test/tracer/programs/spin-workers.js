// Starts N worker threads (argv[2], default 2) that each spin on the CPU for MS milliseconds
// (argv[3], default 1000), all at the same time: a barrier in shared memory holds each one
// until every worker is running. Ground truth: N threads want a core for MS ms together.
const { Worker } = require('node:worker_threads');

const n = Number(process.argv[2] ?? 2);
const ms = Number(process.argv[3] ?? 1000);
const barrier = new Int32Array(new SharedArrayBuffer(4));
const source = `
const { workerData } = require('node:worker_threads');
const { barrier, n, ms } = workerData;
Atomics.add(barrier, 0, 1);
while (Atomics.load(barrier, 0) < n) {}
const end = process.hrtime.bigint() + BigInt(ms) * 1000000n;
while (process.hrtime.bigint() < end) {}
`;
for (let i = 1; i <= n; i++) {
  new Worker(source, { eval: true, name: `spin-${i}`, workerData: { barrier, n, ms } });
}
