// Ground truth for the thread-identity tests: the OS threads of this process as it sees them
// in /proc (read synchronously: no threadpool work of its own), with their names.
const fs = require('node:fs');

/** This process's thread ids, ascending. */
exports.tids = () =>
  fs
    .readdirSync('/proc/self/task')
    .map(Number)
    .sort((a, b) => a - b);

/** Prints what the test compares the trace with, as one JSON line. */
exports.report = (fields) => console.log(`GROUND ${JSON.stringify(fields)}`);
