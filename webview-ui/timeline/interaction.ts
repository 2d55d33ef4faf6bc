/** Pointer and keyboard input on the timeline: zoom, pan, range selection, fit, hover, click. */
import type { TimeScale } from './timeScale';
import type { TimeWindow } from './timeWindow';

/** What a timeline canvas needs from its owner to turn input into view changes. */
export interface InputHost {
  window: TimeWindow;
  /** The scale the canvases were last drawn with. */
  scale(): TimeScale;
  redraw(): void;
  /** The user zoomed or panned (the owner decides whether to keep following the live edge). */
  moved(): void;
  /** The pointer is at (xPx, yPx) relative to the element, or left it (undefined). */
  hover(xPx: number, yPx: number, clientX: number, clientY: number): void;
  leave(): void;
  click(xPx: number, yPx: number): void;
  /** A range is being selected (shift+drag), from `startNs` to `endNs`; `done` on release. */
  selectRange(startNs: number, endNs: number, done: boolean): void;
}

/** Keyboard actions beyond zoom and pan. */
export interface KeyHost extends Pick<InputHost, 'window' | 'scale' | 'redraw' | 'moved'> {
  /** Time under the pointer if it is over the timeline, else undefined. */
  pointerNs(): number | undefined;
  fit(): void;
  zoomToSelection(): void;
  clearSelection(): void;
  step(dir: 1 | -1): void;
  focusSearch(): void;
}

interface Drag {
  pointerId: number;
  startClientX: number;
  startXPx: number;
  startNs: number;
  endNs: number;
  nsPerPx: number;
  moved: boolean;
  /** Shift+drag (or a drag on the ruler) selects a range instead of panning. */
  range: boolean;
}

/**
 * Binds zoom, pan and range selection to one element. The wheel zooms around the pointer
 * (plain or with ctrl/cmd, as Perfetto; shift or a horizontal wheel pans); with
 * `wheelScrolls`, a plain vertical wheel is left to the browser to scroll rows. Dragging pans,
 * shift+drag selects a range (`dragSelects`: a plain drag does), a press without a drag is a
 * click, double-click fits.
 */
export function bindTimelineInput(
  element: HTMLElement,
  host: InputHost,
  wheelScrolls: boolean,
  dragSelects = false,
): void {
  let drag: Drag | undefined;
  const local = (ev: MouseEvent): [number, number] => {
    const rect = element.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  };
  element.addEventListener(
    'wheel',
    (ev) => {
      const horizontal = (ev.shiftKey && !ev.ctrlKey) || Math.abs(ev.deltaX) > Math.abs(ev.deltaY);
      if (wheelScrolls && !ev.ctrlKey && !ev.metaKey && !horizontal) {
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
        const anchorNs = scale.pxToTime(Math.max(xPx, scale.startPx));
        const deltaPx = Math.max(-300, Math.min(300, ev.deltaY * unitPx));
        host.window.zoomAround(anchorNs, Math.exp(deltaPx * 0.002));
      }
      host.moved();
      host.redraw();
    },
    { passive: false },
  );
  element.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) {
      return;
    }
    const scale = host.scale();
    const [xPx] = local(ev);
    drag = {
      pointerId: ev.pointerId,
      startClientX: ev.clientX,
      startXPx: Math.max(xPx, scale.startPx),
      startNs: host.window.startNs,
      endNs: host.window.endNs,
      nsPerPx: scale.nsPerPx,
      moved: false,
      range: ev.shiftKey || dragSelects,
    };
    element.setPointerCapture(ev.pointerId);
  });
  element.addEventListener('pointermove', (ev) => {
    if (drag && drag.pointerId === ev.pointerId) {
      const dxPx = ev.clientX - drag.startClientX;
      if (!drag.moved && Math.abs(dxPx) > 3) {
        drag.moved = true;
        element.classList.add(drag.range ? 'selecting' : 'dragging');
        host.leave();
      }
      if (drag.moved) {
        if (drag.range) {
          const scale = host.scale();
          const [xPx] = local(ev);
          host.selectRange(
            scale.pxToTime(drag.startXPx),
            scale.pxToTime(Math.max(xPx, scale.startPx)),
            false,
          );
        } else {
          host.window.set(drag.startNs - dxPx * drag.nsPerPx, drag.endNs - dxPx * drag.nsPerPx);
          host.moved();
        }
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
    const ended = drag;
    drag = undefined;
    element.classList.remove('dragging', 'selecting');
    if (element.hasPointerCapture(ev.pointerId)) {
      element.releasePointerCapture(ev.pointerId);
    }
    if (ended.moved && ended.range && !cancelled) {
      const scale = host.scale();
      const [xPx] = local(ev);
      host.selectRange(
        scale.pxToTime(ended.startXPx),
        scale.pxToTime(Math.max(xPx, scale.startPx)),
        true,
      );
      host.redraw();
    } else if (!ended.moved && !cancelled) {
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

/** True when a key press is meant for a form control, not the timeline. */
function typing(ev: KeyboardEvent): boolean {
  const target = ev.target as HTMLElement | null;
  const tag = target?.tagName;
  return (
    tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || target?.isContentEditable === true
  );
}

/**
 * Keys for the whole panel (as Perfetto): W/S zoom around the pointer, A/D pan, 0 fits, F zooms
 * to the selection, Escape clears it, N / Shift+N step through search matches, / searches.
 * + / - and the arrow keys work too.
 */
export function bindTimelineKeys(host: KeyHost): void {
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev)) {
      return;
    }
    const w = host.window;
    const anchorNs = host.pointerNs() ?? (w.startNs + w.endNs) / 2;
    const stepNs = (w.endNs - w.startNs) * 0.15;
    let moved = true;
    switch (ev.key) {
      case '0':
        host.fit();
        moved = false;
        break;
      case 'w':
      case 'W':
      case '+':
      case '=':
        w.zoomAround(anchorNs, 1 / 1.5);
        break;
      case 's':
      case 'S':
      case '-':
        w.zoomAround(anchorNs, 1.5);
        break;
      case 'a':
      case 'A':
      case 'ArrowLeft':
        w.panBy(-stepNs);
        break;
      case 'd':
      case 'D':
      case 'ArrowRight':
        w.panBy(stepNs);
        break;
      case 'f':
      case 'F':
        host.zoomToSelection();
        break;
      case 'Escape':
        host.clearSelection();
        moved = false;
        break;
      case 'n':
        host.step(1);
        moved = false;
        break;
      case 'N':
        host.step(-1);
        moved = false;
        break;
      case '/':
        host.focusSearch();
        moved = false;
        break;
      default:
        return;
    }
    ev.preventDefault();
    if (moved) {
      host.moved();
    }
    host.redraw();
  });
}
