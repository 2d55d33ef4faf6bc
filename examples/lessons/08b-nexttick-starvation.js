// Lesson 8b: starvation by process.nextTick.
// A loop that reschedules itself, with 1 ms of work per turn, runs for 300 ms while a
// setTimeout(0) waits. Rescheduled with process.nextTick, it never lets the event loop
// turn: ticks run before anything else, so the timer runs only after the ticks stop.
// Rescheduled with setImmediate, each turn of the loop also runs due timers: the timer
// runs on time. Look at the main lane, zoomed to ~50 ms at the start of each part: first
// a solid row of tick callbacks and the timer after the last; then immediates with the
// timer between the first ones.
const schedules = {
  'process.nextTick': (fn) => process.nextTick(fn),
  setImmediate: (fn) => setImmediate(fn),
};

function part(name) {
  return new Promise((resolve) => {
    const start = performance.now();
    let turns = 0;
    setTimeout(() => {
      const at = Math.round(performance.now() - start);
      console.log(`${name}: the 0 ms timer ran at ${at} ms, after ${turns} turns`);
    }, 0);
    const turn = () => {
      const until = performance.now() + 1;
      while (performance.now() < until); // 1 ms of work
      turns++;
      if (performance.now() - start < 300) schedules[name](turn);
      else setTimeout(resolve, 20, console.log(`${name}: ${turns} turns in 300 ms`));
    };
    schedules[name](turn);
  });
}
part('process.nextTick').then(() => part('setImmediate'));
