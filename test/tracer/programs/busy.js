// Ignores SIGINT and SIGTERM and, after a quiet start (the tracer flushes every 100 ms), spins:
// only SIGKILL ends it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
console.log('spinning');
setTimeout(() => {
  for (;;);
}, 350);
