/** Defaults of stack sampling (issue #17), shared by the tracer and the launchers. */

/** Default sampling interval, µs (V8's own default is 1000 too). */
export const DEFAULT_STACK_INTERVAL_US = 1000;
/** Stacks are sampled unless switched off (record --no-stacks, concurrencyVisualizer.stacks):
 * see the README's benchmark table for the overhead this was chosen on. */
export const STACKS_BY_DEFAULT = true;
