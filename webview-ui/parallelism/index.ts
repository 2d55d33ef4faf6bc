/**
 * The parallelism views: OS-thread lanes and core lanes (timeline tracks), the cores chart
 * aligned under them, and the verdict in numbers. `installParallelism` wires them to a host.
 */
import type { FromWebviewMessage } from '../../src/shared/protocol';
import { el } from '../dom';
import { Section } from '../section';
import { watchTheme } from '../theme';
import type { TimelineHost } from '../timeline/track';
import { CoreLanesTrack } from './coreLanesTrack';
import { CoresChart } from './coresChart';
import { KindLegend, type KindColors } from './kindColors';
import { OsThreadsTrack } from './osThreadsTrack';
import { SummaryPanel } from './summaryPanel';

/** What `installParallelism` built, for the caller to keep or test. */
export interface Parallelism {
  root: HTMLElement;
  osThreads: OsThreadsTrack;
  coreLanes: CoreLanesTrack;
  chart: CoresChart;
  summary: SummaryPanel;
}

/**
 * Adds the OS-thread and core tracks to `host`, and the cores chart and summary to
 * `container`; the chart follows the host's window. `post` receives jumps to source.
 */
export function installParallelism(
  host: TimelineHost,
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
  });
  watchTheme(() => {
    colors = undefined;
    chart.invalidate();
    host.requestRedraw();
  });
  return { root, osThreads, coreLanes, chart, summary };
}
