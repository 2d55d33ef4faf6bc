// Throws from a timer callback: an uncaught exception.
setTimeout(() => {
  setImmediate(() => {});
  throw new Error('boom from a timer');
}, 10);
