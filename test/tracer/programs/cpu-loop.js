// A CPU-bound loop on the main thread, inside a timer callback: it blocks the event loop for
// MS milliseconds (argv[2], default 1000) on one core.
const ms = Number(process.argv[2] ?? 1000);
setTimeout(function spin() {
  const end = process.hrtime.bigint() + BigInt(ms) * 1000000n;
  while (process.hrtime.bigint() < end) {}
}, 20);
