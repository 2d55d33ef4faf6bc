/** Colours of the OS-thread kinds, read back from their legend swatches (panel.css decides). */
import { OS_THREAD_KIND_LABELS, OS_THREAD_KINDS } from '../../src/model/threadKinds';
import { el } from '../dom';

/**
 * Fill per OS-thread kind (index into OS_THREAD_KINDS), as CSS colour strings, and after them
 * (index OTHER_PROCESSES) the colour of other processes.
 */
export type KindColors = string[];

/** Index in KindColors of other processes' colour (after every kind). */
export const OTHER_PROCESSES = OS_THREAD_KINDS.length;

/**
 * A legend of the OS-thread kinds: one swatch per kind, coloured by panel.css
 * (`.os-kind-main`...), so the canvases and the chart can read the same colours back.
 */
export class KindLegend {
  /** The `<ul>` to put in the panel. */
  readonly root: HTMLElement;
  private readonly swatches: HTMLElement[];
  /** Other processes' swatch: the theme's muted foreground, set when read (no CSS class). */
  private readonly otherSwatch = el('span', { className: 'swatch' });

  constructor() {
    this.swatches = OS_THREAD_KINDS.map((kind) =>
      el('span', { className: `swatch os-kind-${kind}` }),
    );
    this.root = el(
      'ul',
      { className: 'legend pl-legend' },
      ...OS_THREAD_KINDS.map((kind, i) =>
        el(
          'li',
          { className: 'legend-item' },
          this.swatches[i],
          el('span', { text: OS_THREAD_KIND_LABELS[kind] }),
        ),
      ),
      el(
        'li',
        { className: 'legend-item' },
        this.otherSwatch,
        el('span', { text: 'other processes (chart)' }),
      ),
    );
    this.root.setAttribute('aria-label', 'OS thread kinds');
  }

  /** The current colours (call after the legend is attached, and again on theme change). */
  read(): KindColors {
    const muted =
      getComputedStyle(document.body).getPropertyValue('--vscode-descriptionForeground').trim() ||
      '#9d9d9d';
    const other = withAlpha(muted, 0.45);
    this.otherSwatch.style.backgroundColor = other;
    return [...this.swatches.map((s) => getComputedStyle(s).backgroundColor || '#888888'), other];
  }
}

/** The colour with an alpha, for rgb()/rgba()/#rrggbb input (unchanged if unreadable). */
export function withAlpha(color: string, alpha: number): string {
  const m = /rgba?\(([^)]+)\)/.exec(color);
  if (m) {
    const [r, g, b] = m[1].split(/[ ,/]+/).map(Number);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  if (/^#[0-9a-f]{6}$/i.test(color)) {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}
