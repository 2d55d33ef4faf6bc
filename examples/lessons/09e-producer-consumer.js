// Lesson 9e, pattern: producer and consumer with a bounded channel.
// The producer (a fast kitchen) puts dishes into a channel that holds 3; the consumer (a
// slow waiter) takes them out. When the channel is full the producer waits; when it is
// empty the consumer waits. Both are async functions on one thread. Look at the whole run
// (~0.5 s): the producer's and the consumer's callbacks take turns on the main lane, and
// the printed queue never holds more than 3.
const { setTimeout: sleep } = require('node:timers/promises');

class Channel {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
    this.waiting = []; // resolvers of whoever waits for a change
  }
  wake() {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  async put(item) {
    while (this.items.length >= this.capacity) {
      console.log(`  kitchen waits: the pass is full (${this.items.length})`);
      await new Promise((resolve) => this.waiting.push(resolve));
    }
    this.items.push(item);
    this.wake();
  }
  async take() {
    while (this.items.length === 0)
      await new Promise((resolve) => this.waiting.push(resolve));
    const item = this.items.shift();
    this.wake();
    return item;
  }
}

const DISHES = Number(process.env.LESSON_WORK) || 10;
const pass = new Channel(3);

async function kitchen() {
  for (let i = 1; i <= DISHES; i++) {
    await sleep(10); // cooking is quick
    await pass.put(i);
    console.log(`cooked dish ${i}, pass holds ${pass.items.length}`);
  }
}
async function waiter() {
  for (let served = 0; served < DISHES; served++) {
    const dish = await pass.take();
    await sleep(40); // serving is slow
    console.log(`served dish ${dish}`);
  }
}
Promise.all([kitchen(), waiter()]).then(() => console.log('all dishes served'));
