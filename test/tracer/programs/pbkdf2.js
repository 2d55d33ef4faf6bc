// Four crypto.pbkdf2 calls at once: libuv's threadpool (4 threads) does the work while the
// main thread waits. ITERATIONS (argv[2]) sets how long each call takes.
const crypto = require('node:crypto');

const iterations = Number(process.argv[2] ?? 300000);
let done = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < 4; i++) {
  crypto.pbkdf2('secret', `salt-${i}`, iterations, 64, 'sha512', () => {
    if (++done === 4) {
      console.log(`4 pbkdf2 in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
    }
  });
}
