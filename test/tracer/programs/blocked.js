// One long blocking callback: a timer that spins for 2 s (argv[2] ms) without making any async
// resource (so no hook of the tracer runs, and nothing flushes, until it returns).
const blockMs = Number(process.argv[2] ?? 2000);
setTimeout(() => {
  const end = Date.now() + blockMs;
  while (Date.now() < end) {
    // stuck
  }
  console.log('unblocked');
}, 50);
