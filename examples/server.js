// A small HTTP server and a client that calls it every 200 ms, until you stop it.
const http = require('node:http');

const server = http.createServer((req, res) => {
  // Answer after a short wait, as if a database were involved.
  setTimeout(() => res.end(`hello ${req.url}\n`), 15);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}`);
  let n = 0;
  setInterval(() => {
    n += 1;
    http.get(`http://127.0.0.1:${port}/request-${n}`, (res) => {
      res.resume();
      res.on('end', () => console.log(`request ${n}: ${res.statusCode}`));
    });
  }, 200);
});
