/**
 * The extension point of the timeline: every horizontal band on the shared time axis (Threads,
 * Operations, OS threads, core lanes, and any future lane) is a `TimelineTrack`. The timeline
 * lays tracks out, gives each draw one `RenderContext` (Perfetto passes one render context to
 * its tracks the same way), routes hover and click through `hitTest`, and keeps selection and
 * hover in one place (selection.ts). A new lane is one file implementing `TimelineTrack` and one
 * `host.addTrack(...)` line. Views that are not canvases on the axis (the cores chart) follow the
 * visible window through `TimelineHost.onWindowChange`.
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { SourcePosition } from '../../src/shared/protocol';
import type { Theme } from '../theme';
import type { CausalIndex } from './causalIndex';
import type { SelectionState } from './selection';
import type { SpanFilter } from './spanFilter';
import type { SpanIndex } from './spanIndex';
import type { TimeScale } from './timeScale';

/** The indexes the timeline keeps of the current model, shared by the tracks that need them. */
export interface ModelIndexes {
  /** Spans per thread and depth, for search by time. */
  spans: SpanIndex;
  /** Which operations each operation created (the flow arrows, the details). */
  causal: CausalIndex;
  /** The search and filters: what does not match is dimmed. */
  filter: SpanFilter;
}

/** What a track may hit-test against: the same window and model it was drawn with. */
export interface TrackQuery {
  model: TraceModel;
  indexes: ModelIndexes;
  /** The time <-> x conversion (its startPx is the gutter's right edge). */
  scale: TimeScale;
}

/** Everything a track draws with, for one draw of one track. */
export interface RenderContext extends TrackQuery {
  /**
   * The track's canvas, in CSS px, y = 0 at the top of the track's visible rows (`topPx` of its
   * content). Lane labels go in the gutter `[0, scale.startPx)`, times at `scale.timeToPx`.
   */
  ctx: CanvasRenderingContext2D;
  theme: Theme;
  /** What is selected and hovered. */
  selection: SelectionState;
  /** The canvas's width, CSS px. */
  widthPx: number;
  /** First content row shown (CSS px; non-zero only for tracks drawn in a virtual scroller). */
  topPx: number;
  /** Height of the rows shown, CSS px. */
  heightPx: number;
  /** The user's display options. */
  options: { showFlows: boolean };
  /**
   * A warm-up draw (see warmUp.ts), never shown: a track may run its own code on it to compile
   * it, but must leave what it shows as it was.
   */
  warmUp: boolean;
  /**
   * Magnification of the tracks (presenter mode: 2; else 1). drawMountedTrack applies it to
   * `ctx` and gives the track its scale, sizes and times in unmagnified px, so painters draw
   * as always and come out larger; hit tests get the pointer in the same unmagnified px.
   */
  uiScale: number;
}

/**
 * What is under the pointer. `span` / `res`: a callback span or an operation, which the timeline
 * hovers (tooltip, source highlight) and selects on click; res -1 is the empty space of a track
 * that selects (a click there clears the selection). `lines`: tooltip text (never HTML), with a
 * source `position` to highlight and jump to on click, for tracks that show text only.
 */
export interface TrackHit {
  span?: number;
  res?: number;
  lines?: string[];
  position?: SourcePosition;
}

/** A band of the timeline on the shared time axis. */
export interface TimelineTrack {
  /** Stable id, e.g. 'os-threads'. */
  readonly id: string;
  /** Section title, e.g. 'OS threads'. */
  readonly title: string;
  /** Whether the track has anything to show for this model (hidden otherwise). */
  visible(model: TraceModel): boolean;
  /** Height of all the track's rows, CSS px. */
  heightPx(model: TraceModel): number;
  /** Draws the rows `[rc.topPx, rc.topPx + rc.heightPx)` of the track. */
  draw(rc: RenderContext): void;
  /** What is at a point (CSS px, x on the canvas, y in the track's content), if anything. */
  hitTest?(query: TrackQuery, xPx: number, yPx: number): TrackHit | undefined;
  /** A count shown beside the title, e.g. '(12)'. */
  countText?(model: TraceModel): string;
}

/** The visible window, as views outside the canvases need it to stay aligned. */
export interface WindowChange {
  /** The scale the tracks are drawn with (its startPx/endPx give the time area's x range). */
  scale: TimeScale;
  model: TraceModel;
  /** A warm-up draw (see RenderContext.warmUp). */
  warmUp?: boolean;
}

/** What the timeline offers to code that extends it. */
export interface TimelineHost {
  /** Adds a track below the built-in views; redraws. */
  addTrack(track: TimelineTrack): void;
  /** Calls `listener` after every redraw with the window drawn (also on resize and theme). */
  onWindowChange(listener: (change: WindowChange) => void): void;
  /** Asks for a redraw (coalesced). */
  requestRedraw(): void;
}
