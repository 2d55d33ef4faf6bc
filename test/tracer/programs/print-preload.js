// A user's --require module (NODE_OPTIONS): says in which process and thread it ran.
const { isMainThread } = require('node:worker_threads');
console.log(`PRELOAD pid ${process.pid} main ${isMainThread}`);
