// An HTTP server and a keep-alive client on 127.0.0.1: 20k requests, 8 in flight.
const http = require('node:http');
const N = Number(process.env.BENCH_N || 20000);
const IN_FLIGHT = 8;
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const { port } = server.address();
  let started = 0;
  let done = 0;
  const next = () => {
    if (started >= N) return;
    started++;
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (++done === N) {
          agent.destroy();
          server.close();
        } else {
          next();
        }
      });
    });
  };
  for (let i = 0; i < IN_FLIGHT; i++) next();
});
