// Lesson 5: the blocked kitchen.
// A timer due in 50 ms and an HTTP request (answered in 30 ms) are waiting when one
// callback starts 400 ms of CPU work on the main thread. Nothing else can run until it
// ends. Look at the whole run (~0.5 s): one long box on the main lane, listed first under
// blocking callbacks at the line marked BLOCK (where its timer was set); the timer and
// the response run only after it. The timer was due 40 ms into the block, so it is late
// by the rest of the block (~360 ms), not by all of it.
const http = require('node:http');

function crunch(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until); // CPU, no waiting: the event loop cannot turn
}

// The server answers after 30 ms: its timer, too, waits behind the block.
const server = http.createServer((req, res) => {
  setTimeout(() => res.end('soup of the day\n'), 30);
});
server.listen(0, '127.0.0.1', () => {
  const start = performance.now();
  const at = () => Math.round(performance.now() - start);

  setTimeout(() => console.log(`timer due at 50 ms ran at ${at()} ms`), 50);

  http.get(`http://127.0.0.1:${server.address().port}/`, (res) => {
    res.resume();
    res.on('end', () => {
      console.log(`HTTP response (due after 30 ms) arrived at ${at()} ms`);
      server.close();
    });
  });

  const block = () => {
    console.log(`blocking from ${at()} ms...`);
    crunch(Number(process.env.LESSON_BLOCK_MS) || 400);
    console.log(`...to ${at()} ms`);
  };
  setTimeout(block, 10); // BLOCK: the panel names this line, where the callback was set
});
