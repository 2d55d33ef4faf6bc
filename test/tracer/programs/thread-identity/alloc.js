// Allocation-heavy work on one JS thread for 800 ms, no threadpool request: V8's helpers
// collect garbage beside it, and no thread is born after the script starts.
const { tids, report } = require('./tids');

const before = tids();
let keep = [];
const start = Date.now();
while (Date.now() - start < 800) {
  for (let i = 0; i < 1e4; i++) {
    keep.push({ a: i, b: `x${i}`, c: [i] });
  }
  if (keep.length > 3e5) {
    keep = [];
  }
}
report({ before, after: tids() });
