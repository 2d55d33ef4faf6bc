// For the flight recorder's test: one synchronous loop of LOOP_MS that makes promises (an
// event each) without ever giving the event loop a turn, so no timer of the tracer runs.
const loopMs = Number(process.argv[2] || 2500);
const t0 = Date.now();
let made = 0;
while (Date.now() - t0 < loopMs) {
  for (let i = 0; i < 1000; i++) {
    Promise.resolve(i);
    made++;
  }
}
process.stdout.write(`made ${made}\n`);
