// Rounds of 400 chained immediates, each round ending in a 150 ms blocking spin: the tracer's
// live-flush thread writes each round's records while the spin runs, and the main thread's
// own flush writes the rest after it.
let round = 0;
let left = 400;
function step() {
  if (--left > 0) {
    setImmediate(step);
    return;
  }
  const end = Date.now() + 150;
  while (Date.now() < end) {
    // blocked
  }
  if (++round < 5) {
    left = 400;
    setImmediate(step);
  } else {
    console.log('done');
  }
}
setImmediate(step);
