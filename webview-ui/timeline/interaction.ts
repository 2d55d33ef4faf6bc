/** Pointer and keyboard input on the timeline: wheel zoom, drag pan, fit, hover and click. */
import { GUTTER_PX } from './layout';
import type { TimeScale } from './timeScale';
import type { TimeWindow } from './timeWindow';

/** What a timeline canvas needs from its owner to turn input into view changes. */
export interface InputHost {
  window: TimeWindow;
  /** The scale the canvases were last drawn with. */
  scale(): TimeScale;
  redraw(): void;
  /** The pointer is at (xPx, yPx) relative to the element, or left it (undefined). */
  hover(xPx: number, yPx: number, clientX: number, clientY: number): void;
  leave(): void;
  click(xPx: number, yPx: number): void;
}

interface Drag {
  pointerId: number;
  startClientX: number;
  startNs: number;
  endNs: number;
  nsPerPx: number;
  moved: boolean;
}

/**
 * Binds zoom and pan to one element. Wheel zooms around the pointer (shift or a horizontal
 * wheel pans); with `wheelScrolls`, a plain vertical wheel is left to the browser to scroll rows
 * and ctrl+wheel zooms. Dragging pans; a press without a drag is a click; double-click fits.
 */
export function bindTimelineInput(
  element: HTMLElement,
  host: InputHost,
  wheelScrolls: boolean,
): void {
  let drag: Drag | undefined;
  const local = (ev: MouseEvent): [number, number] => {
    const rect = element.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  element.addEventListener(
    'wheel',
    (ev) => {
      const horizontal = ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY);
      if (wheelScrolls && !ev.ctrlKey && !horizontal) {
        return;
      }
      ev.preventDefault();
      const unitPx = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1;
      const scale = host.scale();
      if (horizontal) {
        const deltaPx =
          (Math.abs(ev.deltaX) > Math.abs(ev.deltaY) ? ev.deltaX : ev.deltaY) * unitPx;
        host.window.panBy(deltaPx * scale.nsPerPx);
      } else {
        const [xPx] = local(ev);
        const anchorNs = scale.pxToTime(Math.max(xPx, GUTTER_PX));
        host.window.zoomAround(anchorNs, Math.exp(ev.deltaY * unitPx * 0.002));
      }
      host.redraw();
    },
    { passive: false },
  );
  element.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) {
      return;
    }
    const scale = host.scale();
    drag = {
      pointerId: ev.pointerId,
      startClientX: ev.clientX,
      startNs: host.window.startNs,
      endNs: host.window.endNs,
      nsPerPx: scale.nsPerPx,
      moved: false,
    };
    element.setPointerCapture(ev.pointerId);
  });
  element.addEventListener('pointermove', (ev) => {
    if (drag && drag.pointerId === ev.pointerId) {
      const dxPx = ev.clientX - drag.startClientX;
      if (!drag.moved && Math.abs(dxPx) > 3) {
        drag.moved = true;
        element.classList.add('dragging');
        host.leave();
      }
      if (drag.moved) {
        host.window.set(drag.startNs - dxPx * drag.nsPerPx, drag.endNs - dxPx * drag.nsPerPx);
        host.redraw();
        return;
      }
    }
    const [xPx, yPx] = local(ev);
    host.hover(xPx, yPx, ev.clientX, ev.clientY);
  });
  const endDrag = (ev: PointerEvent, cancelled: boolean): void => {
    if (!drag || drag.pointerId !== ev.pointerId) {
      return;
    }
    const wasClick = !drag.moved && !cancelled;
    drag = undefined;
    element.classList.remove('dragging');
    if (element.hasPointerCapture(ev.pointerId)) {
      element.releasePointerCapture(ev.pointerId);
    }
    if (wasClick) {
      const [xPx, yPx] = local(ev);
      host.click(xPx, yPx);
    }
  };
  element.addEventListener('pointerup', (ev) => endDrag(ev, false));
  element.addEventListener('pointercancel', (ev) => endDrag(ev, true));
  element.addEventListener('pointerleave', () => {
    if (!drag) {
      host.leave();
    }
  });
  element.addEventListener('dblclick', () => {
    host.window.follow();
    host.redraw();
  });
}

/** Keys for the whole panel: 0 fits, + and - zoom, arrows pan. */
export function bindTimelineKeys(host: Pick<InputHost, 'window' | 'scale' | 'redraw'>): void {
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) {
      return;
    }
    const w = host.window;
    const centreNs = (w.startNs + w.endNs) / 2;
    const stepNs = (w.endNs - w.startNs) * 0.1;
    switch (ev.key) {
      case '0':
        w.follow();
        break;
      case '+':
      case '=':
        w.zoomAround(centreNs, 1 / 1.5);
        break;
      case '-':
        w.zoomAround(centreNs, 1.5);
        break;
      case 'ArrowLeft':
        w.panBy(-stepNs);
        break;
      case 'ArrowRight':
        w.panBy(stepNs);
        break;
      default:
        return;
    }
    ev.preventDefault();
    host.redraw();
  });
}
