/**
 * The Compare view's VS Code API: posts to the host and keeps the state a window reload gives
 * back (its two files), which is not the timeline panel's (vscodeApi.ts).
 */
import type { CompareState, FromWebviewMessage } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Posts typed messages to the host; keeps the files to read again after a reload. */
export class CompareHost {
  private readonly api = acquireVsCodeApi();

  /** Sends one message to the extension host. */
  post(message: FromWebviewMessage): void {
    this.api.postMessage(message);
  }

  /** Keeps the compared files for a window reload. */
  keep(state: CompareState): void {
    this.api.setState(state);
  }
}
