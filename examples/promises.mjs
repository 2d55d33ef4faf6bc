// An ES module: awaits and Promise.all interleave on one thread.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

async function step(name, ms) {
  await sleep(ms);
  const text = await readFile(new URL(import.meta.url), 'utf8');
  return `${name}: ${text.length} bytes`;
}

const results = await Promise.all([step('first', 30), step('second', 10), step('third', 20)]);
console.log(results.join('\n'));
