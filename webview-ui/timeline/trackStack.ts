/** The extension tracks (track.ts) stacked below the built-in views, one canvas each. */
import type { TraceModel } from '../../src/model/traceModel';
import { el } from '../dom';
import type { Theme } from '../theme';
import { CanvasSurface } from './canvasSurface';
import { drawGrid } from './ruler';
import type { Tick, TimeScale } from './timeScale';
import type { TimelineTrack } from './track';

/** One registered track and its DOM. */
export interface StackedTrack {
  track: TimelineTrack;
  section: HTMLElement;
  canvas: HTMLCanvasElement;
  surface: CanvasSurface;
}

/** Holds the registered tracks: a titled section with a canvas per track, in order of adding. */
export class TrackStack {
  /** Container of the tracks' sections (#tracks), below the Operations view. */
  readonly root = el('div', { id: 'tracks', className: 'tracks' });
  readonly tracks: StackedTrack[] = [];

  /** Adds a track's section; returns its canvas so the owner can bind input to it. */
  add(track: TimelineTrack): StackedTrack {
    const canvas = el('canvas', { className: 'track-canvas' });
    canvas.id = `track-${track.id}-canvas`;
    canvas.setAttribute('aria-label', track.title);
    const section = el(
      'section',
      { className: 'view track-view' },
      el('h2', { className: 'view-title', text: track.title }),
      canvas,
    );
    section.dataset.track = track.id;
    const stacked = { track, section, canvas, surface: new CanvasSurface(canvas) };
    this.tracks.push(stacked);
    this.root.append(section);
    return stacked;
  }

  /** Draws every visible track on the shared axis (hidden ones get `hidden`). */
  draw(model: TraceModel, scale: TimeScale, theme: Theme, ticks: Tick[], widthPx: number): void {
    for (const t of this.tracks) {
      let visible = false;
      try {
        visible = t.track.visible(model);
        t.section.hidden = !visible;
        if (!visible) {
          continue;
        }
        const heightPx = Math.max(1, Math.round(t.track.heightPx(model)));
        const ctx = t.surface.begin(widthPx, heightPx, theme.background);
        drawGrid(ctx, ticks, scale, theme, widthPx, heightPx);
        ctx.save();
        ctx.fillStyle = theme.grid;
        ctx.fillRect(scale.startPx - 1, 0, 1, heightPx);
        t.track.draw(ctx, model, scale, theme);
        ctx.restore();
      } catch (err) {
        // One broken track must not blank the timeline.
        console.warn(`track ${t.track.id} failed to draw`, err);
      }
    }
    this.root.hidden = !this.tracks.some((t) => !t.section.hidden);
  }
}
