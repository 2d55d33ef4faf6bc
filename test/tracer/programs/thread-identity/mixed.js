// Workers and the pool together: pbkdf2 on the pool first (it is born then), then two workers
// spin while the main thread keeps the pool busy.
const crypto = require('node:crypto');
const { Worker } = require('node:worker_threads');
const { tids, report } = require('./tids');

const hash = (n) =>
  Promise.all(
    Array.from(
      { length: n },
      (_, i) => new Promise((resolve) => crypto.pbkdf2(`p${i}`, 's', 30000, 64, 'sha512', resolve)),
    ),
  );
const spin = `const t = Date.now(); while (Date.now() - t < 300) {}`;
const before = tids();
const size = Number(process.env.UV_THREADPOOL_SIZE);
hash(size).then(async () => {
  const afterPool = tids();
  const workers = [0, 1].map(
    (i) =>
      new Promise((resolve) =>
        new Worker(spin, { eval: true, name: `spinner ${i}` }).on('exit', resolve),
      ),
  );
  await Promise.all([...workers, hash(2 * size)]);
  report({ before, afterPool });
});
