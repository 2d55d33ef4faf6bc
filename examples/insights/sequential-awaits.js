// Insights example: three independent waits awaited one after another.
// Each sleep takes 100 ms and none needs another's result, yet each starts only when the one
// before has ended: about 300 ms where Promise.all would take about 100 ms.
const { setTimeout: sleep } = require('node:timers/promises');

async function prepare() {
  const started = performance.now();
  const flour = await sleep(100, 'flour');
  const eggs = await sleep(100, 'eggs');
  const milk = await sleep(100, 'milk');
  console.log(`${flour}, ${eggs}, ${milk} in ${Math.round(performance.now() - started)} ms`);
}

prepare();
