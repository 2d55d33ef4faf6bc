/** Binary search over time columns that never decrease. */

/**
 * The first index in [lo, hi) whose value is greater than `x`, or hi: with `values` the end
 * times of samples written in order, the first sample that ends after `x`.
 */
export function firstAbove(values: ArrayLike<number>, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
