import type { CpuSample, MachineCpu, SamplerInfo } from '../shared/traceFormat';
import { f64, u16, u32, u8 } from './columns';

/** One OS thread of a traced process, as the sampler saw it. */
export interface OsThreadRow {
  /** Index in `OsThreadStore.threads`. */
  index: number;
  pid: number;
  tid: number;
  /** Parent of its process (-1 if unknown). */
  ppid: number;
  /** Its comm, as last seen (15 characters at most). */
  name: string;
  /** First and last time it was seen (found, sampled or gone), ns since the epoch. */
  firstNs: number;
  lastNs: number;
  /** When its /proc entry vanished, or NaN. */
  exitNs: number;
  /** Time on a CPU and waiting in a run queue, summed over its samples. */
  runNs: number;
  waitNs: number;
  /** Its samples. */
  samples: number;
  /** End of its latest sample (samples of one thread never overlap). */
  lastSampleEndNs: number;
  /**
   * Run and wait time read but not yet placed in a sample: a period's counters may exceed its
   * span (clipped there) and are owed to the next one, so the samples keep the totals.
   */
  carryRunNs: number;
  carryWaitNs: number;
}

/**
 * OS threads and their CPU samples (from the sampler's stream), in columns. A sample says
 * that thread `sampleThread` ran `sampleRunNs` and waited `sampleWaitNs` for a core between
 * `sampleStartNs` and `sampleEndNs`, last on core `sampleCore`. Pure; fed by TraceModel.
 */
export class OsThreadStore {
  /** OS threads in order of discovery (a reused tid gets a new row). */
  readonly threads: OsThreadRow[] = [];
  /** Sample columns. */
  readonly sampleThread = u32();
  readonly sampleStartNs = f64();
  readonly sampleEndNs = f64();
  readonly sampleRunNs = f64();
  readonly sampleWaitNs = f64();
  readonly sampleCore = u16();
  /** ASCII state letter at the sample (R, S, D...). */
  readonly sampleState = u8();
  /**
   * The whole machine's busy core time (every process, ours included), from /proc/stat: busy
   * `machineBusyNs` between `machineStartNs` and `machineEndNs`. Periods never overlap.
   */
  readonly machineStartNs = f64();
  readonly machineEndNs = f64();
  readonly machineBusyNs = f64();
  /** The sampler's last SamplerInfo, if any. */
  info?: SamplerInfo;
  /** Highest core number seen in a sample. */
  maxCore = -1;
  /** Bumped on every change. */
  version = 0;
  private readonly byTid = new Map<number, number>();

  /** Number of CPU samples. */
  get sampleCount(): number {
    return this.sampleStartNs.length;
  }

  /** The row of a tid (its latest incarnation), if seen. */
  rowOfTid(tid: number): OsThreadRow | undefined {
    const i = this.byTid.get(tid);
    return i === undefined ? undefined : this.threads[i];
  }

  /** A thread was found or renamed. */
  osThread(timeNs: number, pid: number, tid: number, ppid: number, name: string): void {
    const row = this.rowOfTid(tid);
    if (row && row.pid === pid && Number.isNaN(row.exitNs)) {
      row.name = name;
      if (ppid >= 0) {
        row.ppid = ppid;
      }
    } else {
      this.byTid.set(tid, this.threads.length);
      this.threads.push({
        index: this.threads.length,
        pid,
        tid,
        ppid,
        name,
        firstNs: timeNs,
        lastNs: timeNs,
        exitNs: NaN,
        runNs: 0,
        waitNs: 0,
        samples: 0,
        lastSampleEndNs: -Infinity,
        carryRunNs: 0,
        carryWaitNs: 0,
      });
    }
    this.version++;
  }

  /** A thread's run and wait time over the period before `timeNs`. */
  cpuSample({ timeNs, tid, periodNs, runNs, waitNs, cpu, state }: CpuSample): void {
    const row = this.rowOfTid(tid);
    if (!row) {
      return; // a sample of a thread never announced: the stream lost a frame
    }
    // The counters are read a little after the clock (much later on a loaded machine), and a
    // running thread's schedstat advances by scheduler ticks (4 ms at HZ=250), so a period can
    // hold more run time than wall time and the next one less. A thread's samples never overlap
    // and never hold more than their span: the excess is carried to its next sample, not
    // dropped (dropped, a thread spinning in 7 ms periods lost a tenth of its run time).
    const startNs = Math.max(timeNs - periodNs, row.lastSampleEndNs);
    const spanNs = Math.max(timeNs - startNs, 0);
    const owedRunNs = runNs + row.carryRunNs;
    const owedWaitNs = waitNs + row.carryWaitNs;
    const placedRunNs = Math.min(owedRunNs, spanNs);
    const placedWaitNs = Math.min(owedWaitNs, spanNs - placedRunNs);
    row.carryRunNs = owedRunNs - placedRunNs;
    row.carryWaitNs = owedWaitNs - placedWaitNs;
    this.sampleThread.push(row.index);
    this.sampleStartNs.push(startNs);
    this.sampleEndNs.push(timeNs);
    this.sampleRunNs.push(placedRunNs);
    this.sampleWaitNs.push(placedWaitNs);
    row.lastSampleEndNs = Math.max(row.lastSampleEndNs, timeNs);
    this.sampleCore.push(cpu);
    this.sampleState.push(state);
    row.runNs += runNs;
    row.waitNs += waitNs;
    row.samples++;
    row.lastNs = Math.max(row.lastNs, timeNs);
    row.firstNs = Math.min(row.firstNs, startNs);
    if (cpu > this.maxCore) {
      this.maxCore = cpu;
    }
    this.version++;
  }

  /** The machine's busy core time over the period before `timeNs`. */
  machineCpu({ timeNs, periodNs, busyNs }: MachineCpu): void {
    const n = this.machineEndNs.length;
    const startNs = Math.max(timeNs - periodNs, n ? this.machineEndNs.data[n - 1] : -Infinity);
    if (!(timeNs > startNs)) {
      return; // out of order or empty: nothing to spread
    }
    this.machineStartNs.push(startNs);
    this.machineEndNs.push(timeNs);
    // Views cap each bucket at the machine's cores: a corrupt figure cannot draw past them.
    this.machineBusyNs.push(busyNs);
    this.version++;
  }

  /** A thread is gone. */
  osThreadExit(timeNs: number, tid: number): void {
    const row = this.rowOfTid(tid);
    if (row) {
      row.exitNs = timeNs;
      row.lastNs = Math.max(row.lastNs, timeNs);
      this.version++;
    }
  }

  /** The sampler's figures (the last record wins). */
  samplerInfo(info: SamplerInfo): void {
    this.info = info;
    this.version++;
  }
}
