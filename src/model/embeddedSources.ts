/** Source lines a trace carries (record kind SourceLines), for viewers without the files. */

/** Lines shown around a creation site, as the panel's host reads them from disk. */
const CONTEXT_LINES = 3;

/** The embedded lines of each file, by 1-based line number. */
export class EmbeddedSources {
  private readonly files = new Map<string, Map<number, string>>();

  /** Files with embedded lines. */
  get fileCount(): number {
    return this.files.size;
  }

  /** Keeps lines `firstLine`.. of `file`. */
  add(file: string, firstLine: number, lines: readonly string[]): void {
    let kept = this.files.get(file);
    if (!kept) {
      kept = new Map();
      this.files.set(file, kept);
    }
    lines.forEach((text, i) => kept.set(firstLine + i, text));
  }

  /**
   * The lines around `line` of `file` that the trace carries (as many of the 3 either side as
   * it has, without gaps), or none when it does not carry `line` itself.
   */
  excerpt(file: string, line: number): { firstLine: number; lines: string[] } {
    const kept = this.files.get(file);
    if (!kept?.has(line)) {
      return { firstLine: line, lines: [] };
    }
    let first = line;
    while (first > Math.max(1, line - CONTEXT_LINES) && kept.has(first - 1)) {
      first--;
    }
    const lines: string[] = [];
    for (let n = first; n <= line + CONTEXT_LINES && kept.has(n); n++) {
      lines.push(kept.get(n)!);
    }
    return { firstLine: first, lines };
  }
}
