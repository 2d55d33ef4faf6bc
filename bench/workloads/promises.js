// 1e6 awaited promises in one async function.
const N = Number(process.env.BENCH_N || 1e6);
(async () => {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    sum += await Promise.resolve(i);
  }
  if (sum < 0) console.log(sum);
})();
