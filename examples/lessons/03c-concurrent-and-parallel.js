// Lesson 3c: concurrent and parallel.
// A web server hands each request's CPU work to a pool of worker threads (one per core)
// and stays free to accept more; a local client sends 8 requests at once. Look at the
// whole run (~0.5 s; parallel needs 2 free cores): requests wait together on the main
// thread (concurrency) while the pool's lanes compute at the same time (parallelism). The
// verdict says "Concurrent and parallel".
const http = require('node:http');
const os = require('node:os');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

function crunch(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + Math.sqrt(i) * 1.000001) % 1e9;
  return x;
}

if (!isMainThread) {
  parentPort.on('message', (steps) => parentPort.postMessage(crunch(steps)));
  return;
}

// A minimal pool: idle workers, and a queue of jobs waiting for one.
const idle = [];
const queue = [];
const all = [];
function run(steps) {
  return new Promise((resolve) => {
    queue.push({ steps, resolve });
    next();
  });
}
function next() {
  while (idle.length && queue.length) {
    const worker = idle.pop();
    const job = queue.shift();
    worker.once('message', (result) => {
      idle.push(worker);
      job.resolve(result);
      next();
    });
    worker.postMessage(job.steps);
  }
}
const cores = os.availableParallelism?.() ?? os.cpus().length;
for (let i = 0; i < cores; i++) {
  const w = new Worker(__filename, { name: `kitchen ${i + 1}` });
  console.log(`worker ${w.threadId}: kitchen ${i + 1}`);
  idle.push(w);
  all.push(w);
}

const server = http.createServer(async (req, res) => {
  const result = await run(Number(process.env.LESSON_WORK) || 6e6); // ~100 ms of CPU
  res.end(`${req.url}: ${Math.round(result)}\n`);
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const agent = new http.Agent({ maxSockets: 8 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      http
        .get({ port, host: '127.0.0.1', path, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const start = performance.now();
  await Promise.all(Array.from({ length: 8 }, (_, i) => get(`/dish-${i + 1}`)));
  console.log(
    `8 requests on ${all.length} workers in ${Math.round(performance.now() - start)} ms`,
  );
  server.close();
  agent.destroy();
  for (const w of all) w.terminate();
});
