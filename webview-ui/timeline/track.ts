/**
 * The extension point of the timeline: a track is a horizontal band drawn on the shared time
 * axis (e.g. OS-thread lanes, core lanes). The timeline lays tracks out below its own views,
 * gives each the same TimeScale, and asks it for hover text. Views that are not canvases on the
 * axis (the cores chart) follow the visible window through `TimelineHost.onWindowChange`.
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { SourcePosition } from '../../src/shared/protocol';
import type { Theme } from '../theme';
import type { TimeScale } from './timeScale';

/** What a track shows when the pointer rests on it. */
export interface TrackHover {
  /** Tooltip lines (text, never HTML). */
  lines: string[];
  /** Source position to highlight (and jump to on click), if any. */
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
  /** Height the track needs, CSS px. */
  heightPx(model: TraceModel): number;
  /**
   * Draws the track. The context is translated so that y = 0 is the track's top, in CSS px;
   * lane labels go in the gutter `[0, scale.startPx)`, times at `scale.timeToPx`.
   */
  draw(ctx: CanvasRenderingContext2D, model: TraceModel, scale: TimeScale, theme: Theme): void;
  /** Hover text at a point (CSS px relative to the track's top-left), if any. */
  hoverAt?(model: TraceModel, scale: TimeScale, xPx: number, yPx: number): TrackHover | undefined;
}

/** The visible window, as views outside the canvases need it to stay aligned. */
export interface WindowChange {
  /** The scale the tracks are drawn with (its startPx/endPx give the time area's x range). */
  scale: TimeScale;
  model: TraceModel;
  /**
   * A warm-up draw (TimelineView.warmUp), never shown: a listener may run its own code on it
   * to compile it, but must leave what it shows as it was.
   */
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
