/** Rows of the OS-threads track: a header per process, then one lane per OS thread. */
import type { OsThreadRow } from '../../src/model/osThreads';
import { shortCommand } from '../../src/model/processes';
import { OS_THREAD_KINDS, type KindBasis, type OsThreadClass } from '../../src/model/threadKinds';
import { osThreadClasses } from '../../src/model/timeIndex';
import type { TraceModel } from '../../src/model/traceModel';

/** Height of a process header row, CSS px. */
export const HEADER_PX = 20;
/** Height of one OS-thread lane, CSS px. */
export const LANE_PX = 20;
/** Height of the note row (no samples, estimates), CSS px. */
export const NOTE_PX = 22;
/** While a live model changes, classify its threads at most this often. */
const RECLASSIFY_MS = 500;

/** How the lanes are chosen: presenter mode folds away OS threads that never ran. */
export const osLaneOptions = { foldIdle: false };

/** One row of the track. */
export interface OsRow {
  type: 'process' | 'thread' | 'note';
  topPx: number;
  heightPx: number;
  pid: number;
  /** Index in `model.os.threads` (thread rows), else -1. */
  thread: number;
  /** What the gutter (or the whole row, for headers and notes) says. */
  text: string;
}

/** How a kind was decided, for people. */
export const BASIS_TEXT: Record<KindBasis, string> = {
  trace: 'reported by its own JS thread',
  pid: 'first thread of its process (tid = pid)',
  name: 'named so by Node.js',
  birth:
    "from its birth: before the script (V8's platform, the inspector), in libuv's burst of UV_THREADPOOL_SIZE threads, or later by native code",
  activity: 'inferred: it ran only while threadpool requests were in flight',
  none: 'nothing identifies it, so its kind is unknown',
};

/** "kind: name (tid N)": a JS thread by its JS name, any other by its OS name. */
export function laneText(row: OsThreadRow, cls: OsThreadClass): string {
  const name = cls.basis === 'trace' ? cls.label : row.name;
  return `${cls.kind}: ${name} (tid ${row.tid})`;
}

/** The command of a process, shortened ("pbkdf2.js 2000", "npm run start"), or its OS name. */
export function processCommand(model: TraceModel, pid: number): string {
  const js = model.threads.find((t) => t.info.pid === pid && t.info.kind === 'main');
  if (js) {
    return shortCommand(js.info.argv);
  }
  const first = model.os.rowOfTid(pid);
  return first && first.pid === pid ? first.name : '';
}

/**
 * Lays the rows out: processes in order of discovery, each with its threads by kind (main,
 * workers, libuv, V8, other, unknown), then by tid. Classification is cached per model and
 * refreshed while it grows.
 */
export class OsThreadLayout {
  /** The rows, top to bottom. */
  rows: OsRow[] = [];
  /** The classification of every OS thread. */
  classes: OsThreadClass[] = [];
  /** Lane (row index) of each OS thread, -1 if none. */
  laneOfThread = new Int32Array(0);
  /** Kind index (into OS_THREAD_KINDS) of each OS thread. */
  kindOfThread = new Int32Array(0);
  /** Total height, CSS px. */
  heightPx = NOTE_PX;
  private model: TraceModel | undefined;
  private version = -1;
  private threadCount = -1;
  private classifiedAt = 0;
  private folded = false;

  /** Recomputes if the model changed; returns true when it did. */
  update(model: TraceModel): boolean {
    const os = model.os;
    const now = Date.now();
    const stale =
      model !== this.model ||
      os.threads.length !== this.threadCount ||
      osLaneOptions.foldIdle !== this.folded ||
      (model.version !== this.version && now - this.classifiedAt >= RECLASSIFY_MS);
    if (!stale) {
      return false;
    }
    this.model = model;
    this.version = model.version;
    this.threadCount = os.threads.length;
    this.classifiedAt = now;
    this.folded = osLaneOptions.foldIdle;
    this.classes = osThreadClasses(model);
    this.kindOfThread = Int32Array.from(this.classes, (c) => OS_THREAD_KINDS.indexOf(c.kind));
    this.laneOfThread = new Int32Array(os.threads.length).fill(-1);
    this.rows = [];
    let topPx = 0;
    const push = (row: Omit<OsRow, 'topPx'>): void => {
      this.rows.push({ ...row, topPx });
      topPx += row.heightPx;
    };
    const note = noteText(model);
    if (note) {
      push({ type: 'note', heightPx: NOTE_PX, pid: -1, thread: -1, text: note });
    }
    const pids: number[] = [];
    for (const t of os.threads) {
      if (!pids.includes(t.pid)) {
        pids.push(t.pid);
      }
    }
    for (const pid of pids) {
      const all = os.threads.filter((t) => t.pid === pid);
      // Folded: threads never seen on a CPU (the idle V8 and pool threads).
      const members = all
        .filter((t) => !this.folded || t.runNs > 0)
        .sort(
          (a, b) =>
            this.kindOfThread[a.index] - this.kindOfThread[b.index] ||
            (this.classes[a.index].basis === 'trace' ? 0 : 1) -
              (this.classes[b.index].basis === 'trace' ? 0 : 1) ||
            a.tid - b.tid,
        );
      const command = processCommand(model, pid);
      const ppid = all[0].ppid;
      const hidden = all.length - members.length;
      const parent = ppid > 0 ? `, child of ${ppid}` : '';
      push({
        type: 'process',
        heightPx: HEADER_PX,
        pid,
        thread: -1,
        text: `process ${pid}${command ? `: ${command}` : ''} (${all.length} OS threads${parent}${hidden ? `; ${hidden} that never ran folded` : ''})`,
      });
      for (const t of members) {
        this.laneOfThread[t.index] = this.rows.length;
        push({
          type: 'thread',
          heightPx: LANE_PX,
          pid,
          thread: t.index,
          text: laneText(t, this.classes[t.index]),
        });
      }
    }
    this.heightPx = Math.max(topPx, NOTE_PX);
    return true;
  }

  /** The row at a y (CSS px from the track's top), if any. */
  rowAt(yPx: number): OsRow | undefined {
    return this.rows.find((r) => yPx >= r.topPx && yPx < r.topPx + r.heightPx);
  }
}

/** What the note row says: why there are no lanes, or that they are estimates; '' if nothing. */
export function noteText(model: TraceModel): string {
  const os = model.os;
  const info = os.info;
  if (!os.threads.length) {
    if (!info) {
      return model.threads.length
        ? 'No OS thread samples in this trace (recorded without the sampler): no thread or core lanes; the cores chart is an estimate from JS callbacks.'
        : 'No OS thread has been sampled yet.';
    }
    if (!info.available) {
      return `OS threads unavailable on ${info.platform}${info.reason ? ` (${info.reason})` : ''}: no thread or core lanes; the cores chart is an estimate from JS callbacks.`;
    }
    return 'No OS thread has been sampled yet.';
  }
  if (info?.estimate) {
    return `Estimates: ${info.reason ?? `${info.platform} does not expose per-thread scheduling`}; these lanes are not measurements.`;
  }
  return '';
}
