import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import type { CodeInsights } from './editor/insightsEditor';
import { saveTraceAs } from './editor/saveTrace';
import { ringOptions, saveRingWindow, watchFlightRecording } from './editor/saveRingWindow';
import { SourceHighlighter } from './editor/sourceHighlight';
import type { TraceDocument } from './editor/traceEditor';
import {
  LaunchError,
  resolveProgram,
  stacksIntervalUs,
  type ResolvedProgram,
} from './launch/config';
import type { ExitInfo } from './launch/runner';
import { readSessionTrace, traceFileHeader } from './launch/tail';
import { ProgramTerminal } from './launch/terminal';
import { TraceSession } from './launch/traceSession';
import { TimelinePanel, type TraceSource } from './panel/timelinePanel';
import type { Insights, InsightsVerdict } from './shared/insights';
import type { PersistedState, ProgramStatus } from './shared/protocol';

/** One program's panel and its latest run. */
interface Run {
  program: ResolvedProgram;
  panel: TimelinePanel;
  session?: TraceSession;
  terminal?: vscode.Terminal;
  pty?: ProgramTerminal;
  status: ProgramStatus;
  /** The verdict of the ended run, for the status bar. */
  verdict?: InsightsVerdict;
  /** Stops telling the panel how a flight recording goes (set while one runs). */
  stopWatchingRing?: () => void;
}

/**
 * What the `concurrencyVisualizer.debugState` command returns to tests. The command exists only
 * in builds with test hooks (CV_TEST_HOOKS: src/shared/buildFlags.d.ts).
 */
export interface DebugState {
  running: boolean;
  lastExitCode?: number | null;
  lastSignal?: string | null;
  panels: number;
  lastSessionDir?: string;
}

/**
 * Runs programs under the tracer and keeps one timeline panel per program: Visualize, Stop,
 * Run again, the status bar item, and restoring panels after a window reload.
 */
