/**
 * Where a track is shown: its collapsible section, its canvas, and the viewport that maps the
 * track's rows onto the canvas. The timeline draws and hit-tests every mounted track the same
 * way; only how the rows scroll differs (a box that scrolls the whole canvas, or a virtual
 * scroller: opsViewport.ts).
 */
import { el } from '../dom';
import { Section } from '../section';
import { CanvasSurface } from './canvasSurface';
import { drawRange } from './rangeOverlay';
import { drawGrid } from './ruler';
import { TimeScale, type Tick } from './timeScale';
import type { RenderContext, TimelineTrack } from './track';

/** How a track's content rows meet its canvas. */
export interface TrackViewport {
  /** The element whose width bounds the canvas (0 when collapsed). */
  readonly box: HTMLElement;
  /** Sizes the scroller for `contentPx` of rows (DOM writes only when a value changes). */
  layout(contentPx: number): void;
  /** First content row shown, CSS px. */
  topPx(contentPx: number): number;
  /** Height of the canvas: the rows shown, CSS px. */
  heightPx(contentPx: number): number;
}

/** A canvas as tall as the track, in a box that scrolls it natively (or grows with it). */
export class BoxViewport implements TrackViewport {
  constructor(readonly box: HTMLElement) {}

  layout(): void {}

  topPx(): number {
    return 0;
  }

  heightPx(contentPx: number): number {
    return Math.max(1, Math.round(contentPx));
  }
}

/** A track as the timeline shows it. */
export interface MountedTrack {
  track: TimelineTrack;
  /** The section's header (title, collapse) and body. */
  section: Section;
  surface: CanvasSurface;
  viewport: TrackViewport;
  /** Where `track.countText` goes, if the track has one. */
  count?: HTMLElement;
  /** A plain vertical wheel scrolls the rows (the wheel zooms only with ctrl/cmd). */
  wheelScrolls: boolean;
  /** The timeline draws the gutter's rule before the track (built-in tracks draw their own). */
  gutterRule: boolean;
  /** The selected time range is shaded over the track. */
  rangeShaded: boolean;
}

/** Mounts an added track: a collapsible section with a canvas in a scrolling box. */
export function mountAddedTrack(track: TimelineTrack, onToggle: () => void): MountedTrack {
  const canvas = el('canvas', { className: 'track-canvas' });
  canvas.id = `track-${track.id}-canvas`;
  canvas.setAttribute('aria-label', track.title);
  const box = el('div', { className: 'track-box' }, canvas);
  const count = track.countText ? el('span', { className: 'view-count' }) : undefined;
  const section = new Section(
    track.title,
    { className: 'track-view', extras: count ? [count] : undefined, onToggle },
    box,
  );
  section.root.dataset.track = track.id;
  return {
    track,
    section,
    surface: new CanvasSurface(canvas),
    viewport: new BoxViewport(box),
    count,
    wheelScrolls: false,
    gutterRule: true,
    rangeShaded: false,
  };
}

/**
 * The time scale a track magnified `uiScale` times draws with: the same times at the same
 * screen x, in px that the context's scale multiplies by `uiScale`.
 */
export function magnified(scale: TimeScale, uiScale: number): TimeScale {
  return new TimeScale(scale.startNs, scale.endNs, scale.startPx / uiScale, scale.endPx / uiScale);
}

/** What every track's draw in one frame shares (RenderContext without the canvas's own). */
export type TrackFrame = Omit<RenderContext, 'ctx' | 'widthPx' | 'topPx' | 'heightPx'>;

/**
 * Draws a mounted track on its canvas: the grid at `ticks`, the gutter's rule, the track, the
 * selected range. A collapsed box has no width: `fullWidthPx` stands in for it.
 */
export function drawMountedTrack(
  m: MountedTrack,
  frame: TrackFrame,
  ticks: Tick[],
  fullWidthPx: number,
): void {
  const { scale, theme, uiScale } = frame;
  try {
    const contentPx = m.track.heightPx(frame.model) * uiScale;
    const widthPx = m.viewport.box.clientWidth || fullWidthPx;
    const heightPx = m.viewport.heightPx(contentPx);
    const ctx = m.surface.begin(widthPx, heightPx, theme.background);
    drawGrid(ctx, ticks, scale, theme, widthPx, heightPx);
    if (m.gutterRule) {
      ctx.fillStyle = theme.grid;
      ctx.fillRect(scale.startPx - 1, 0, 1, heightPx);
    }
    const topPx = m.viewport.topPx(contentPx);
    ctx.save();
    if (uiScale === 1) {
      m.track.draw({ ...frame, ctx, widthPx, topPx, heightPx });
    } else {
      ctx.scale(uiScale, uiScale);
      m.track.draw({
        ...frame,
        scale: magnified(scale, uiScale),
        ctx,
        widthPx: widthPx / uiScale,
        topPx: topPx / uiScale,
        heightPx: heightPx / uiScale,
      });
    }
    ctx.restore();
    if (m.rangeShaded) {
      drawRange(ctx, scale, theme, frame.selection.range, heightPx, false);
    }
  } catch (err) {
    // One broken track must not blank the timeline.
    console.warn(`track ${m.track.id} failed to draw`, err);
  }
}
