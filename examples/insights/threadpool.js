// Insights example: more threadpool work than the pool has threads.
// Eight pbkdf2 hashes start together on libuv's pool of four threads (UV_THREADPOOL_SIZE): four
// run, the other four wait in the queue for a free thread, then run.
const crypto = require('node:crypto');

const ITERATIONS = Number(process.env.HASH_ITERATIONS) || 200000;
const started = performance.now();
for (let i = 0; i < 8; i++) {
  crypto.pbkdf2('secret', `salt${i}`, ITERATIONS, 64, 'sha512', () => {
    console.log(`hash ${i} done at ${Math.round(performance.now() - started)} ms`);
  });
}
