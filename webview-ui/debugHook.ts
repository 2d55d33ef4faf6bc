/** `window.cvDebug`: a small read-only hook for tests and automation. */
import type { TimelineView, ViewDebugState } from './timeline/timelineView';
import type { SpanQuery } from './timeline/threadsTrack';
import type { TraceStore } from './traceStore';

/** What `window.cvDebug` offers. */
export interface CvDebug {
  /** Centre (CSS px, relative to #threads-canvas) of the first drawn span matching the query. */
  findSpan(query: SpanQuery): { x: number; y: number } | undefined;
  /** Counts and the program state, as the panel shows them. */
  state(): { lanes: number; spans: number; resources: number; status: string | undefined };
  /** The visible window, follow mode, selection, range, matches and draw counters. */
  view?(): ViewDebugState;
  /** Durations (ms) of the recent draws, newest last. */
  drawTimes?(): number[];
}

declare global {
  interface Window {
    cvDebug?: CvDebug;
  }
}

/** Installs `window.cvDebug`. */
export function installDebugHook(store: TraceStore, view: TimelineView): void {
  window.cvDebug = {
    findSpan: (query) => view.findSpan(query ?? {}),
    state: () => ({
      lanes: store.model.threads.length,
      spans: store.model.spanCount,
      resources: store.model.resourceCount,
      status: store.status?.state,
    }),
    view: () => view.debugState(),
    drawTimes: () => [...view.drawTimesMs],
  };
}
