import * as vscode from 'vscode';
import { Controller } from './controller';
import { CompareCommands } from './editor/compareCommands';
import { CodeInsights } from './editor/insightsEditor';
import { TRACE_EDITOR_VIEW_TYPE, TraceEditorProvider } from './editor/traceEditor';
import { cleanOldSessions } from './launch/session';
import { openLesson } from './lessons/openLesson';
import { setLessonFor, togglePresenterMode } from './panel/presenterSetting';
import { timelineCsp } from './panel/html';
import { readSourceLines, TIMELINE_VIEW_TYPE, TimelinePanel } from './panel/timelinePanel';
import type { PersistedState } from './shared/protocol';

/** Wires the commands, the panel serializer, the trace editor and the controller; nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Concurrency Visualizer', { log: true });
  const codeInsights = new CodeInsights(context.extensionUri);
  const controller = new Controller(context, log, codeInsights);
  context.subscriptions.push(
    log,
    codeInsights,
    controller,
    vscode.commands.registerCommand('concurrencyVisualizer.visualize', (uri?: vscode.Uri) =>
      controller.visualize(uri),
    ),
    vscode.commands.registerCommand('concurrencyVisualizer.stop', () => controller.stop()),
    vscode.commands.registerCommand('concurrencyVisualizer.runAgain', () => controller.runAgain()),
    vscode.commands.registerCommand('concurrencyVisualizer.saveRingWindow', () =>
      controller.saveRingWindow(),
    ),
    vscode.commands.registerCommand('concurrencyVisualizer.saveTrace', () =>
      controller.saveTrace(),
    ),
    vscode.window.registerCustomEditorProvider(
      TRACE_EDITOR_VIEW_TYPE,
      new TraceEditorProvider(log, (panel, document) => controller.showTraceFile(panel, document)),
      { supportsMultipleEditorsPerDocument: true },
    ),
    vscode.commands.registerCommand('concurrencyVisualizer.toggleCodeInsights', () =>
      codeInsights.toggle(),
    ),
    vscode.commands.registerCommand('concurrencyVisualizer.openLesson', () =>
      openLesson(context.extensionUri, setLessonFor),
    ),
    vscode.commands.registerCommand('concurrencyVisualizer.togglePresenterMode', () =>
      togglePresenterMode(),
    ),
    ...new CompareCommands(context.extensionUri, log, () => TimelinePanel.active, {
      csp: timelineCsp,
      readSourceLines,
    }).register(),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: PersistedState | undefined) =>
        controller.restore(panel, state),
    }),
  );
  // Session folders are kept for restoring panels after a reload; old ones go.
  setTimeout(() => cleanOldSessions(), 10_000).unref();
}

/** Nothing to do: every resource is in context.subscriptions. */
export function deactivate(): void {}
