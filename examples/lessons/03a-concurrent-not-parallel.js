// Lesson 3a: concurrent, not parallel.
// A web server whose handlers mostly wait (a 100 ms timer stands in for a database),
// under a burst of 20 requests from a local client. Look at the whole run (~0.2 s): many
// requests are in flight at once on the main thread, each callback is short, and the
// cores chart stays under one core. The verdict says "Concurrent, not parallel".
const http = require('node:http');

const server = http.createServer((req, res) => {
  // The "database": a wait, not work. The thread is free for other requests meanwhile.
  setTimeout(() => res.end(`order ${req.url} served\n`), 100);
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const agent = new http.Agent({ keepAlive: false, maxSockets: 20 });
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
  // 20 customers order at the same moment.
  await Promise.all(Array.from({ length: 20 }, (_, i) => get(`/${i + 1}`)));
  console.log(
    `20 requests of 100 ms each answered in ${Math.round(performance.now() - start)} ms`,
  );
  server.close();
});
