/** Defaults of stack sampling (issue #17), shared by the tracer and the launchers. */

/** Default sampling interval, µs: at 1 ms the http workload's main thread took 1.13x the CPU
 * time of the tracer alone (bench:overhead --stacks, median of 5 paired runs), at 2 ms 1.03x
 * (cpu workload: 1.05x and 1.02x). */
export const DEFAULT_STACK_INTERVAL_US = 2000;
/** Stacks are sampled unless switched off (record --no-stacks, concurrencyVisualizer.stacks):
 * see the README's benchmark table for the overhead this was chosen on. */
export const STACKS_BY_DEFAULT = true;
