/** The typed VS Code webview API: the only way this page talks to the extension host. */
import type { FromWebviewMessage, PersistedState } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
  getState(): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Posts typed messages to the host and keeps the state a window reload restores. */
export class HostChannel {
  private readonly api = acquireVsCodeApi();

  /** Sends one message to the extension host. */
  post(message: FromWebviewMessage): void {
    this.api.postMessage(message);
  }

  /** Saves what a reloaded webview needs to find its session again. */
  persist(state: PersistedState): void {
    this.api.setState(state);
  }

  /** The state saved before a reload, if any. */
  restored(): PersistedState | undefined {
    const state = this.api.getState() as PersistedState | undefined | null;
    return state && typeof state === 'object' && 'session' in state ? state : undefined;
  }
}
