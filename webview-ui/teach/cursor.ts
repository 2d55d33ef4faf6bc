/**
 * The replay cursor: a vertical line over the ruler and the Threads lanes at the cursor time,
 * dragged to scrub. A DOM element over the canvases, so moving it repaints no track.
 */
import { el } from '../dom';
import type { TimeScale } from '../timeline/timeScale';

/** The cursor line in the Threads section. */
export class ReplayCursor {
  /** The line's element (`#replay-cursor`). */
  readonly root = el('div', { id: 'replay-cursor', className: 'replay-cursor' });
  private scale: TimeScale | undefined;

  constructor(
    /** The Threads section's body: the overview, the ruler and the lanes' box. */
    private readonly body: HTMLElement,
    private readonly ruler: HTMLElement,
    private readonly box: HTMLElement,
    /** Called with the time under the pointer while the line is dragged. */
    scrub: (timeNs: number) => void,
  ) {
    this.root.hidden = true;
    this.root.setAttribute('role', 'slider');
    this.root.setAttribute('aria-label', 'Replay cursor: drag to scrub');
    body.append(this.root);
    let dragging = false;
    this.root.addEventListener('pointerdown', (ev) => {
      dragging = true;
      this.root.setPointerCapture(ev.pointerId);
      ev.preventDefault();
      ev.stopPropagation();
    });
    this.root.addEventListener('pointermove', (ev) => {
      if (dragging && this.scale) {
        const xPx = ev.clientX - this.box.getBoundingClientRect().left;
        scrub(this.scale.pxToTime(xPx));
      }
    });
    const end = (): void => {
      dragging = false;
    };
    this.root.addEventListener('pointerup', end);
    this.root.addEventListener('pointercancel', end);
  }

  /** Places the line at `timeNs` on `scale` (hidden outside the time area or when off). */
  place(scale: TimeScale, timeNs: number, shown: boolean): void {
    this.scale = scale;
    const xPx = scale.timeToPx(timeNs);
    const visible = shown && Number.isFinite(xPx) && xPx >= scale.startPx && xPx <= scale.endPx;
    this.root.hidden = !visible;
    if (!visible) {
      return;
    }
    const bodyRect = this.body.getBoundingClientRect();
    const boxRect = this.box.getBoundingClientRect();
    const topPx = this.ruler.getBoundingClientRect().top - bodyRect.top;
    this.root.style.left = `${boxRect.left - bodyRect.left + xPx}px`;
    this.root.style.top = `${topPx}px`;
    this.root.style.height = `${boxRect.bottom - bodyRect.top - topPx}px`;
    this.root.setAttribute('aria-valuenow', String(Math.round(timeNs)));
  }
}
