/** Colours and fonts for the canvases, read from VS Code's --vscode-* variables. */
import { OP_KINDS } from '../src/model/opKinds';

/** What the canvases paint with; re-read whenever VS Code changes the theme. */
export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  laneBackground: string;
  focus: string;
  hoverRow: string;
  /** Background of the selected operation's row. */
  selectedRow: string;
  /** Fill over a selected time range (translucent). */
  rangeFill: string;
  /** Causality arrows: from the creator, to the operations created. */
  flowIn: string;
  flowOut: string;
  /** Outline for every box in high-contrast themes, else undefined. */
  contrastBorder: string | undefined;
  /** Canvas font for labels. */
  font: string;
  /** Fill per op kind (index into OP_KINDS). */
  kinds: string[];
  /** Readable text colour on each kind's fill. */
  kindText: string[];
  /** Bumped on every read, so cached patterns know when to rebuild. */
  version: number;
}

let version = 0;

/**
 * Reads the theme. Kind colours come from the legend swatches (panel.css maps each kind to a
 * --vscode-charts-* colour), so the CSS is the one place that says which kind gets which colour.
 */
export function readTheme(kindSwatches: HTMLElement[]): Theme {
  const body = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string =>
    body.getPropertyValue(name).trim() || fallback;
  const highContrast =
    document.body.classList.contains('vscode-high-contrast') ||
    document.body.classList.contains('vscode-high-contrast-light');
  const contrastBorder = v('--vscode-contrastBorder', highContrast ? '#6fc3df' : '');
  const kinds = OP_KINDS.map((_, i) => {
    const el = kindSwatches[i];
    return (el && getComputedStyle(el).backgroundColor) || '#888888';
  });
  const family = body.fontFamily || 'sans-serif';
  const size = parseFloat(body.fontSize) || 13;
  return {
    background: v('--vscode-editor-background', body.backgroundColor || '#1e1e1e'),
    foreground: v('--vscode-foreground', body.color || '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    grid: v('--vscode-editorIndentGuide-background', 'rgba(128, 128, 128, 0.25)'),
    laneBackground: v('--vscode-editorWidget-background', 'rgba(128, 128, 128, 0.08)'),
    focus: v('--vscode-focusBorder', '#007fd4'),
    hoverRow: v('--vscode-list-hoverBackground', 'rgba(128, 128, 128, 0.15)'),
    selectedRow: v('--vscode-list-inactiveSelectionBackground', 'rgba(128, 128, 128, 0.3)'),
    rangeFill: v('--vscode-editor-selectionBackground', 'rgba(38, 79, 120, 0.6)'),
    flowIn: v('--vscode-charts-orange', '#d18616'),
    flowOut: v('--vscode-focusBorder', '#007fd4'),
    contrastBorder: contrastBorder || undefined,
    font: `${Math.max(10, Math.round(size * 0.92))}px ${family}`,
    kinds,
    kindText: kinds.map((c) => (luminance(c) > 0.45 ? '#000000' : '#ffffff')),
    version: ++version,
  };
}

/** Relative luminance (0..1) of an rgb()/rgba()/#rrggbb colour; 0.5 when unreadable. */
function luminance(color: string): number {
  let rgb: number[] | undefined;
  const m = /rgba?\(([^)]+)\)/.exec(color);
  if (m) {
    rgb = m[1]
      .split(/[ ,/]+/)
      .slice(0, 3)
      .map(Number);
  } else if (/^#[0-9a-f]{6}/i.test(color)) {
    rgb = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  }
  if (!rgb || rgb.some((c) => Number.isNaN(c))) {
    return 0.5;
  }
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Calls `onChange` when VS Code switches theme (body class or the variables on <html>). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
