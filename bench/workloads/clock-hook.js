// The floor of any tracer that timestamps each event: an async_hooks hook that reads the clock
// where this tracer does (init, before, after, promiseResolve; not destroy) the same way
// (process.hrtime), and stores the raw numbers in a ring. No encoding, no call sites, no file.
// Each hook is a function of its own, as in the tracer: one function shared by before, after and
// promiseResolve would keep less code in the instruction cache than any real tracer does.
const hrtime = process.hrtime;
const ring = new Float64Array(1 << 16);
const MASK = (1 << 16) - 4;
let p = 0;
const now = () => {
  const t = hrtime();
  return t[0] * 1e9 + t[1];
};
require('node:async_hooks')
  .createHook({
    init(id, type, trigger) {
      ring[p] = now();
      ring[p + 1] = id;
      ring[p + 2] = trigger;
      p = (p + 4) & MASK;
    },
    before(id) {
      ring[p] = now();
      ring[p + 1] = id;
      p = (p + 4) & MASK;
    },
    after(id) {
      ring[p] = now();
      ring[p + 1] = id;
      p = (p + 4) & MASK;
    },
    promiseResolve(id) {
      ring[p] = now();
      ring[p + 1] = id;
      p = (p + 4) & MASK;
    },
    destroy(id) {
      ring[p + 1] = id;
      p = (p + 4) & MASK;
    },
  })
  .enable();
