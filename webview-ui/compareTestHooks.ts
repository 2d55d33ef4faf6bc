/**
 * Test instrumentation of the Compare view (behind `if (CV_TEST_HOOKS)`, dropped from a plain
 * production build): `window.cvDebug` over the lower trace (B), whose spans the e2e test
 * hovers, and `window.cvCompare`: both sides' counts and windows, and the figures shown.
 */
import type { TraceComparison } from '../src/model/compare';
import type { CompareSideView } from './compareSide';
import { installTestHooks } from './testHooks';

/** One side as automation reads it. */
export interface CompareSideDebug {
  name: string;
  lanes: number;
  spans: number;
  error: boolean;
  /** The window its timeline last drew, ns since its launch. */
  startNs: number;
  endNs: number;
}

/** What `window.cvCompare` offers. */
export interface CompareDebug {
  sides(): CompareSideDebug[];
  /** The comparison the header shows (the figures of `compare --json`). */
  comparison: TraceComparison;
}

declare global {
  interface Window {
    cvCompare?: CompareDebug;
  }
}

/** Installs `window.cvCompare` and `window.cvDebug` (the lower trace's). */
export function installCompareTestHooks(
  sides: CompareSideView[],
  comparison: TraceComparison,
): void {
  const lower = sides[sides.length - 1];
  installTestHooks(lower.store, lower.view, undefined);
  window.cvCompare = {
    sides: () =>
      sides.map((s) => {
        s.view.flush();
        const { scale } = s.view.query();
        return {
          name: s.name,
          lanes: s.store.model.threads.length,
          spans: s.store.model.spanCount,
          error: s.root.dataset.error === 'true',
          startNs: scale.startNs,
          endNs: scale.endNs,
        };
      }),
    comparison,
  };
}
