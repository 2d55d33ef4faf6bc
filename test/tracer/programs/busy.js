// Ignores SIGINT and SIGTERM and, after a quiet start (the tracer flushes every 100 ms), spins:
// only SIGKILL ends it. It says so as it starts to spin.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
setTimeout(() => {
  console.log('spinning');
  for (;;);
}, 350);
