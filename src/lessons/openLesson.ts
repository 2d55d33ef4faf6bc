import * as vscode from 'vscode';
import { parseLessonSteps, type LessonMessage, type LessonStep } from '../shared/lessonSteps';

/** One lesson as examples/lessons/lessons.json lists it. */
export interface Lesson {
  /** File name inside examples/lessons/. */
  file: string;
  /** Shown in the quick pick, e.g. '1. One cook, many dishes'. */
  title: string;
  /** One line: what the lesson shows. */
  description: string;
  /** A guided script the panel plays in presenter mode (examples/lessons/README.md). */
  steps?: LessonStep[];
}

/** The lessons folder inside the installed extension (examples/ ships in the .vsix). */
export function lessonsFolder(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'examples', 'lessons');
}

/** Parses lessons.json; entries that are not complete lessons are left out. */
export function parseLessons(text: string): Lesson[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) {
    return [];
  }
  const lessons = data.filter(
    (l): l is Lesson =>
      typeof l === 'object' &&
      l !== null &&
      typeof l.file === 'string' &&
      // A bare file name: the command opens nothing outside the lessons folder.
      /^[\w.-]+\.(js|mjs|cjs)$/.test(l.file) &&
      typeof l.title === 'string' &&
      typeof l.description === 'string',
  );
  // Only checked steps reach the panel; a lesson without valid ones has none.
  return lessons.map((l) => {
    const steps = parseLessonSteps(l.steps);
    return {
      file: l.file,
      title: l.title,
      description: l.description,
      ...(steps.length ? { steps } : {}),
    };
  });
}

/**
 * Concurrency Visualizer: Open Lesson. Lists the lessons with their one-line descriptions,
 * opens the chosen one in the editor and visualizes it (which, like any run, needs a trusted
 * workspace). A lesson with `steps` is handed to `showSteps` first, so its panel plays them in
 * presenter mode once the program has run.
 */
export async function openLesson(
  extensionUri: vscode.Uri,
  showSteps?: (programPath: string, lesson: LessonMessage) => void,
): Promise<void> {
  const folder = lessonsFolder(extensionUri);
  let lessons: Lesson[];
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'lessons.json'));
    lessons = parseLessons(new TextDecoder().decode(bytes));
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot read the list of lessons: ${String(err)}`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    lessons.map((lesson) => ({ label: lesson.title, detail: lesson.description, lesson })),
    { title: 'Open Lesson', placeHolder: 'A lesson to run and visualize', matchOnDetail: true },
  );
  if (!picked) {
    return;
  }
  const uri = vscode.Uri.joinPath(folder, picked.lesson.file);
  if (picked.lesson.steps) {
    showSteps?.(uri.fsPath, {
      type: 'lesson',
      title: picked.lesson.title,
      steps: picked.lesson.steps,
    });
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  await vscode.commands.executeCommand('concurrencyVisualizer.visualize', uri);
}
