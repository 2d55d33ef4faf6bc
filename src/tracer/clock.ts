/**
 * The tracer's clock: one for every thread and process of a session, in integer ns since the
 * session epoch (the launcher's `process.hrtime.bigint()`). Read once per event in the hooks.
 */

/** A clock reading ns since `epochNs` (a decimal string of hrtime.bigint()). */
export function sessionClock(epochNs: string): () => number {
  // `process.hrtime()` is the cheapest read of it: `performance.now()` (Node 20+) checks its
  // receiver with a hasOwnProperty lookup on every call (a tenth of the tracer's cost between
  // two polls of the event loop), and hrtime.bigint() allocates. Its [s, ns] pair never
  // escapes, so the optimizer removes the array; the two subtractions keep the sum exact
  // (integer ns).
  const epoch = BigInt(epochNs);
  const epochS = Number(epoch / 1_000_000_000n);
  const epochSubNs = Number(epoch % 1_000_000_000n);
  const hrtime = process.hrtime;
  const now = (): number => {
    const hr = hrtime();
    return (hr[0] - epochS) * 1e9 + (hr[1] - epochSubNs);
  };
  return now;
}
