// Lesson 10a, pitfall: a race between awaits.
// One thread, no parallelism, and still a race: each tip is added as "read the jar, wait
// for something, write the jar back". Run one after the other, the jar is right. Run
// together, both read before either writes, and one tip is lost. Look at the second half
// of the run, zoomed to ~30 ms: the two tasks' callbacks interleave (read, read, write,
// write).
const { setTimeout: sleep } = require('node:timers/promises');

let jar = 0;

async function addTip(who, euros, delayMs) {
  const seen = jar; // read
  console.log(`  ${who} reads ${seen}`);
  await sleep(delayMs); // e.g. a database round trip: other tasks run here
  jar = seen + euros; // write what was read plus the tip: the other's write is lost
  console.log(`  ${who} writes ${jar}`);
}

(async () => {
  console.log('one after the other:');
  jar = 100;
  await addTip('Ana', 30, 20);
  await addTip('Ben', 50, 10);
  console.log(`jar = ${jar} (expected 180)`);

  console.log('together:');
  jar = 100;
  await Promise.all([addTip('Ana', 30, 20), addTip('Ben', 50, 10)]);
  console.log(`jar = ${jar} (expected 180): ${jar === 180 ? 'right' : 'a tip was lost'}`);
})();
