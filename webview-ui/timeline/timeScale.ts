/** The one place that converts between time and pixels; pure, no DOM. */

/**
 * Maps a window of time (ns since the session epoch) onto a horizontal range of CSS pixels.
 * Every view draws and hit-tests through one of these, so both views line up exactly.
 */
export class TimeScale {
  /** CSS pixels per nanosecond. */
  readonly pxPerNs: number;

  constructor(
    /** Time at `startPx`. */
    readonly startNs: number,
    /** Time at `endPx`. */
    readonly endNs: number,
    /** Left edge of the time area, CSS px from the canvas's left. */
    readonly startPx: number,
    /** Right edge of the time area, CSS px from the canvas's left. */
    readonly endPx: number,
  ) {
    const spanNs = Math.max(endNs - startNs, 1e-9);
    this.pxPerNs = Math.max(endPx - startPx, 1) / spanNs;
  }

  /** Nanoseconds per CSS pixel. */
  get nsPerPx(): number {
    return 1 / this.pxPerNs;
  }

  /** The x (CSS px) of a time. */
  timeToPx(timeNs: number): number {
    return this.startPx + (timeNs - this.startNs) * this.pxPerNs;
  }

  /** The time at an x (CSS px). */
  pxToTime(xPx: number): number {
    return this.startNs + (xPx - this.startPx) / this.pxPerNs;
  }

  /** The width (CSS px) of a duration. */
  durationToPx(durationNs: number): number {
    return durationNs * this.pxPerNs;
  }
}

/** A ruler tick: where it is and what it says. */
export interface Tick {
  timeNs: number;
  label: string;
}

const UNITS = [
  { ns: 1, name: 'ns' },
  { ns: 1e3, name: 'µs' },
  { ns: 1e6, name: 'ms' },
  { ns: 1e9, name: 's' },
  { ns: 60e9, name: 'min' },
];

/**
 * Ticks at a round step (1, 2 or 5 times a power of ten ns) at least `minGapPx` apart, labelled
 * in the unit that suits the times shown, e.g. "20 ms", "1.5 s", "250 µs", "5.05 ms".
 */
export function rulerTicks(scale: TimeScale, minGapPx = 80): Tick[] {
  const minStepNs = minGapPx * scale.nsPerPx;
  let stepNs = Math.pow(10, Math.floor(Math.log10(Math.max(minStepNs, 1e-3))));
  for (const m of [1, 2, 5, 10]) {
    if (stepNs * m >= minStepNs) {
      stepNs *= m;
      break;
    }
  }
  stepNs = Math.max(stepNs, 1);
  // The unit suits the magnitude of the times shown ("5.05 ms", not "5050 µs"); the decimals
  // suit the step.
  const magnitudeNs = Math.max(Math.abs(scale.startNs), Math.abs(scale.endNs), stepNs);
  const unit = [...UNITS].reverse().find((u) => magnitudeNs >= u.ns) ?? UNITS[0];
  const decimals = Math.min(9, Math.max(0, Math.ceil(-Math.log10(stepNs / unit.ns) - 1e-9)));
  const ticks: Tick[] = [];
  const first = Math.ceil(scale.startNs / stepNs) * stepNs;
  const minutes = unit.name === 'min' && stepNs >= 1e9;
  for (let timeNs = first; timeNs <= scale.endNs && ticks.length < 1000; timeNs += stepNs) {
    const value = timeNs / unit.ns;
    ticks.push({
      timeNs,
      label: minutes ? minuteLabel(timeNs) : `${value.toFixed(decimals)} ${unit.name}`,
    });
  }
  return ticks;
}

/** "2m 30s" (or "2m") for a time of whole seconds past a minute. */
function minuteLabel(timeNs: number): string {
  const totalS = Math.round(timeNs / 1e9);
  const m = Math.floor(totalS / 60);
  const sec = totalS - m * 60;
  return sec ? `${m}m ${sec}s` : `${m}m`;
}
