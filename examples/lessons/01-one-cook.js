// Lesson 1: one cook, many dishes.
// One thread starts three waits at once (a timer, a file read, an HTTP request) and lets
// them cook together. Look at the whole run (~0.2 s): the three operations are hatched
// (waiting) side by side, while the main thread lane shows short callbacks that never
// overlap. One cook, one core at most: concurrency without parallelism.
const fs = require('node:fs/promises');
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');

// A local "supplier" that answers after 150 ms, so the request has something to wait for.
const server = http.createServer((req, res) => {
  setTimeout(() => res.end('fresh basil'), 150);
});

function fetchText(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

server.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  const start = performance.now();
  const done = (dish) => (value) => {
    console.log(`${dish} ready after ${Math.round(performance.now() - start)} ms`);
    return value;
  };
  // All three start now; none waits for another. Promise.all collects them.
  await Promise.all([
    sleep(200).then(done('oven (timer, 200 ms)')),
    fs.readFile(__filename, 'utf8').then(done('recipe (file read)')),
    fetchText(url).then(done('basil (HTTP, 150 ms)')),
  ]);
  const total = Math.round(performance.now() - start);
  // About the longest wait (200 ms), not the sum (350+ ms): the waits overlapped.
  console.log(`all three dishes in ${total} ms`);
  server.close();
});
