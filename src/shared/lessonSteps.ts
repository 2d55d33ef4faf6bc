/**
 * A guided lesson's steps (examples/lessons/lessons.json, `steps`; the format is documented in
 * examples/lessons/README.md), and the messages that carry presenter mode and a lesson's steps
 * between the host and the panel (#19). Checked here, on both sides: a lesson file is data
 * written by a teacher, and nothing in it is ever run or made into HTML.
 */

/** Which callback a step goes to: the `nth` (from 1) whose operation matches. */
export interface LessonSpanRef {
  /** The operation's type as async_hooks names it, e.g. 'Immediate', 'FSREQCALLBACK'. */
  type?: string;
  /** The line of the lesson file that created the operation. */
  line?: number;
  /** Which of the matching callbacks, in start order (default 1). */
  nth?: number;
}

/** One step of a guided lesson. */
export interface LessonStep {
  /** What the teacher says at this step (shown as the caption). */
  caption: string;
  /** Go to this time, ms after the trace's start ... */
  atMs?: number;
  /** ... or to this callback (selected, its line lit in the editor). */
  span?: LessonSpanRef;
  /** Width of the window shown around it, ms (default: the window as it is). */
  windowMs?: number;
  /** Lanes to focus, by thread name ('main', a worker's name); the others are dimmed. */
  lanes?: string[];
}

/** The host's presenter setting (host to panel), or the panel's button (panel to host). */
export interface PresenterMessage {
  type: 'presenter';
  on: boolean;
}

/** The lesson this panel shows, with its steps, for the panel to play (host to panel). */
export interface LessonMessage {
  type: 'lesson';
  title: string;
  steps: LessonStep[];
}

/** Upper bounds of a lesson script, so a damaged file cannot flood the panel. */
const MAX_STEPS = 200;
const MAX_CAPTION = 500;

/** The valid steps of `value` (a lessons.json `steps` field); invalid ones are left out. */
export function parseLessonSteps(value: unknown): LessonStep[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: LessonStep[] = [];
  for (const raw of value.slice(0, MAX_STEPS)) {
    if (typeof raw !== 'object' || raw === null || typeof raw.caption !== 'string') {
      continue;
    }
    const step: LessonStep = { caption: String(raw.caption).slice(0, MAX_CAPTION) };
    if (typeof raw.atMs === 'number' && Number.isFinite(raw.atMs) && raw.atMs >= 0) {
      step.atMs = raw.atMs;
    }
    if (typeof raw.windowMs === 'number' && Number.isFinite(raw.windowMs) && raw.windowMs > 0) {
      step.windowMs = raw.windowMs;
    }
    const span: unknown = raw.span;
    if (typeof span === 'object' && span !== null) {
      const s = span as Record<string, unknown>;
      const ref: LessonSpanRef = {};
      if (typeof s.type === 'string') {
        ref.type = s.type;
      }
      if (typeof s.line === 'number' && Number.isInteger(s.line) && s.line > 0) {
        ref.line = s.line;
      }
      if (typeof s.nth === 'number' && Number.isInteger(s.nth) && s.nth > 0) {
        ref.nth = s.nth;
      }
      step.span = ref;
    }
    if (Array.isArray(raw.lanes)) {
      step.lanes = raw.lanes.filter((l: unknown): l is string => typeof l === 'string');
    }
    out.push(step);
  }
  return out;
}
