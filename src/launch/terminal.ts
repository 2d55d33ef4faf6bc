import * as vscode from 'vscode';

/** What the terminal needs from a running program. */
export interface TerminalProgram {
  write(data: string): void;
  endInput(): void;
  stop(): void;
}

/**
 * A VS Code terminal that shows a traced program's output and passes typed lines to its stdin.
 * The program's stdio are pipes, so this terminal does the line editing a TTY would do: echo,
 * backspace, Enter sends the line, Ctrl+D ends input, Ctrl+C stops the program.
 */
export class ProgramTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private line = '';
  private opened = false;
  private pending: string[] = [];
  private ended = false;
  /** Called when the user closes the terminal while the program runs. */
  onUserClose?: () => void;

  constructor(
    private readonly program: TerminalProgram,
    private readonly header: string,
  ) {}

  open(): void {
    this.opened = true;
    this.emit(`\x1b[2m${this.header}\x1b[0m\n`);
    for (const text of this.pending) {
      this.emit(text);
    }
    this.pending = [];
  }

  close(): void {
    if (!this.ended) {
      this.onUserClose?.();
    }
  }

  handleInput(data: string): void {
    if (this.ended) {
      return;
    }
    for (const ch of data) {
      if (ch === '\x03') {
        this.emit('^C\n');
        this.program.stop();
      } else if (ch === '\x04') {
        this.program.endInput();
      } else if (ch === '\r') {
        this.emit('\n');
        this.program.write(`${this.line}\n`);
        this.line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line.length) {
          this.line = this.line.slice(0, -1);
          this.emit('\b \b');
        }
      } else if (ch >= ' ') {
        this.line += ch;
        this.emit(ch);
      }
    }
  }

  /** Shows program output (stdout or stderr). */
  output(text: string): void {
    if (this.opened) {
      this.emit(text);
    } else {
      this.pending.push(text);
    }
  }

  /** Shows how the program ended; the terminal stays open so its output can be read. */
  exited(summary: string): void {
    this.output(`\n\x1b[2m[${summary}]\x1b[0m\n`);
    this.ended = true;
  }

  private emit(text: string): void {
    // A terminal needs CRLF; programs write LF.
    this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  /** Releases the emitters. */
  dispose(): void {
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
