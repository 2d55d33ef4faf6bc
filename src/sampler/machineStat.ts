import * as fs from 'node:fs';
import * as os from 'node:os';
import type { MachineCpu } from '../shared/traceFormat';
import { parseProcStat, type MachineReading } from './procParse';

/**
 * The whole machine's busy core time, read from /proc/stat (kept open, re-read at offset 0) on
 * the sampler's ticks and clock: what other processes took is that less our threads' run time.
 *
 * /proc/stat counts 10 ms jiffies per CPU, so a 7 ms period on 2 cores reads 1 or 2 of them:
 * a record covers at least 3 jiffies per CPU (about 30 ms), enough for a share that is not
 * mostly rounding. The busy share of all jiffies, times the CPUs and the period, is in ns of
 * our clock (the jiffies' own clock is not the session's).
 */
export class MachineStat {
  private fd = -1;
  private readonly buf = new Uint8Array(512);
  /** Online CPUs, which the first line of /proc/stat sums over. */
  private readonly cpus = Math.max(1, os.cpus().length);
  private readonly now: MachineReading = { busy: 0, total: 0 };
  private last: MachineReading = { busy: 0, total: 0 };
  private lastNs = NaN;

  /** Opens /proc/stat; without it (not Linux, no procfs) every sample is undefined. */
  open(): void {
    try {
      this.fd = fs.openSync('/proc/stat', 'r');
    } catch {
      this.fd = -1;
    }
  }

  /** Reads at `timeNs`; returns a record once enough jiffies passed (or when `last`). */
  sample(timeNs: number, last = false): MachineCpu | undefined {
    if (this.fd < 0) {
      return undefined;
    }
    const r = this.now;
    try {
      const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, 0);
      if (!parseProcStat(this.buf, n, r)) {
        return undefined;
      }
    } catch {
      return undefined;
    }
    if (Number.isNaN(this.lastNs)) {
      this.last = { busy: r.busy, total: r.total };
      this.lastNs = timeNs;
      return undefined;
    }
    const totalJ = r.total - this.last.total;
    if (totalJ < 3 * this.cpus && !last) {
      return undefined;
    }
    const periodNs = timeNs - this.lastNs;
    const busyJ = r.busy - this.last.busy;
    this.last = { busy: r.busy, total: r.total };
    this.lastNs = timeNs;
    if (!(totalJ > 0) || !(periodNs > 0)) {
      return undefined;
    }
    const share = Math.min(1, Math.max(0, busyJ / totalJ));
    return { timeNs, periodNs, busyNs: Math.round(share * this.cpus * periodNs) };
  }

  /** Closes /proc/stat. */
  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}
