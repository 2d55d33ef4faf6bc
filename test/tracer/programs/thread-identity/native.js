// A native addon (argv[2], built from native-threads/addon.c) that starts two threads of its
// own which spin 150 ms, and queues async work that spins on libuv's pool: the addon reports
// the tids of both.
const { tids, report } = require('./tids');
const addon = require(process.argv[2]);

const before = tids();
addon.startThreads(2, 150);
const size = Number(process.env.UV_THREADPOOL_SIZE);
Promise.all(Array.from({ length: 2 * size }, () => addon.work(40))).then((poolTids) => {
  report({ before, own: addon.joinThreads(), pool: [...new Set(poolTids)] });
});
