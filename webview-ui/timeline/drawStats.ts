/**
 * The timeline's draw counters, for tests and the viewer benchmark (window.cvDebug reads them).
 * Made only `if (CV_TEST_HOOKS)`, so a production build has none.
 */
/** Draw counters of the timeline (the viewer benchmark reads the draw times). */
export class DrawStats {
  /** Real (not warm-up) draws so far. */
  draws = 0;
  /** performance.now() when the last real draw ended. */
  lastDrawAt = 0;
  /** Duration (ms) of recent draws, newest last. */
  readonly drawTimesMs: number[] = [];
  /** Warm-up draws done (timeline/frameLoop.ts). */
  warmUpDraws = 0;

  /** A real draw that began at `t0` (performance.now()) just ended. */
  recordDraw(t0: number): void {
    this.draws++;
    this.lastDrawAt = performance.now();
    this.drawTimesMs.push(this.lastDrawAt - t0);
    if (this.drawTimesMs.length > 2000) {
      this.drawTimesMs.splice(0, 1000);
    }
  }
}
