/**
 * All test instrumentation of the webview, in one module: `window.cvDebug` (what tests,
 * benchmarks and automation read of the page) and the draw counters. Every use is behind
 * `if (CV_TEST_HOOKS)` (src/shared/buildFlags.d.ts), so a production build drops this module.
 */
import type { Parallelism } from './parallelism';
import type { ThreadsTrack } from './timeline/threadsTrack';
import type { TimelineHost, TrackQuery } from './timeline/track';
import type { TimelineView } from './timeline/timelineView';
import type { TraceStore } from './traceStore';

/** What `findSpan` matches: resource type, creation line, file suffix, Node threadId. */
export interface SpanQuery {
  type?: string;
  line?: number;
  file?: string;
  thread?: number;
}

/** What automation can read of the timeline. */
export interface ViewDebugState {
  startNs: number;
  endNs: number;
  mode: string;
  selectedSpan: number;
  selectedRes: number;
  range: { startNs: number; endNs: number } | undefined;
  matches: number;
  draws: number;
  lastDrawMs: number;
  /** performance.now() when the last draw ended. */
  lastDrawAt: number;
  flows: number;
  /** Thread rows the last draw painted as pixel strips. */
  stripRows: number;
  /** Warm-up draws done. */
  warmUpDraws: number;
}

/** One OS-thread lane as tests and automation see it. */
export interface LaneInfo {
  pid: number;
  tid: number;
  kind: string;
  basis: string;
  text: string;
  /** Client y of the lane's middle, once drawn. */
  clientY: number | undefined;
}

/** `window.cvDebug.parallelism`: alignment and lanes. */
export interface ParallelismDebug {
  /** Client x of a time on the cores chart's axis. */
  chartXForTime(timeNs: number): number | undefined;
  /** True while the cores chart has not drawn the newest window yet (its worker is behind). */
  chartPending(): boolean;
  /** True when the cores chart draws in a worker (false: on the page). */
  chartInWorker(): boolean;
  /** The window the cores chart last drew (ms), once drawn. */
  chartWindow(): { startMs: number; endMs: number } | undefined;
  /** Warm-up charts drawn so far. */
  chartWarmUpDraws(): number;
  /** Client x of a time on the OS-threads track. */
  trackXForTime(timeNs: number): number | undefined;
  /** The OS-thread lanes, top to bottom. */
  lanes(): LaneInfo[];
  /** The window the tracks were last drawn with, ns. */
  timeWindow(): { startNs: number; endNs: number } | undefined;
  /** Core lanes shown? */
  coreLanes(): boolean;
  /** The verdict shown in the summary (after refreshing it). */
  verdict(): string | undefined;
}

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
  /** Set when the parallelism views are installed. */
  parallelism?: ParallelismDebug;
  /** The timeline, to add tracks to (tests of a new lane). */
  timeline?: TimelineHost;
}

declare global {
  interface Window {
    cvDebug?: CvDebug;
  }
}

/** Installs `window.cvDebug`, once, over whichever of the views the page has. */
export function installTestHooks(
  store: TraceStore,
  view: TimelineView | undefined,
  parallelism: Parallelism | undefined,
): void {
  window.cvDebug = {
    findSpan: (query) => (view ? findSpan(view, query ?? {}) : undefined),
    state: () => ({
      lanes: store.model.threads.length,
      spans: store.model.spanCount,
      resources: store.model.resourceCount,
      status: store.status?.state,
    }),
    ...(view && {
      timeline: view,
      view: () => viewState(view),
      drawTimes: () => [...(view.stats?.drawTimesMs ?? [])],
    }),
    ...(parallelism && { parallelism: parallelismDebug(store, parallelism) }),
  };
}

/**
 * Centre (CSS px, relative to #threads-canvas) of the first drawn span matching `query`. The
 * Threads view is expanded and scrolled (and the page too) so that the point is on screen.
 */
