/** Sizes shared by the views, in CSS px, so the time areas of every view line up. */

/** Width of the label column left of every time area, on a wide panel. */
export const GUTTER_PX = 170;
/** Narrower label columns for panels beside an editor, where time needs the pixels. */
const GUTTER_STEPS: [maxWidthPx: number, gutterPx: number][] = [
  [520, 100],
  [800, 128],
];

/** The label column's width for views `widthPx` wide. */
export function gutterPxFor(widthPx: number): number {
  for (const [maxWidthPx, gutterPx] of GUTTER_STEPS) {
    if (widthPx < maxWidthPx) {
      return gutterPx;
    }
  }
  return GUTTER_PX;
}
/** Height of the time ruler. */
export const RULER_PX = 22;
/** Height of one callback depth in a thread lane. */
export const SPAN_ROW_PX = 18;
/** Space above and below the spans of a lane. */
export const LANE_PAD_PX = 5;
/** Smallest lane height (room for two label lines). */
export const MIN_LANE_PX = 38;
/** Height of one operation row. */
export const OP_ROW_PX = 16;
/** Boxes narrower than this are merged with their neighbours when they share a colour. */
export const MERGE_BELOW_PX = 3;
