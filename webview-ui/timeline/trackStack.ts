/** The extension tracks (track.ts) stacked below the built-in views, one canvas each. */
import type { TraceModel } from '../../src/model/traceModel';
import { el, setIfChanged } from '../dom';
import { Section } from '../section';
import type { Theme } from '../theme';
import { CanvasSurface } from './canvasSurface';
import { drawGrid } from './ruler';
import type { Tick, TimeScale } from './timeScale';
import type { TimelineTrack } from './track';

/** One registered track and its DOM. */
export interface StackedTrack {
  track: TimelineTrack;
  section: HTMLElement;
  /** The box around the canvas: it scrolls when the track is taller than its max-height. */
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  surface: CanvasSurface;
  /** The section's header and collapse state. */
  collapsible: Section;
}

/** Holds the registered tracks: a collapsible section with a canvas per track, in order added. */
export class TrackStack {
  /** Container of the tracks' sections (#tracks), below the Operations view. */
  readonly root = el('div', { id: 'tracks', className: 'tracks' });
  readonly tracks: StackedTrack[] = [];
  /** Called after a track's section is collapsed or expanded. */
  onToggle: (() => void) | undefined;

  /** Adds a track's section; returns its canvas so the owner can bind input to it. */
  add(track: TimelineTrack): StackedTrack {
    const canvas = el('canvas', { className: 'track-canvas' });
    canvas.id = `track-${track.id}-canvas`;
    canvas.setAttribute('aria-label', track.title);
    const box = el('div', { className: 'track-box' }, canvas);
    const collapsible = new Section(
      track.title,
      { className: 'track-view', onToggle: () => this.onToggle?.() },
      box,
    );
    const section = collapsible.root;
    section.dataset.track = track.id;
    const stacked = {
      track,
      section,
      box,
      canvas,
      surface: new CanvasSurface(canvas),
      collapsible,
    };
    this.tracks.push(stacked);
    this.root.append(section);
    return stacked;
  }

  /** The narrowest width (CSS px) of the shown tracks' boxes (a scrollbar narrows one), or 0. */
  widthPx(): number {
    let widthPx = 0;
    for (const t of this.tracks) {
      const w = t.box.clientWidth;
      if (w > 0 && (widthPx === 0 || w < widthPx)) {
        widthPx = w;
      }
    }
    return widthPx;
  }

  /** Draws every visible track on the shared axis (hidden ones get `hidden`). */
  draw(model: TraceModel, scale: TimeScale, theme: Theme, ticks: Tick[], widthPx: number): void {
    for (const t of this.tracks) {
      let visible = false;
      try {
        visible = t.track.visible(model);
        setIfChanged(t.section, 'hidden', !visible);
        if (!visible || !t.collapsible.expanded) {
          continue;
        }
        const heightPx = Math.max(1, Math.round(t.track.heightPx(model)));
        const boxWidthPx = t.box.clientWidth || widthPx;
        const ctx = t.surface.begin(boxWidthPx, heightPx, theme.background);
        drawGrid(ctx, ticks, scale, theme, boxWidthPx, heightPx);
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
    setIfChanged(this.root, 'hidden', !this.tracks.some((t) => !t.section.hidden));
  }
}
