/** Sizes shared by the views, in CSS px, so the time areas of every view line up. */

/** Width of the label column left of every time area. */
export const GUTTER_PX = 170;
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
