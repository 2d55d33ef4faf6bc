// 300k setImmediate callbacks, one after another.
const N = Number(process.env.BENCH_N || 300000);
let n = 0;
function tick() {
  if (++n < N) setImmediate(tick);
}
setImmediate(tick);
