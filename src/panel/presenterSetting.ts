/**
 * Presenter mode's setting (`concurrencyVisualizer.presenterMode`): the command and the panel's
 * button toggle it, every panel follows it live, and a lesson opened with steps turns it on.
 * Also the guided steps a panel plays when it shows an Open Lesson run.
 */
import * as vscode from 'vscode';
import type { LessonMessage } from '../shared/lessonSteps';

const SECTION = 'concurrencyVisualizer';
const KEY = 'presenterMode';

/** Whether presenter mode is on. */
export function presenterMode(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(KEY, false) === true;
}

/** Turns presenter mode on or off (user settings: it is about the screen, not the project). */
export async function setPresenterMode(on: boolean): Promise<void> {
  if (presenterMode() !== on) {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(KEY, on, vscode.ConfigurationTarget.Global);
  }
}

/** Concurrency Visualizer: Toggle Presenter Mode. */
export function togglePresenterMode(): Promise<void> {
  return setPresenterMode(!presenterMode());
}

/** Calls `listener` with the new value whenever the setting changes. */
export function onPresenterModeChange(listener: (on: boolean) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.${KEY}`)) {
      listener(presenterMode());
    }
  });
}

/** The steps of lessons opened by Open Lesson, by the lesson file's path. */
const lessonsByProgram = new Map<string, LessonMessage>();

/** Remembers that the panel of `programPath` shows `lesson` (Open Lesson). */
export function setLessonFor(programPath: string, lesson: LessonMessage): void {
  lessonsByProgram.set(programPath, lesson);
}

/** The lesson a panel of `programPath` plays, if Open Lesson opened it. */
export function lessonFor(programPath: string | undefined): LessonMessage | undefined {
  return programPath === undefined ? undefined : lessonsByProgram.get(programPath);
}
