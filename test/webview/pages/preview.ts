/**
 * Entry of the parallelism preview page (tests build it instead of main.ts): a PreviewHost with
 * the parallelism views, fed by the same hydrate messages as the panel.
 */
import type { ToWebviewMessage } from '../../../src/shared/protocol';
import { installParallelism } from '../../../webview-ui/parallelism';
import { installTestHooks } from '../../../webview-ui/testHooks';
import { TraceStore } from '../../../webview-ui/traceStore';
import { HostChannel } from '../../../webview-ui/vscodeApi';
import { PreviewHost } from './previewHost';

declare global {
  interface Window {
    /** The preview's window control, for tests. */
    cvPreview?: { setWindow(startNs: number, endNs: number): void; flush(): void };
  }
}

const channel = new HostChannel();
const store = new TraceStore();
const host = new PreviewHost(() => store.model);
const app = document.getElementById('app') ?? document.body;
app.classList.add('pl-preview-app');
app.append(host.root);
const views = installParallelism(host, app, (message) => channel.post(message));
installTestHooks(store, undefined, views);
window.cvPreview = {
  setWindow: (startNs, endNs) => host.setWindow(startNs, endNs),
  flush: () => {
    host.flush();
    views.summary.flush();
  },
};

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const message = event.data;
  if (message?.type === 'hydrate') {
    store.hydrate(message.session, message.status, message.chunks ?? []);
    host.setWindow(NaN, NaN);
  } else if (message?.type === 'append') {
    store.append(message.chunk);
    host.requestRedraw();
  }
});
channel.post({ type: 'ready' });
