// Lesson 7: Node is not single-threaded.
// Your JavaScript runs on one thread, but crypto.pbkdf2, zlib and fs hand their work to
// libuv's threadpool (4 threads unless UV_THREADPOOL_SIZE says otherwise). Four password
// hashes, a gzip and a file read start together. Look at the panel: the main lane is nearly
// empty while several libuv threadpool lanes are busy at once. Run it again with
// UV_THREADPOOL_SIZE=2 (the "env" setting): only two pool lanes work, the rest queue.
const crypto = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');

const start = performance.now();
const at = () => `${Math.round(performance.now() - start)} ms`;
const ROUNDS = Number(process.env.LESSON_WORK) || 150000; // ~150 ms of CPU per hash

console.log(`threadpool size: ${process.env.UV_THREADPOOL_SIZE || '4 (default)'}`);
for (let i = 1; i <= 4; i++) {
  crypto.pbkdf2('secret', `salt ${i}`, ROUNDS, 64, 'sha512', () =>
    console.log(`hash ${i} at ${at()}`),
  );
}
zlib.gzip(crypto.randomBytes(1 << 20), () => console.log(`gzip of 1 MiB at ${at()}`));
fs.readFile(__filename, () => console.log(`file read at ${at()}`));
console.log(`main thread is free at ${at()}: it only started the work`);
