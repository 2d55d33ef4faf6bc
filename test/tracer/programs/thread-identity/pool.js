// libuv's pool doing pbkdf2 (twice as many jobs as threads): the threads that appear between
// the two listings are the pool's, born at its first request.
const crypto = require('node:crypto');
const { tids, report } = require('./tids');

const before = tids();
const size = Number(process.env.UV_THREADPOOL_SIZE);
let left = 2 * size;
for (let i = 0; i < 2 * size; i++) {
  crypto.pbkdf2(`pw${i}`, 'salt', 40000, 64, 'sha512', () => {
    if (--left === 0) {
      report({ before, after: tids() });
    }
  });
}
