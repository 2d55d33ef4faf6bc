/**
 * Entry of the cores chart's worker (bundled apart, see scripts/webviewBundle.js): owns the
 * chart's OffscreenCanvas and draws the specs the page posts, one at a time.
 */
import { CoresChartRenderer, type ChartSpec, type DrawnChart } from './coresChartRenderer';

/** Page -> worker. */
export type ToChartWorker =
  | { type: 'init'; canvas: OffscreenCanvas }
  | { type: 'draw'; spec: ChartSpec; warm?: ChartSpec[] }
  | { type: 'reset' };

/** Worker -> page. */
export type FromChartWorker =
  { type: 'drawn'; drawn: DrawnChart } | { type: 'failed'; seq: number; message: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToChartWorker>) => void) | null;
  postMessage(message: FromChartWorker): void;
};

let renderer: CoresChartRenderer | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    renderer = new CoresChartRenderer(message.canvas);
  } else if (message.type === 'reset') {
    renderer?.destroy();
  } else if (message.type === 'draw' && renderer) {
    try {
      // Warm-up charts first, in this task: the canvas shows only the last one drawn.
      const r = renderer;
      message.warm?.forEach((spec) => r.draw(spec));
      scope.postMessage({ type: 'drawn', drawn: renderer.draw(message.spec) });
    } catch (err) {
      scope.postMessage({
        type: 'failed',
        seq: message.spec.seq,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
};
