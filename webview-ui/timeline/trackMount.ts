/**
 * Where a track is shown: its collapsible section, its canvas, and the viewport that maps the
 * track's rows onto the canvas. The timeline draws and hit-tests every mounted track the same
 * way; only how the rows scroll differs (a box that scrolls the whole canvas, or a virtual
 * scroller: opsViewport.ts).
 */
import { el } from '../dom';
import { Section } from '../section';
import { CanvasSurface } from './canvasSurface';
import type { TimelineTrack } from './track';

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
