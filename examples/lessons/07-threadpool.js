// Lesson 7: Node is not single-threaded.
// Your JavaScript runs on one thread, but crypto.pbkdf2, zlib and fs hand their work to
// libuv's threadpool (4 threads unless UV_THREADPOOL_SIZE says otherwise). Four password
// hashes start first, then a gzip and a file read. Look at the whole run (~0.5 s on 2
// cores): the main lane is nearly empty while up to four "libuv threadpool" lanes are
// busy at once (as many at a time as there are free cores). The gzip and the file read
// queue behind the hashes: every pool thread is busy, so they end after the first hash.
// Run it again with UV_THREADPOOL_SIZE=2 (the "env" setting): only two pool lanes work
// and the hashes go two at a time. The last hash then ends later only on a machine with
// more than two free cores; on two cores it ends at about the same time (two at once is
// all they can run anyway).
const crypto = require('node:crypto');
const fs = require('node:fs');
const zlib = require('node:zlib');

const start = performance.now();
const at = () => `${Math.round(performance.now() - start)} ms`;
// 500 000 rounds: ~0.25 s of CPU per hash on the tests' 2-core VM (they measure it).
const ROUNDS = Number(process.env.LESSON_WORK) || 500000;

console.log(`threadpool size: ${process.env.UV_THREADPOOL_SIZE || '4 (default)'}`);
console.log(
  'the pool threads run no JavaScript: the panel calls them "libuv threadpool"',
);
for (let i = 1; i <= 4; i++) {
  crypto.pbkdf2('secret', `salt ${i}`, ROUNDS, 64, 'sha512', () =>
    console.log(`hash ${i} at ${at()}`),
  );
}
zlib.gzip(crypto.randomBytes(1 << 20), () => console.log(`gzip of 1 MiB at ${at()}`));
fs.readFile(__filename, () => console.log(`file read at ${at()}`));
console.log(`main thread is free at ${at()}: it only started the work`);
