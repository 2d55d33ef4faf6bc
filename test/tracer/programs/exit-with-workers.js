// The main thread exits while two workers are still busy: they die with the process.
const { Worker, isMainThread } = require('node:worker_threads');
if (isMainThread) {
  new Worker(__filename);
  new Worker(__filename);
  setTimeout(() => process.exit(3), 250);
} else {
  setInterval(() => {}, 5);
}
