// Insights example: a blocking callback and the timer it holds up.
// A callback that starts at about 5 ms holds the main thread for 300 ms; a timer due at 50 ms
// can run only once it returns, about 250 ms late. The headline and `summary` list the blocking
// callback (line 16) with the timer (line 12) as its victim.
const BLOCK_MS = Number(process.env.BLOCK_MS) || 300;
const started = performance.now();

function spin(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end); // busy: nothing else runs on this thread meanwhile
}
setTimeout(function heartbeat() {
  const lateMs = performance.now() - started - 50;
  console.log(`timer due at 50 ms ran ${Math.round(lateMs)} ms late`);
}, 50);
setTimeout(function block() {
  spin(BLOCK_MS); // BLOCK
}, 5);
