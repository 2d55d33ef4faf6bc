/**
 * An example lane, to show (and test) what a new lane takes: this file, implementing
 * TimelineTrack, and one `addTrack` line (laneEntry.ts). It marks where each JS thread started.
 */
import type { TraceModel } from '../../../src/model/traceModel';
import { fitText } from '../../../webview-ui/timeline/canvasSurface';
import { formatDuration, threadLabel } from '../../../webview-ui/format';
import type {
  RenderContext,
  TimelineTrack,
  TrackHit,
  TrackQuery,
} from '../../../webview-ui/timeline/track';

/** The lane's height, CSS px. */
const LANE_PX = 18;
/** How near (CSS px) the pointer must be to a mark to hit it. */
const HIT_PX = 3;

/** One 2-px mark per JS thread at the time its tracer started. */
export class ThreadStartsLane implements TimelineTrack {
  readonly id = 'thread-starts';
  readonly title = 'Thread starts';

  visible(model: TraceModel): boolean {
    return model.threads.length > 0;
  }

  heightPx(): number {
    return LANE_PX;
  }

  draw(rc: RenderContext): void {
    const { ctx, model, scale, theme } = rc;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.foreground;
    fitText(ctx, `${model.threads.length} threads`, 6, LANE_PX / 2, scale.startPx - 12);
    ctx.fillStyle = theme.focus;
    for (const thread of model.threads) {
      const xPx = scale.timeToPx(thread.info.startNs);
      if (xPx >= scale.startPx && xPx <= rc.widthPx) {
        ctx.fillRect(Math.round(xPx) - 1, 0, 2, LANE_PX);
      }
    }
  }

  hitTest(query: TrackQuery, xPx: number): TrackHit | undefined {
    const { model, scale } = query;
    for (const thread of model.threads) {
      if (Math.abs(scale.timeToPx(thread.info.startNs) - xPx) <= HIT_PX) {
        const startedNs = thread.info.startNs - model.startNs;
        return {
          lines: [threadLabel(thread), `started ${formatDuration(startedNs)} into the run`],
        };
      }
    }
    return undefined;
  }
}
