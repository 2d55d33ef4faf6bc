// Three timers started together: their waits overlap, their callbacks take turns on one thread.
const started = Date.now();

function task(name, delayMs) {
  setTimeout(() => {
    // A little synchronous work, so each callback is visible on the timeline.
    const until = Date.now() + 5;
    while (Date.now() < until);
    console.log(`${name} done after ${Date.now() - started} ms`);
  }, delayMs);
}

task('A', 30);
task('B', 20);
task('C', 10);