function findSpan(view: TimelineView, query: SpanQuery): { x: number; y: number } | undefined {
  const threads = view.threads;
  if (!threads.section.expanded) {
    threads.section.setExpanded(true);
    view.requestRedraw();
  }
  view.flush();
  const point = spanPoint(threads.track, query, view.query(), threads.surface.widthPx);
  if (point) {
    const box = threads.viewport.box;
    const marginPx = 12;
    const yPx = point.y;
    if (yPx < box.scrollTop + marginPx || yPx > box.scrollTop + box.clientHeight - marginPx) {
      box.scrollTop = Math.max(0, yPx - box.clientHeight / 2);
    }
    const clientY = threads.surface.canvas.getBoundingClientRect().top + yPx;
    if (clientY < marginPx || clientY > window.innerHeight - marginPx) {
      window.scrollBy(0, clientY - window.innerHeight / 2);
    }
  }
  return point;
}

/** The centre of the first drawn span matching `query` (preferably 2px wide or more). */
function spanPoint(
  threads: ThreadsTrack,
  query: SpanQuery,
  at: TrackQuery,
  widthPx: number,
): { x: number; y: number } | undefined {
  const { model: m, scale } = at;
  let fallback: { x: number; y: number } | undefined;
  for (let lane = 0; lane < m.threads.length; lane++) {
    if (query.thread !== undefined && m.threads[lane].info.threadId !== query.thread) {
      continue;
    }
    for (const list of at.indexes.spans.lanesOf(lane)) {
      for (let k = 0; list && k < list.length; k++) {
        const span = list.data[k];
        const r = m.spanRes.data[span];
        const loc = m.locationOf(r);
        if (
          (query.type !== undefined && m.typeOf(r) !== query.type) ||
          (query.line !== undefined && loc?.line !== query.line) ||
          (query.file !== undefined && !loc?.file.endsWith(query.file))
        ) {
          continue;
        }
        const box = threads.spanBox(span, scale);
        const x0 = Math.max(box.x0Px, scale.startPx);
        const x1 = Math.min(box.x1Px, widthPx);
        if (x1 - x0 < 1) {
          continue;
        }
        const centre = { x: (x0 + x1) / 2, y: box.yPx + box.heightPx / 2 };
        if (x1 - x0 >= 2) {
          return centre;
        }
        fallback ??= centre;
      }
    }
  }
  return fallback;
}

function viewState(view: TimelineView): ViewDebugState {
  view.flush();
  const { window: w, selection, stats } = view;
  return {
    startNs: w.startNs,
    endNs: w.endNs,
    mode: w.mode,
    selectedSpan: selection.span,
    selectedRes: selection.res,
    range: selection.range && { ...selection.range },
    matches: view.matchCount,
    draws: stats?.draws ?? 0,
    lastDrawMs: stats?.drawTimesMs.at(-1) ?? 0,
    lastDrawAt: stats?.lastDrawAt ?? 0,
    flows: view.threads.track.flowsDrawn,
    stripRows: view.threads.track.stripRows,
    warmUpDraws: stats?.warmUpDraws ?? 0,
  };
}

function parallelismDebug(store: { model: TraceStore['model'] }, p: Parallelism): ParallelismDebug {
  const { chart, osThreads, coreLanes, summary } = p;
  return {
    chartXForTime: (timeNs) => chart.clientXOf(timeNs),
    chartPending: () => chart.pending,
    chartInWorker: () => chart.inWorker,
    chartWindow: () => chart.drawnWindow,
    chartWarmUpDraws: () => chart.warmUpDraws,
    trackXForTime: (timeNs) => osThreads.drawnAt.clientXOf(timeNs),
    lanes: () => {
      const layout = osThreads.layout;
      layout.update(store.model);
      return layout.rows
        .filter((r) => r.type === 'thread')
        .map((r) => {
          const t = store.model.os.threads[r.thread];
          const cls = layout.classes[r.thread];
          return {
            pid: t.pid,
            tid: t.tid,
            kind: cls.kind,
            basis: cls.basis,
            text: r.text,
            clientY: osThreads.drawnAt.clientYOf(r.topPx + r.heightPx / 2),
          };
        });
    },
    timeWindow: () => {
      const scale = osThreads.drawnAt.scale;
      return scale && { startNs: scale.startNs, endNs: scale.endNs };
    },
    coreLanes: () => coreLanes.enabled,
    verdict: () => {
      summary.flush();
      return summary.summary?.verdict.text;
    },
  };
}
