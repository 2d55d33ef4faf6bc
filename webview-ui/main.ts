/** Entry of the timeline webview: builds the panel and applies the host's messages. */
import { assertNever, type ToWebviewMessage } from '../src/shared/protocol';
import { el } from './dom';
import { FlightRecorderBar } from './flightRecorder';
import { Headline } from './headline';
import { installParallelism } from './parallelism';
import { installTeach } from './teach';
import { installTestHooks } from './testHooks';
import { watchTheme } from './theme';
import { MarksTrack } from './timeline/marksTrack';
import { FlameTrack } from './timeline/flameTrack';
import { TimelineView } from './timeline/timelineView';
import { Toolbar } from './toolbar';
import { TraceStore } from './traceStore';
import { HostChannel } from './vscodeApi';

const host = new HostChannel();
const store = new TraceStore();
const toolbar = new Toolbar((message) => host.post(message));
const tooltip = el('div', { id: 'tooltip', className: 'tooltip' });
tooltip.setAttribute('role', 'tooltip');
tooltip.hidden = true;
const view = new TimelineView(toolbar.swatches, tooltip, (message) => host.post(message));
const headline = new Headline({
  revealSpan: (span) => view.revealSpan(span),
  revealRange: (startNs, endNs) => view.revealRange(startNs, endNs),
  post: (message) => host.post(message),
});
const flightRecorder = new FlightRecorderBar((message) => host.post(message));
const app = document.getElementById('app') ?? document.body;
app.append(toolbar.root, headline.root, toolbar.errorBanner, view.root, tooltip);
app.insertBefore(flightRecorder.root, headline.root);
// Colours are read from the legend swatches, which resolve only once attached.
view.refreshTheme();

const restored = host.restored();
if (restored) {
  toolbar.setSession(restored.session);
}

/** Applies one message from the extension host. */
function apply(message: ToWebviewMessage): void {
  switch (message.type) {
    case 'hydrate': {
      const error = store.hydrate(message.session, message.status, message.chunks ?? []);
      if (message.persist) {
        host.persist(message.persist);
      }
      toolbar.setSession(message.session);
      toolbar.setStatus(message.status);
      toolbar.showError(error);
      view.setModel(store.model);
      view.setStatus(message.status);
      teach.reset();
      flightRecorder.setState(undefined); // the host sends it again after a hydrate
      // After the first paint (the frame's draw runs first; the timeout after the frame).
      const model = store.model;
      requestAnimationFrame(() => setTimeout(() => store.compactIfFinished(model), 0));
      break;
    }
    case 'append': {
      const error = store.append(message.chunk);
      if (error) {
        toolbar.showError(error);
      }
      view.requestRedraw();
      break;
    }
    case 'status':
      store.status = message.status;
      toolbar.setStatus(message.status);
      view.setStatus(message.status);
      break;
    case 'error':
      toolbar.showError(message.message);
      break;
    case 'sourceText':
      // No file to read (a trace from another machine): the lines the trace carries, if any.
      view.sourceText(
        message.lines.length
          ? message
          : { ...message, ...store.model.sources.excerpt(message.file, message.firstLine) },
      );
      break;
    case 'presenter':
      teach.setPresenter(message.on);
      break;
    case 'lesson':
      teach.setLesson(message.title, message.steps);
      break;
    case 'flightRecorder':
      flightRecorder.setState(message);
      break;
    default:
      assertNever(message);
  }
  toolbar.updateFromModel(store.model);
  headline.update(store.model, store.status);
  flightRecorder.update(store.model, store.status);
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
    return;
  }
  try {
    apply(message);
  } catch (err) {
    // Never a blank panel: whatever was drawn stays, and the reason is shown.
    toolbar.showError(err instanceof Error ? err.message : String(err));
    view.requestRedraw();
  }
});

watchTheme(() => view.refreshTheme());
const parallelism = installParallelism(view, app, (message) => host.post(message));
view.addTrack(new MarksTrack());
view.addTrack(new FlameTrack());
const teach = installTeach(view, toolbar.root, (message) => host.post(message));
if (CV_TEST_HOOKS) {
  installTestHooks(store, view, parallelism);
}
host.post({ type: 'ready' });
