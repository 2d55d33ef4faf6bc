/**
 * What a trace says about the user's code, as the webview posts it to the extension host.
 *
 * The host never decodes a trace: the webview (which holds the model) computes the findings and
 * the per-line figures and posts them in an `insights` message; the host turns them into the
 * status bar's verdict, editor decorations and Problems entries. `summary --json` carries the
 * same findings. Plain data only (structured clone), every string shown as text.
 */

/** What a finding is about. */
export type FindingKind =
  'blocking' | 'sequential-awaits' | 'threadpool-saturated' | 'sync-io-in-callback' | 'starvation';

/** A source position a finding points at besides its own (a victim, one of the awaits). */
export interface RelatedPosition {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based; 0 or absent when unknown. */
  column?: number;
  /** What this position is, one short sentence with its figure ("Timeout delayed 250 ms"). */
  text: string;
}

/** One finding: a claim about the program with the figures that prove it. */
export interface Finding {
  kind: FindingKind;
  severity: 'warning' | 'info';
  /** One sentence with the figures, readable alone ("setTimeout callback blocked main 300 ms"). */
  text: string;
  /** Where the user should look (the blocking callback's creation site, the first await...). */
  file?: string;
  line?: number;
  column?: number;
  /** The span of time the finding is about (the blocking callback's run), session ns. */
  startNs?: number;
  endNs?: number;
  /** The thread it happened on (the trace's pid and threadId). */
  pid?: number;
  threadId?: number;
  /** The figures behind `text`, by name (durationMs, delayedCount, waitedMs, couldBeMs...). */
  figures: Record<string, number>;
  /** Other lines involved: victims of a blocking callback, each await of a sequence. */
  related: RelatedPosition[];
}

/** What happened because of one source line (operations created there), for the editor. */
export interface LineInsight {
  file: string;
  /** 1-based. */
  line: number;
  /** Async operations created on this line. */
  operations: number;
  /** The most frequent operation type created here ("Timeout", "FSREQCALLBACK"...). */
  topType: string;
  /** Callbacks run for those operations. */
  callbacks: number;
  /** Their run time in all, and the longest, ms. */
  runTotalMs: number;
  runMaxMs: number;
  /** From creation to the first callback, summed over the operations and the longest, ms. */
  waitTotalMs: number;
  waitMaxMs: number;
}

/**
 * Where the sampled stacks spent their own time, per source line of the hottest functions (of
 * the whole run and of blocking callbacks), for the editor (issue #17 item 4).
 */
export interface HotLine {
  file: string;
  /** 1-based; the function's first line when `exact` is false. */
  line: number;
  /** The function running on this line (the one with the most self time there). */
  function: string;
  /** Self time on this line over the run, every thread together, ms. */
  selfMs: number;
  /** Samples behind selfMs. */
  samples: number;
  /** selfMs as a share of all the run's sampled (non-idle) time, 0..1. */
  share: number;
  /** Of selfMs, the part inside blocking callbacks, ms. */
  blockingSelfMs: number;
  /** The function's own time over the run, and its time on the stack at all, ms. */
  functionSelfMs: number;
  totalMs: number;
  /** False when the trace has no line ticks (older traces): the line is the function's first. */
  exact: boolean;
}

/** The verdict's kind and sentence (see src/model/verdict.ts). */
export interface InsightsVerdict {
  kind: 'concurrent' | 'parallel' | 'both' | 'neither';
  text: string;
}

/** Everything the host shows outside the panel, computed by the webview from its model. */
export interface Insights {
  verdict: InsightsVerdict;
  findings: Finding[];
  lines: LineInsight[];
  /** Self time per line of the hottest functions (absent: no sampled stacks, older webviews). */
  hotLines?: HotLine[];
  /** True once the program has ended (or the trace is a saved one): the figures are final. */
  final: boolean;
}
