// Lesson 10c, pitfall: awaiting one by one what could wait together.
// Three orders to a local supplier that takes 150 ms each. Awaited one after the other,
// they take the sum (~450 ms); started together and awaited with Promise.all, about the
// longest (~150 ms). Look at the whole run (~0.6 s): in the first half the three requests
// wait one after another; in the second half their waits lie side by side.
const http = require('node:http');

const server = http.createServer((req, res) => {
  setTimeout(() => res.end(`${req.url.slice(1)} delivered`), 150); // the supplier's delay
});

function order(port, item) {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/${item}`, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  let t = performance.now();
  const flour = await order(port, 'flour'); // waits 150 ms before even asking for eggs
  const eggs = await order(port, 'eggs');
  const milk = await order(port, 'milk');
  console.log(
    `one by one: ${[flour, eggs, milk].join(', ')} in ` +
      `${Math.round(performance.now() - t)} ms`,
  );

  t = performance.now();
  const all = await Promise.all([
    order(port, 'flour'),
    order(port, 'eggs'),
    order(port, 'milk'),
  ]);
  console.log(`together:   ${all.join(', ')} in ${Math.round(performance.now() - t)} ms`);
  server.close();
});
