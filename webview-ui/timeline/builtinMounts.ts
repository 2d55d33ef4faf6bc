/**
 * The DOM of the built-in views: Threads (with the overview and the ruler above its lanes, in a
 * box that scrolls past a dozen lanes) and Operations (a virtual scroller). Their ids and
 * classes are what panel.css, the tests and automation know.
 */
import { el } from '../dom';
import { Section } from '../section';
import { CanvasSurface } from './canvasSurface';
import { OpsTrack } from './opsTrack';
import { VirtualViewport } from './opsViewport';
import { ThreadsTrack } from './threadsTrack';
import { BoxViewport, type MountedTrack } from './trackMount';

/** The Threads view's track, mounted with the overview and ruler canvases above it. */
export interface ThreadsMount extends MountedTrack {
  track: ThreadsTrack;
  viewport: BoxViewport;
  overview: HTMLCanvasElement;
  ruler: HTMLCanvasElement;
}

/** The Operations view's track in its virtual scroller. */
export interface OpsMount extends MountedTrack {
  track: OpsTrack;
  viewport: VirtualViewport;
}

/** Builds the Threads section: overview, ruler, and the lanes' canvas in #threads. */
export function mountThreads(onToggle: () => void): ThreadsMount {
  const overview = el('canvas', { id: 'overview-canvas' });
  const ruler = el('canvas', { id: 'ruler-canvas' });
  const canvas = el('canvas', { id: 'threads-canvas' });
  const box = el('div', { id: 'threads', className: 'threads-box' }, canvas);
  box.dataset.lanes = '0';
  box.dataset.spans = '0';
  overview.setAttribute('aria-label', 'Overview of the whole run; click to move the view');
  canvas.setAttribute('aria-label', 'Callbacks on each JS thread over time');
  canvas.tabIndex = 0;
  const track = new ThreadsTrack();
  const section = new Section(
    track.title,
    { className: 'threads-view', onToggle },
    overview,
    ruler,
    box,
  );
  return {
    track,
    section,
    surface: new CanvasSurface(canvas),
    viewport: new BoxViewport(box),
    wheelScrolls: false,
    gutterRule: false,
    rangeShaded: true,
    overview,
    ruler,
  };
}

/** Builds the Operations section: #ops scrolls a spacer, #ops-canvas draws the rows in view. */
export function mountOps(onToggle: () => void): OpsMount {
  const canvas = el('canvas', { id: 'ops-canvas' });
  const spacer = el('div', { className: 'ops-spacer' });
  const box = el('div', { id: 'ops', className: 'ops-scroll' }, canvas, spacer);
  const count = el('span', { id: 'ops-count', className: 'view-count' });
  canvas.setAttribute('aria-label', 'Async operations over time');
  const track = new OpsTrack();
  const section = new Section(
    track.title,
    { className: 'ops-view', extras: [count], onToggle },
    box,
  );
  return {
    track,
    section,
    surface: new CanvasSurface(canvas),
    viewport: new VirtualViewport(box, spacer),
    count,
    wheelScrolls: true,
    gutterRule: false,
    rangeShaded: true,
  };
}
