/**
 * The parallelism views: OS-thread lanes and core lanes (timeline tracks), the cores chart
 * aligned under them, and the verdict in numbers. `installParallelism` wires them to a host.
 */
import type { TraceModel } from '../../src/model/traceModel';
import type { FromWebviewMessage } from '../../src/shared/protocol';
import type { CvDebug } from '../debugHook';
import { el } from '../dom';
import { Section } from '../section';
import { watchTheme } from '../theme';
import type { TimelineHost } from '../timeline/track';
import { CoreLanesTrack } from './coreLanesTrack';
import { CoresChart } from './coresChart';
import { KindLegend, type KindColors } from './kindColors';
import { OsThreadsTrack } from './osThreadsTrack';
import { SummaryPanel } from './summaryPanel';

/** One OS-thread lane as tests and automation see it. */
export interface LaneInfo {
  pid: number;
  tid: number;
  kind: string;
  basis: string;
  text: string;
  /** Client y of the lane's middle, once drawn. */
  clientY: number | undefined;
}

/** `window.cvDebug.parallelism`: alignment and lanes, for tests and automation. */
export interface ParallelismDebug {
  /** Client x of a time on the cores chart's axis. */
  chartXForTime(timeNs: number): number | undefined;
  /** True while the cores chart has not drawn the newest window yet (its worker is behind). */
  chartPending(): boolean;
  /** True when the cores chart draws in a worker (false: on the page). */
  chartInWorker(): boolean;
  /** The window the cores chart last drew (ms), once drawn. */
  chartWindow(): { startMs: number; endMs: number } | undefined;
  /** Warm-up charts drawn so far (TimelineView.warmUp). */
  chartWarmUpDraws(): number;
  /** Client x of a time on the OS-threads track. */
  trackXForTime(timeNs: number): number | undefined;
  /** The OS-thread lanes, top to bottom. */
  lanes(): LaneInfo[];
  /** The window the tracks were last drawn with, ns. */
  timeWindow(): { startNs: number; endNs: number } | undefined;
  /** Core lanes shown? */
  coreLanes(): boolean;
  /** The verdict shown in the summary (after refreshing it). */
  verdict(): string | undefined;
}

declare module '../debugHook' {
  interface CvDebug {
    /** Set by the parallelism views. */
    parallelism?: ParallelismDebug;
  }
}

/** What `installParallelism` built, for the caller to keep or test. */
export interface Parallelism {
  root: HTMLElement;
  osThreads: OsThreadsTrack;
  coreLanes: CoreLanesTrack;
  chart: CoresChart;
  summary: SummaryPanel;
  debug: ParallelismDebug;
}

/**
 * Adds the OS-thread and core tracks to `host`, and the cores chart and summary to
 * `container`; the chart follows the host's window. `post` receives jumps to source.
 */
export function installParallelism(
  host: TimelineHost,
  store: { model: TraceModel },
  container: HTMLElement,
  post?: (message: FromWebviewMessage) => void,
): Parallelism {
  const legend = new KindLegend();
  let colors: KindColors | undefined;
  const readColors = (): KindColors => (colors ??= legend.read());
  const osThreads = new OsThreadsTrack(readColors);
  const coreLanes = new CoreLanesTrack(osThreads.layout, readColors);
  const chart = new CoresChart(readColors);
  const summary = new SummaryPanel((position) => post?.({ type: 'jump', position }));

  const toggle = el('input', { id: 'pl-core-lanes' });
  toggle.type = 'checkbox';
  toggle.addEventListener('change', () => {
    coreLanes.enabled = toggle.checked;
    host.requestRedraw();
  });
  const toggleLabel = el(
    'label',
    { className: 'pl-toggle' },
    toggle,
    el('span', { text: 'Core lanes' }),
  );
  toggleLabel.title = 'One lane per CPU core: which kind of thread held it (approximate)';
  const chartSection = new Section(
    'Parallelism',
    {
      id: 'parallelism',
      className: 'pl-view',
      extras: [legend.root, toggleLabel],
      onToggle: () => host.requestRedraw(),
    },
    chart.root,
  );
  const summarySection = new Section(
    'Summary',
    { id: 'pl-summary-section', className: 'pl-summary-view' },
    summary.root,
  );
  const root = chartSection.root;
  container.append(root, summarySection.root);

  const debug: ParallelismDebug = {
    chartXForTime: (timeNs) => chart.clientXOf(timeNs),
    chartPending: () => chart.pending,
    chartInWorker: () => chart.inWorker,
    chartWindow: () => chart.drawnWindow,
    chartWarmUpDraws: () => chart.warmUpDraws,
    trackXForTime: (timeNs) => osThreads.drawnAt.clientXOf(timeNs),
    lanes: () => {
      const layout = osThreads.layout;
      layout.update(store.model);
      return layout.rows
        .filter((r) => r.type === 'thread')
        .map((r) => {
          const t = store.model.os.threads[r.thread];
          const cls = layout.classes[r.thread];
          return {
            pid: t.pid,
            tid: t.tid,
            kind: cls.kind,
            basis: cls.basis,
            text: r.text,
            clientY: osThreads.drawnAt.clientYOf(r.topPx + r.heightPx / 2),
          };
        });
    },
    timeWindow: () => {
      const scale = osThreads.drawnAt.scale;
      return scale && { startNs: scale.startNs, endNs: scale.endNs };
    },
    coreLanes: () => coreLanes.enabled,
    verdict: () => {
      summary.flush();
      return summary.summary?.verdict.text;
    },
  };
  const attachDebug = (): void => {
    // The panel's own hook may be installed after this one: attach to whichever is current.
    const hook: CvDebug | undefined = window.cvDebug;
    if (hook && hook.parallelism !== debug) {
      hook.parallelism = debug;
    }
  };

  host.addTrack(osThreads);
  host.addTrack(coreLanes);
  host.onWindowChange((change) => {
    if (change.warmUp) {
      if (chartSection.expanded) {
        chart.warmUp(change, osThreads.drawnAt);
      }
      return;
    }
    // Core lanes need the sampler's CPU samples.
    toggle.disabled = change.model.os.sampleCount === 0 || !!change.model.os.info?.estimate;
    if (chartSection.expanded) {
      chart.update(change, osThreads.drawnAt);
    }
    summary.update(change.model);
    attachDebug();
  });
  watchTheme(() => {
    colors = undefined;
    chart.invalidate();
    host.requestRedraw();
  });
  attachDebug();
  return { root, osThreads, coreLanes, chart, summary, debug };
}
