// A CPU-bound loop with no async work at all.
const N = Number(process.env.BENCH_N || 3e7);
let x = 0;
for (let i = 0; i < N; i++) {
  x = (x * 31 + i) % 1000003;
}
if (x < 0) console.log(x);
