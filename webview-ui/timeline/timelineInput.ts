/**
 * Wires the timeline's input: the ruler (a drag selects a range, a click clears the selection),
 * the overview, the keyboard, and each mounted track's canvas, whose pointer positions become
 * hits of its track (pointer.ts decides what a hit does).
 */
import { bindTimelineInput, bindTimelineKeys, type InputHost } from './interaction';
import { bindOverview, type Overview } from './overview';
import type { TrackPointer } from './pointer';
import type { TimeScale } from './timeScale';
import type { TimeWindow } from './timeWindow';
import type { TrackHit, TrackQuery } from './track';
import { magnified, type MountedTrack } from './trackMount';

/** What the input needs of the timeline. */
export interface TimelineInputHost {
  window: TimeWindow;
  pointer: TrackPointer;
  /** The model, its indexes and the scale the canvases were last drawn with. */
  query(): TrackQuery;
  /** The tracks' magnification (RenderContext.uiScale). */
  uiScale(): number;
  overview(): Overview;
  redraw(): void;
  /** The user zoomed or panned. */
  moved(): void;
  fit(): void;
  zoomToSelection(): void;
  clearSelection(): void;
  selectRange(startNs: number, endNs: number, done: boolean): void;
  step(dir: 1 | -1): void;
  focusSearch(): void;
}

/** Binds input to the timeline's elements; remembers where the pointer is on the time axis. */
export class TimelineInput {
  private pointerXPx: number | undefined;

  constructor(private readonly host: TimelineInputHost) {}

  /** Binds the ruler, the overview and the keyboard. */
  bindAxis(ruler: HTMLCanvasElement, overview: HTMLCanvasElement): void {
    const host = this.host;
    bindTimelineInput(
      ruler,
      this.input(
        () => {},
        () => host.pointer.click({ res: -1 }),
      ),
      false,
      true,
    );
    bindOverview(overview, {
      overview: () => host.overview(),
      centreOn: (timeNs) => {
        host.window.centreOn(timeNs);
        host.moved();
        host.redraw();
      },
      fit: () => host.fit(),
    });
    bindTimelineKeys({
      window: host.window,
      scale: () => this.scale(),
      redraw: () => host.redraw(),
      moved: () => host.moved(),
      pointerNs: () =>
        this.pointerXPx === undefined ? undefined : this.scale().pxToTime(this.pointerXPx),
      fit: () => host.fit(),
      zoomToSelection: () => host.zoomToSelection(),
      clearSelection: () => host.clearSelection(),
      step: (dir) => host.step(dir),
      focusSearch: () => host.focusSearch(),
    });
  }

  /** Binds a track's canvas: hover and click hit-test the track at the pointer. */
  bindTrack(mount: MountedTrack): void {
    const hitAt = (xPx: number, yPx: number): TrackHit | undefined => {
      const query = this.host.query();
      const s = this.host.uiScale();
      const contentPx = mount.track.heightPx(query.model) * s;
      const yContentPx = yPx + mount.viewport.topPx(contentPx);
      if (s === 1) {
        return mount.track.hitTest?.(query, xPx, yContentPx);
      }
      const unscaled = { ...query, scale: magnified(query.scale, s) };
      return mount.track.hitTest?.(unscaled, xPx / s, yContentPx / s);
    };
    const pointer = this.host.pointer;
    const input = this.input(
      (xPx, yPx, clientX, clientY) => pointer.hover(hitAt(xPx, yPx), clientX, clientY),
      (xPx, yPx) => pointer.click(hitAt(xPx, yPx)),
    );
    bindTimelineInput(mount.surface.canvas, input, mount.wheelScrolls);
  }

  private scale(): TimeScale {
    return this.host.query().scale;
  }

  /** Input common to the ruler and the tracks' canvases. */
  private input(
    hover: (xPx: number, yPx: number, clientX: number, clientY: number) => void,
    click: (xPx: number, yPx: number) => void,
  ): InputHost {
    const host = this.host;
    return {
      window: host.window,
      scale: () => this.scale(),
      redraw: () => host.redraw(),
      moved: () => host.moved(),
      hover: (xPx, yPx, clientX, clientY) => {
        this.pointerXPx = xPx >= this.scale().startPx ? xPx : undefined;
        hover(xPx, yPx, clientX, clientY);
      },
      leave: () => {
        this.pointerXPx = undefined;
        host.pointer.leave();
      },
      click,
      selectRange: (startNs, endNs, done) => host.selectRange(startNs, endNs, done),
    };
  }
}
