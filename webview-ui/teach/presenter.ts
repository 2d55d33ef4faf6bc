/**
 * Presenter mode: the tracks magnified through the RenderContext (uiScale), the DOM text larger
 * and the colours high-contrast through panel.css (`body.presenter` overrides the theme's
 * variables, which the canvases read back), OS threads that never ran folded away (the
 * OS-threads layout), toggled live: the window and the selection stay.
 */
import { osLaneOptions } from '../parallelism/osThreadLayout';

/** The magnification of presenter mode: 12 px canvas labels become 24 px. */
export const PRESENTER_SCALE = 2;

/** What presenter mode changes outside the CSS. */
export interface PresenterTarget {
  setUiScale(uiScale: number): void;
  /** Re-reads the theme (the canvases' colours) after the CSS changed. */
  refreshTheme(): void;
}

/** Presenter mode's switch. */
export class Presenter {
  private on = false;

  constructor(
    private readonly target: PresenterTarget,
    private readonly shown: (on: boolean) => void,
  ) {}

  /** Whether presenter mode is on. */
  get enabled(): boolean {
    return this.on;
  }

  /** Turns presenter mode on or off. */
  set(on: boolean): void {
    this.on = on;
    document.body.classList.toggle('presenter', on);
    osLaneOptions.foldIdle = on;
    this.target.setUiScale(on ? PRESENTER_SCALE : 1);
    this.target.refreshTheme();
    this.shown(on);
  }
}