export class Controller implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  private current?: Run;
  /** The last run's exit, for the test hook only. */
  private lastExit?: ExitInfo;
  private readonly highlighter = new SourceHighlighter();
  private readonly statusItem = vscode.window.createStatusBarItem(
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly tracerPath: string;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly codeInsights?: CodeInsights,
  ) {
    this.tracerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'tracer.js').fsPath;
    this.statusItem.name = 'Concurrency Visualizer';
    if (CV_TEST_HOOKS) {
      // Inline, so that a production build drops the command, its name and this closure.
      context.subscriptions.push(
        vscode.commands.registerCommand('concurrencyVisualizer.debugState', (): DebugState => ({
          running: this.anyRunning() !== undefined,
          lastExitCode: this.lastExit?.code,
          lastSignal: this.lastExit?.signal,
          panels: this.runs.size,
          lastSessionDir: this.current?.session?.folder.dir,
        })),
      );
    }
  }

  /** The Visualize Concurrency command: `target` is the file chosen in the explorer or title bar. */
  async visualize(target?: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.log.warn('Visualize Concurrency needs a trusted workspace: nothing was started.');
      const choice = await vscode.window.showWarningMessage(
        'Visualize Concurrency runs your program, and running code needs a trusted workspace. Trust this workspace to use it.',
        'Manage Workspace Trust',
      );
      if (choice) {
        await vscode.commands.executeCommand('workbench.trust.manage');
      }
      return;
    }
    let program: ResolvedProgram;
    try {
      program = await resolveProgram(target instanceof vscode.Uri ? target : undefined);
    } catch (err) {
      await this.showLaunchError(err);
      return;
    }
    const sourceColumn = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
    this.highlighter.setColumn(sourceColumn);
    const existing = this.runs.get(program.program);
    if (existing) {
      existing.program = program;
      this.start(existing);
      existing.panel.reveal();
      return;
    }
    const run: Run = {
      program,
      panel: undefined as unknown as TimelinePanel,
      status: { state: 'starting' },
    };
    run.panel = TimelinePanel.create(
      this.context.extensionUri,
      this.emptySource(program),
      this.panelHandler(() => run),
      vscode.ViewColumn.Beside,
    );
    this.track(run);
    this.start(run);
  }

  /** Stops the current program (SIGINT, escalating to SIGKILL); the trace stays. */
  stop(): void {
    const run = this.current?.session?.runner.running ? this.current : this.anyRunning();
    if (!run?.session) {
      void vscode.window.showInformationMessage('No traced program is running.');
      return;
    }
    this.log.info(`stopping ${run.program.program}`);
    run.session.stop();
  }

  /** Runs the current panel's program again, in the same panel. */
  async runAgain(): Promise<void> {
    const run = this.current;
    if (!run) {
      await this.visualize();
      return;
    }
    if (run.session?.runner.running) {
      run.session.stop();
      return;
    }
    this.start(run);
  }

  /** Re-creates a panel VS Code restored after a window reload, from its session folder. */
  async restore(panel: vscode.WebviewPanel, state: PersistedState | undefined): Promise<void> {
    const handler = {
      hover: () => undefined,
      jump: () => undefined,
      stop: () => undefined,
      runAgain: () => undefined,
      save: (p: TimelinePanel) => void this.saveTrace(p),
      insights: (p: TimelinePanel, i: Insights) => this.codeInsights?.set(p, i),
    };
    if (!state?.sessionDir) {
      const p = TimelinePanel.revive(
        panel,
        this.context.extensionUri,
        this.replaySource(undefined),
        handler,
      );
      p.error('This panel has no saved trace to restore. Run Visualize Concurrency again.');
      return;
    }
    let chunks: Uint8Array[];
    let status: ProgramStatus = { state: 'replay' };
    try {
      chunks = [readSessionTrace(state.sessionDir)];
    } catch (err) {
      chunks = [traceFileHeader()];
      status = {
        state: 'failed',
        message: `The trace in ${state.sessionDir} could not be read: ${String(err)}`,
      };
    }
    const source: TraceSource = {
      session: state.session,
      sessionDir: state.sessionDir,
      status,
      chunks,
    };
    const revived = TimelinePanel.revive(panel, this.context.extensionUri, source, {
      hover: (m) => this.highlighter.hover(m.position),
      jump: (m) => void this.highlighter.jump(m.position),
      stop: () => undefined,
      save: (p) => void this.saveTrace(p),
      insights: (p, i) => this.codeInsights?.set(p, i),
      runAgain: () => {
        const program = state.session.programPath;
        if (program && fs.existsSync(program)) {
          revived.dispose();
          void this.visualize(vscode.Uri.file(program));
        }
      },
    });
    revived.onDispose = () => this.codeInsights?.clear(revived);
    this.log.info(`restored the panel of ${state.session.title} from ${state.sessionDir}`);
  }

  /**
   * The Save Trace As… command and the panels' Save button: `panel`'s trace, else the trace of
   * the panel or trace editor last in front.
   */
  /** Save the Last N Seconds: the current flight recording's window, to a file opened read-only. */
  saveRingWindow(): Promise<vscode.Uri | undefined> {
    const session = this.current?.session;
    const dir = session?.flightRecorder ? session.folder.dir : undefined;
    return saveRingWindow(
      dir ? () => readSessionTrace(dir) : undefined,
      this.current?.panel,
      this.log,
    );
  }

  saveTrace(panel?: TimelinePanel): Promise<vscode.Uri | undefined> {
    return saveTraceAs(panel ?? TimelinePanel.active ?? this.current?.panel, this.log);
  }

  /**
   * Fills a `.cvtrace` editor's webview (src/editor/traceEditor.ts) with the timeline panel:
   * hover and jump to the trace's source files where they exist; no Run Again (no program).
   */
  showTraceFile(webviewPanel: vscode.WebviewPanel, document: TraceDocument): void {
    const { bytes, problem } = document.contents;
    const source: TraceSource = {
      session: { title: document.name, commandLine: document.location },
      sessionDir: '',
      status: { state: 'replay', ...(problem ? { message: problem } : {}) },
      // Nothing read (the status says why): an empty trace rather than a decoder's complaint.
      chunks: [bytes.length === 0 && problem ? traceFileHeader() : bytes],
    };
    // Sources open in the other column, beside the trace.
    const sourceColumn =
      webviewPanel.viewColumn === vscode.ViewColumn.One
        ? vscode.ViewColumn.Two
        : vscode.ViewColumn.One;
    const focused = (): void => {
      if (webviewPanel.active) {
        this.highlighter.setColumn(sourceColumn);
      }
    };
    focused();
    webviewPanel.onDidChangeViewState(focused);
    const traceFile = TimelinePanel.revive(webviewPanel, this.context.extensionUri, source, {
      hover: (m) => this.highlighter.hover(m.position),
      jump: (m) => void this.highlighter.jump(m.position),
      stop: () => undefined,
      runAgain: () => undefined,
      save: (p) => void this.saveTrace(p),
      insights: (p, i) => this.codeInsights?.set(p, i),
    });
    traceFile.onDispose = () => this.codeInsights?.clear(traceFile);
  }

  private start(run: Run): void {
    if (run.session?.runner.running) {
      void vscode.window.showInformationMessage(
        `${path.basename(run.program.program)} is still running: stop it first (Concurrency Visualizer: Stop Traced Program).`,
      );
      return;
    }
    const { program } = run;
    const title = path.basename(program.program);
    const args = [...program.runtimeArgs, program.program, ...program.args];
    const commandLine = [program.command, ...args].map(quoteForDisplay).join(' ');
    const settings = vscode.workspace.getConfiguration(
      'concurrencyVisualizer',
      vscode.Uri.file(program.program),
    );
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    const session = new TraceSession(
      {
        command: program.command,
        args,
        cwd: program.cwd,
        env: program.env,
        tracerPath: this.tracerPath,
        warn: (m) => this.log.warn(m),
        graceMs: settings.get<number>('stopGraceMs', 2000),
        tracer: {
          maxBytes: settings.get<number>('maxTraceSizeMB', 1024) * 1024 * 1024,
          skipNodeModules: settings.get<boolean>('skipNodeModulesFrames', true),
          ...ringOptions(settings),
          stacks: stacksIntervalUs(settings.get('stacks')),
        },
        // Flight recorder: nothing is held while it runs; the window is read at the end.
        live: !ringOptions(settings).ringSeconds,
      },
      {
        stdout: (d) => run.pty?.output(out.write(d)),
        stderr: (d) => run.pty?.output(err.write(d)),
        // A flight recording's window comes whole at the end (onExit), never appended to a
        // snapshot the panel may show.
        frames: (chunk) => (session.flightRecorder ? undefined : run.panel.append(chunk)),
        exit: (info) => this.onExit(run, session, info),
      },
    );
    run.session = session;
    this.current = run;
    run.verdict = undefined;
    this.codeInsights?.clear(run.panel); // the new run's insights replace the old ones
    this.log.info(`running ${commandLine} in ${program.cwd}; trace in ${session.folder.dir}`);
    const ringSeconds = ringOptions(settings).ringSeconds;
    if (ringSeconds) {
      // The panel shows the window at the end or on request: say where it comes from.
      void vscode.window.showInformationMessage(
        `Flight recorder: keeping the last ${ringSeconds} s of ${title}. The panel shows them when it ends or is stopped, or now with "Show the last ${ringSeconds} s now"; Save the Last N Seconds saves them while it runs.`,
      );
    }

    run.terminal?.dispose();
    run.pty?.dispose();
    const pty = new ProgramTerminal(session.runner, `$ ${commandLine}`);
    pty.onUserClose = () => session.stop();
    run.pty = pty;
    run.terminal = vscode.window.createTerminal({
      name: title,
      pty,
      iconPath: new vscode.ThemeIcon('pulse'),
    });
    run.terminal.show(true);

    run.status = { state: 'running' };
    run.panel.setSource({
      session: { title, commandLine, programPath: program.program },
      sessionDir: session.folder.dir,
      status: run.status,
      chunks: session.chunks,
    });
    session.start();
    run.stopWatchingRing?.();
    run.stopWatchingRing = ringSeconds
      ? watchFlightRecording(session.folder.dir, {
          windowSeconds: ringSeconds,
          capBytes: settings.get<number>('maxTraceSizeMB', 1024) * 1024 * 1024,
          report: (state) => run.panel.flightRecorder(state),
        })
      : undefined;
    this.updateStatusBar();
  }

  private onExit(run: Run, session: TraceSession, info: ExitInfo): void {
    if (CV_TEST_HOOKS) {
      this.lastExit = info;
    }
    const summary = info.error
      ? `Could not start: ${info.error}`
      : info.signal
        ? `Process ended by ${info.signal}`
        : `Process exited with code ${info.code}`;
    this.log.info(`${run.program.program}: ${summary}`);
    run.pty?.exited(summary);
    if (run.session !== session) {
      return; // an older run of a panel that has started again
    }
    if (session.flightRecorder) {
      run.stopWatchingRing?.();
      run.stopWatchingRing = undefined;
      // The whole final window replaces whatever snapshot the panel showed.
      run.panel.showSnapshot(session.chunks);
    }
    run.status = info.error
      ? { state: 'failed', message: info.error }
      : {
          state: info.stopped ? 'stopped' : 'exited',
          exitCode: info.code ?? undefined,
          signal: info.signal ?? undefined,
        };
    run.panel.status(run.status);
    if (info.error) {
      void vscode.window.showErrorMessage(`Visualize Concurrency: ${info.error}`);
    }
    this.updateStatusBar();
  }

  private panelHandler(getRun: () => Run): Parameters<typeof TimelinePanel.create>[2] {
    return {
      hover: (m) => this.highlighter.hover(m.position),
      jump: (m) => void this.highlighter.jump(m.position),
      stop: () => getRun().session?.stop(),
      runAgain: () => {
        this.current = getRun();
        void this.runAgain();
      },
      save: (p) => void this.saveTrace(p),
      showWindow: () => {
        const session = getRun().session;
        if (session?.flightRecorder && session.runner.running) {
          try {
            getRun().panel.showSnapshot([readSessionTrace(session.folder.dir)]);
          } catch (err) {
            getRun().panel.error(`The flight recorder's window could not be read: ${String(err)}`);
          }
        }
      },
      insights: (p, insights) => {
        const run = getRun();
        this.codeInsights?.set(p, insights);
        if (insights.final && run.session && !run.session.runner.running) {
          run.verdict = insights.verdict;
          this.updateStatusBar();
        }
      },
    };
  }

  private track(run: Run): void {
    this.runs.set(run.program.program, run);
    run.panel.panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) {
        this.current = run;
        this.updateStatusBar();
      }
    });
    run.panel.onDispose = () => {
      run.stopWatchingRing?.();
      this.runs.delete(run.program.program);
      run.session?.stop();
      if (this.current === run) {
        this.current = undefined;
      }
      this.highlighter.hover(undefined);
      this.codeInsights?.clear(run.panel);
      this.updateStatusBar();
    };
  }

  private anyRunning(): Run | undefined {
    return [...this.runs.values()].find((r) => r.session?.runner.running);
  }

  private updateStatusBar(): void {
    const running = this.anyRunning();
    void vscode.commands.executeCommand('setContext', 'concurrencyVisualizer.running', !!running);
    void vscode.commands.executeCommand(
      'setContext',
      'concurrencyVisualizer.hasRun',
      this.runs.size > 0,
    );
    if (running) {
      const name = path.basename(running.program.program);
      this.statusItem.text = `$(loading~spin) Tracing ${name}`;
      this.statusItem.tooltip = `Concurrency Visualizer is tracing ${name}. Click to stop it.`;
      this.statusItem.command = 'concurrencyVisualizer.stop';
      this.statusItem.show();
    } else if (this.current) {
      const name = path.basename(this.current.program.program);
      const s = this.current.status;
      const how =
        s.state === 'failed'
          ? 'failed'
          : s.signal
            ? `ended by ${s.signal}`
            : `exited (${s.exitCode})`;
      const verdict = this.current.verdict;
      this.statusItem.text = verdict
        ? `$(pulse) ${name}: ${verdict.kind}`
        : `$(pulse) ${name} ${how}`;
      this.statusItem.tooltip = verdict
        ? `${verdict.text}\n\n${name} ${how}. Click to run it again.`
        : `Run ${name} again under Concurrency Visualizer`;
      this.statusItem.command = 'concurrencyVisualizer.runAgain';
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
  }

  private emptySource(program: ResolvedProgram): TraceSource {
    const title = path.basename(program.program);
    return {
      session: { title, commandLine: title, programPath: program.program },
      sessionDir: '',
      status: { state: 'starting' },
      chunks: [traceFileHeader()],
    };
  }

  private replaySource(state: PersistedState | undefined): TraceSource {
    return {
      session: state?.session ?? { title: 'trace', commandLine: '' },
      sessionDir: state?.sessionDir ?? '',
      status: { state: 'replay' },
      chunks: [traceFileHeader()],
    };
  }

  private async showLaunchError(err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.log.error(message);
    if (err instanceof LaunchError && err.setting) {
      const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
      if (choice) {
        await vscode.commands.executeCommand('workbench.action.openSettings', err.setting);
      }
    } else {
      await vscode.window.showErrorMessage(message);
    }
  }

  dispose(): void {
    for (const run of this.runs.values()) {
      run.stopWatchingRing?.();
      run.session?.stop();
      run.pty?.dispose();
    }
    this.highlighter.dispose();
    this.statusItem.dispose();
  }
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
