/**
 * Messages between the extension host and the timeline webview.
 *
 * The host keeps the trace bytes of a session. When the webview (re)appears it posts `ready`;
 * the host answers with `hydrate` (the session and every byte recorded so far), then sends
 * `append` deltas as frames arrive and `status` when the program's state changes. Trace bytes
 * cross the boundary as Uint8Array (copied by structured clone, never inlined into HTML).
 */

import type { Insights } from './insights';
import type { LessonMessage, PresenterMessage } from './lessonSteps';

export type { LessonStep } from './lessonSteps';

//#region to webview

/** The program a session runs, as shown in the panel header. */
export interface SessionInfo {
  /** Panel title, e.g. the program's file name. */
  title: string;
  /** The command line, for display. */
  commandLine: string;
  /** Absolute path of the program file, when there is one. */
  programPath?: string;
}

/** Where the traced program is in its life. */
export interface ProgramStatus {
  state: 'starting' | 'running' | 'exited' | 'stopped' | 'failed' | 'replay';
  /** Exit code, once exited. */
  exitCode?: number;
  /** Signal that ended it, if any. */
  signal?: string;
  /** Human-readable detail (e.g. why it failed to start). */
  message?: string;
}

/** Full state for a webview that has just (re)appeared. */
export interface HydrateMessage {
  type: 'hydrate';
  session: SessionInfo;
  status: ProgramStatus;
  /** Trace bytes (file header + frames), possibly in several chunks. */
  chunks: Uint8Array[];
  /** What the webview must keep with `setState` so that a window reload can restore it. */
  persist?: PersistedState;
}

/** New frames recorded since the last message. */
export interface AppendMessage {
  type: 'append';
  /** Whole frames (no file header). */
  chunk: Uint8Array;
}

/** The program's state changed. */
export interface StatusMessage {
  type: 'status';
  status: ProgramStatus;
}

/** Something went wrong that the user must read (e.g. a corrupt trace). */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

/**
 * The reply to a `source` request: a few lines around the requested one (text, shown as text).
 * `lines` is empty when the file cannot be read (not a regular file, gone, not allowed).
 */
export interface SourceTextMessage {
  type: 'sourceText';
  /** The request's id. */
  id: number;
  file: string;
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  lines: string[];
}

/**
 * A flight recording's state (`concurrencyVisualizer.ringSeconds`), posted about every second
 * while it runs and once when it ends: the panel says it is recording and offers to show the
 * window now.
 */
export interface FlightRecorderMessage {
  type: 'flightRecorder';
  /** The window asked for, s. */
  windowSeconds: number;
  /** How long the program has run, ms. */
  runningMs: number;
  /** The session folder's stream files on disk now, bytes. */
  folderBytes: number;
  /** The session's size cap (concurrencyVisualizer.maxTraceSizeMB), bytes. */
  capBytes: number;
  /** False once the program ended (the panel then holds the final window). */
  recording: boolean;
}

/** Messages the host posts to the webview. */
export type ToWebviewMessage =
  | HydrateMessage
  | AppendMessage
  | StatusMessage
  | ErrorMessage
  | SourceTextMessage
  | PresenterMessage
  | LessonMessage
  | FlightRecorderMessage;

/** One trace of a comparison: the file's bytes as read (the Compare view decodes them). */
export interface CompareSide {
  /** The file's name, e.g. before.cvtrace (or a live panel's title). */
  name: string;
  /** Where it is (a path or a URI), for the side's header. */
  location: string;
  /** The file header and frames, as read (possibly fewer than the file holds). */
  bytes: Uint8Array;
  /** Why the file could not be read in full or cannot be shown (src/editor/traceFile.ts). */
  problem?: string;
  /** The file's URI, when the trace is a file (a window reload reads it again). */
  uri?: string;
}

/** What the Compare view keeps with `setState`: its files, read again after a window reload. */
export interface CompareState {
  compare: { a: string; b: string };
}

/** The Compare view's content: the baseline `a` above, the new run `b` below. */
export interface CompareMessage {
  type: 'compare';
  a: CompareSide;
  b: CompareSide;
}

/**
 * Messages the host posts to the Compare view (webview-ui/compare.ts). It posts back `ready`,
 * `hover`, `jump` and `source` (FromWebviewMessage), as the timeline panel does.
 */
export type ToCompareMessage = CompareMessage | SourceTextMessage;

//#endregion

//#region from webview

/** A source position in the user's program (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** The webview is loaded and wants its state. */
export interface ReadyMessage {
  type: 'ready';
}

/** The pointer is over a span created at `position`, or over nothing (`position` absent). */
export interface HoverMessage {
  type: 'hover';
  position?: SourcePosition;
}

/** The user clicked a span: open its creation site. */
export interface JumpMessage {
  type: 'jump';
  position: SourcePosition;
}

/** The user asked to stop the program, to run it again, or to save its trace to a file. */
export interface ControlMessage {
  type: 'stop' | 'runAgain' | 'save';
}

/**
 * The details panel wants a few lines of code around `line` of `file` (an operation's creation
 * site); the host answers with a `sourceText` of the same `id`. The webview cannot read files.
 */
export interface SourceRequestMessage {
  type: 'source';
  id: number;
  file: string;
  /** 1-based. */
  line: number;
}

/**
 * What the trace says (verdict, findings, per-line figures), computed by the webview from its
 * model: posted when the program ends and when a finished trace is shown, for the status bar,
 * the editor's decorations and the Problems panel.
 */
export interface InsightsMessage {
  type: 'insights';
  insights: Insights;
}

/** "Show the last N s now": read a running flight recording's window into the panel. */
export interface ShowWindowMessage {
  type: 'showWindow';
}

/** Messages the webview posts to the host. */
export type FromWebviewMessage =
  | ReadyMessage
  | HoverMessage
  | JumpMessage
  | ControlMessage
  | SourceRequestMessage
  | InsightsMessage
  | PresenterMessage
  | ShowWindowMessage;

//#endregion

/** State the webview keeps with `setState` so a window reload can restore the panel. */
export interface PersistedState {
  /** Session folder holding the trace streams. */
  sessionDir: string;
  session: SessionInfo;
}

/** Fails to compile when a switch over a union misses a case. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
