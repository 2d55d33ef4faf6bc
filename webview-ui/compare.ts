/**
 * Entry of the Compare view (dist/compare.js): two traces one above the other, each with its
 * own timeline, on one time axis (compareSync.ts), under a header of the deltas computed by the
 * code `compare --json` runs (src/model/compare.ts). Read-only: hover and click-to-source go to
 * the host as in the panel; nothing runs, nothing is saved.
 */
import { compareTraces } from '../src/model/compare';
import { OP_KIND_LABELS, OP_KINDS, opKindOf } from '../src/model/opKinds';
import type { CompareState, FromWebviewMessage, ToCompareMessage } from '../src/shared/protocol';
import { compareHeader } from './compareHeader';
import { CompareSideView } from './compareSide';
import { WindowSync } from './compareSync';
import { installCompareTestHooks } from './compareTestHooks';
import { el } from './dom';
import { watchTheme } from './theme';
import { CompareHost } from './compareHost';

const host = new CompareHost();
const swatches = OP_KINDS.map((kind) => el('span', { className: `swatch kind-${kind}` }));
const legendItems = OP_KINDS.map((kind, i) =>
  el(
    'li',
    { className: 'legend-item absent' },
    swatches[i],
    document.createTextNode(OP_KIND_LABELS[kind]),
  ),
);
const legend = el('ul', { id: 'legend', className: 'legend' }, ...legendItems);
legend.setAttribute('aria-label', 'Operation kinds');
const title = el('span', { id: 'title', className: 'title', text: 'Compare' });
const note = el('span', {
  className: 'command',
  text: 'both runs aligned at their launch, on one time axis: zoom, pan and Fit move both',
});
const toolbar = el(
  'header',
  { className: 'toolbar' },
  el('div', { className: 'heading' }, title, note),
  legend,
);
const headerSlot = el('div', { className: 'compare-header-slot' });

/** Source requests of both sides share the host's id space: each id remembers its side. */
const pendingSources = new Map<number, { side: CompareSideView; id: number }>();
let nextSourceId = 1;
function poster(side: () => CompareSideView): (message: FromWebviewMessage) => void {
  return (message) => {
    if (message.type === 'source') {
      const id = nextSourceId++;
      pendingSources.set(id, { side: side(), id: message.id });
      host.post({ ...message, id });
    } else {
      host.post(message);
    }
  };
}

function tooltipElement(): HTMLElement {
  const tooltip = el('div', { className: 'tooltip' });
  tooltip.setAttribute('role', 'tooltip');
  tooltip.hidden = true;
  return tooltip;
}
const tooltips = [tooltipElement(), tooltipElement()];
const sides: CompareSideView[] = [];
sides.push(
  new CompareSideView(
    'a',
    'A',
    swatches,
    tooltips[0],
    poster(() => sides[0]),
  ),
  new CompareSideView(
    'b',
    'B',
    swatches,
    tooltips[1],
    poster(() => sides[1]),
  ),
);
document.body.classList.add('compare');
const app = document.getElementById('app') ?? document.body;
app.append(toolbar, headerSlot, sides[0].root, sides[1].root, ...tooltips);
for (const side of sides) {
  side.view.refreshTheme();
}

/** The side under the pointer (-1: neither): its window leads when a key moves both. */
let pointerOver = -1;
sides.forEach((side, index) => {
  side.root.addEventListener('pointerenter', () => (pointerOver = index));
  side.root.addEventListener('pointerleave', () => {
    if (pointerOver === index) {
      pointerOver = -1;
    }
  });
});
const sync = new WindowSync(
  sides.map((s) => s.view.window),
  () => sides.map((s) => ({ startNs: s.store.model.startNs, endNs: s.store.model.endNs })),
  (index) => sides[index].view.requestRedraw(),
  () => (pointerOver < 0 ? undefined : pointerOver),
);
sides.forEach((side, index) =>
  side.view.onWindowChange((change) => {
    if (!change.warmUp) {
      sync.drawn(index);
    }
  }),
);

/** Shows both traces and their deltas. */
function show(message: Extract<ToCompareMessage, { type: 'compare' }>): void {
  sides[0].load(message.a);
  sides[1].load(message.b);
  if (message.a.uri && message.b.uri) {
    // Two files: a window reload reads them again (src/editor/compareCommands.ts restore).
    const state: CompareState = { compare: { a: message.a.uri, b: message.b.uri } };
    host.keep(state);
  }
  sync.fitAll();
  title.textContent = `Compare: ${message.a.name} → ${message.b.name}`;
  const present = new Set<number>();
  for (const side of sides) {
    for (const type of side.store.model.types) {
      present.add(OP_KINDS.indexOf(opKindOf(type)));
    }
  }
  legendItems.forEach((item, i) => item.classList.toggle('absent', !present.has(i)));
  const [a, b] = sides;
  const { comparison, findings } = compareTraces(
    { file: a.name, model: a.store.model, ...(a.error ? { error: a.error } : {}) },
    { file: b.name, model: b.store.model, ...(b.error ? { error: b.error } : {}) },
  );
  headerSlot.replaceChildren(compareHeader(comparison, findings));
  if (CV_TEST_HOOKS) {
    installCompareTestHooks(sides, comparison);
  }
}

window.addEventListener('message', (event: MessageEvent<ToCompareMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
    return;
  }
  if (message.type === 'compare') {
    show(message);
  } else if (message.type === 'sourceText') {
    const pending = pendingSources.get(message.id);
    pendingSources.delete(message.id);
    pending?.side.sourceText({ ...message, id: pending.id });
  }
});

watchTheme(() => sides.forEach((side) => side.view.refreshTheme()));
host.post({ type: 'ready' });
