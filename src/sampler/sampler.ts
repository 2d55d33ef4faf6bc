import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SAMPLER_FILE_NAME, type SamplerInfo } from '../shared/traceFormat';
import { emptyReading, parseSchedstat, parseStat, type TaskReading } from './procParse';
import { MachineStat } from './machineStat';
import { SamplerRecordWriter, samplerSegmentName } from './recordWriter';

/** How the sampler runs. */
export interface SamplerOptions {
  /** Sampling period (default 7 ms: fine enough for callbacks, cheap enough to stay < 3%). */
  intervalMs?: number;
  /** How often child processes and thread names are looked for (default 100 ms). */
  scanMs?: number;
  /** How often the stream file gets what was sampled (default 100 ms, like the tracer). */
  flushMs?: number;
  /** Flight recorder: keep only about the last this many seconds of samples on disk. */
  ringSeconds?: number;
}

/** One OS thread followed through kept-open descriptors. */
interface Task {
  pid: number;
  tid: number;
  statFd: number;
  schedFd: number;
  commFd: number;
  name: string;
  runNs: number;
  waitNs: number;
  /** When its counters were last read (ns since the epoch). */
  readNs: number;
  /** It ran since the last scan for children and names (an idle thread forks no child). */
  ran: boolean;
}

/** One process followed: the program or one of its descendants. */
interface Proc {
  pid: number;
  ppid: number;
  /** When its task folder was last listed. */
  scannedNs: number;
}

const PROC = '/proc';

/**
 * Samples every OS thread of a program and of its descendant processes from outside, through
 * /proc (Linux), and writes what it sees to `sampler.cvt` in the session folder: threads and
 * their names, and per period each thread's run time and run-queue wait (schedstat, in ns: the
 * tick-based utime/stime are too coarse below 50 ms) and the core it last ran on.
 *
 * Each counter file stays open and is re-read at offset 0 (pread): 5 us per thread instead of
 * 31 us for open+read+close. Elsewhere than Linux no API reads another process's threads: the
 * sampler only writes a SamplerInfo saying so, and views show no thread or core lanes.
 */
export class Sampler {
  private readonly intervalNs: number;
  private readonly scanNs: number;
  private readonly flushNs: number;
  private readonly tasks = new Map<number, Task>();
  private readonly procs = new Map<number, Proc>();
  private readonly buf = new Uint8Array(1024);
  private readonly reading: TaskReading = emptyReading();
  private writer?: SamplerRecordWriter;
  private fd = -1;
  private timer?: ReturnType<typeof setTimeout>;
  private rootPid = -1;
  private samples = 0;
  private busyNs = 0;
  private firstNs = NaN;
  private lastNs = NaN;
  private lastScanNs = -Infinity;
  private lastFlushNs = 0;
  private cpuAtStart?: NodeJS.CpuUsage;
  private hostCpuNs = 0;
  private readonly hasChildrenFiles: boolean;
  private stopped = false;
  /** This thread's own schedstat: the sampler's CPU time, measured like the program's. */
  private selfFd = -1;
  private readonly self: TaskReading = emptyReading();
  /** The whole machine's busy time, on the same ticks: what other processes took. */
  private readonly machine = new MachineStat();

  /** Flight recorder window, s (0: the whole run). */
  private readonly ringSeconds: number;

  constructor(
    private readonly dir: string,
    private readonly epochNs: bigint,
    options: SamplerOptions = {},
  ) {
    this.intervalNs = (options.intervalMs ?? 7) * 1e6;
    this.scanNs = (options.scanMs ?? 100) * 1e6;
    this.flushNs = (options.flushMs ?? 100) * 1e6;
    this.ringSeconds = options.ringSeconds ?? 0;
    this.hasChildrenFiles =
      process.platform === 'linux' && fs.existsSync(`${PROC}/self/task/${process.pid}/children`);
  }

  /** Starts following process `pid` (call it right after spawning the program). */
  start(pid: number): void {
    if (this.writer || this.stopped) {
      return;
    }
    this.rootPid = pid;
    // A new file only this user can read ('ax' never opens an existing name or symlink).
    const ring = this.ringSeconds ? { dir: this.dir, windowNs: this.ringSeconds * 1e9 } : undefined;
    const name = ring ? samplerSegmentName(0) : SAMPLER_FILE_NAME;
    this.fd = fs.openSync(path.join(this.dir, name), 'ax', 0o600);
    this.writer = new SamplerRecordWriter(this.fd, process.pid, ring);
    const now = this.nowNs();
    if (process.platform !== 'linux') {
      this.writer.samplerInfo(now, this.info(false));
      this.writer.flush();
      return;
    }
    this.cpuAtStart = process.cpuUsage();
    try {
      this.selfFd = fs.openSync(`${PROC}/thread-self/schedstat`, 'r');
    } catch {
      this.selfFd = -1; // kernels before 3.17: hrtime around each tick instead
    }
    this.machine.open();
    this.firstNs = now;
    this.addProc(pid, now);
    this.writer.samplerInfo(now, this.info(false));
    this.tick();
    // Ticks aim at fixed deadlines (start + k periods), so a late wake-up does not push every
    // later tick back the way setInterval's re-arm-from-now does.
    let deadlineNs = now + this.intervalNs;
    const arm = (): void => {
      const delayMs = Math.max(0, (deadlineNs - this.nowNs()) / 1e6);
      this.timer = setTimeout(() => {
        this.tick();
        const t = this.nowNs();
        deadlineNs += this.intervalNs;
        if (deadlineNs < t) {
          deadlineNs = t + this.intervalNs; // too far behind: no burst of catch-up ticks
        }
        if (!this.stopped) {
          arm();
        }
      }, delayMs);
      // The program, not the sampler, decides how long the host lives.
      this.timer.unref?.();
    };
    arm();
  }

  /** Takes a last sample, writes the final SamplerInfo and closes every descriptor. */
  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    clearTimeout(this.timer);
    const writer = this.writer;
    if (!writer) {
      return;
    }
    if (process.platform === 'linux') {
      this.tick();
      if (this.cpuAtStart) {
        const cpu = process.cpuUsage(this.cpuAtStart);
        this.hostCpuNs = (cpu.user + cpu.system) * 1000;
      }
      writer.samplerInfo(this.nowNs(), this.info(true));
    }
    writer.flush();
    writer.close();
    for (const task of this.tasks.values()) {
      this.closeTask(task);
    }
    this.tasks.clear();
    fs.closeSync(this.fd);
    if (this.selfFd >= 0) {
      fs.closeSync(this.selfFd);
    }
    this.machine.close();
  }

  /** The sampler's figures so far. */
  info(final: boolean): SamplerInfo {
    const linux = process.platform === 'linux';
    return {
      platform: process.platform,
      available: linux,
      estimate: !linux,
      ...(linux
        ? {}
        : {
            reason: `no per-thread CPU of another process on ${process.platform}: thread and core lanes are unavailable`,
          }),
      cores: os.availableParallelism?.() ?? os.cpus().length,
      intervalNs: this.intervalNs,
      rootPid: this.rootPid,
      samples: this.samples,
      busyNs: Math.round(this.busyNs),
      hostCpuNs: Math.round(this.hostCpuNs),
      wallNs: Number.isNaN(this.firstNs) ? 0 : Math.round(this.lastNs - this.firstNs),
      final,
    };
  }

  private nowNs(): number {
    return Number(process.hrtime.bigint() - this.epochNs);
  }

  private tick(): void {
    const writer = this.writer;
    if (!writer) {
      return;
    }
    const t0 = this.nowNs();
    const self0 = this.selfRunNs();
    this.samples++;
    if (t0 - this.lastScanNs >= this.scanNs) {
      this.lastScanNs = t0;
      this.scanChildrenAndNames(t0);
    }
    for (const proc of this.procs.values()) {
      this.scanTasks(proc, t0);
    }
    const r = this.reading;
    for (const task of this.tasks.values()) {
      if (!this.read(task, r)) {
        writer.osThreadExit(t0, task.tid);
        this.closeTask(task);
        this.tasks.delete(task.tid);
        continue;
      }
      const runNs = r.runNs - task.runNs;
      const waitNs = r.waitNs - task.waitNs;
      if (runNs > 0 || waitNs > 0) {
        task.ran = true;
        writer.cpuSample({
          timeNs: t0,
          tid: task.tid,
          periodNs: t0 - task.readNs,
          runNs,
          waitNs,
          cpu: r.processor,
          state: r.state,
        });
      }
      task.runNs = r.runNs;
      task.waitNs = r.waitNs;
      task.readNs = t0;
    }
    const machine = this.machine.sample(t0, this.stopped);
    if (machine) {
      writer.machineCpu(machine);
    }
    const t1 = this.nowNs();
    this.lastNs = t1;
    if (t1 - this.lastFlushNs >= this.flushNs) {
      this.lastFlushNs = t1;
      writer.flush();
    }
    const self1 = this.selfRunNs();
    this.busyNs += self0 >= 0 && self1 >= 0 ? self1 - self0 : this.nowNs() - t0;
  }

  /** This thread's run time so far (ns), or -1. */
  private selfRunNs(): number {
    if (this.selfFd < 0) {
      return -1;
    }
    try {
      const n = fs.readSync(this.selfFd, this.buf, 0, this.buf.length, 0);
      return parseSchedstat(this.buf, n, this.self) ? this.self.runNs : -1;
    } catch {
      return -1;
    }
  }

  /** Reads a task's stat and schedstat; false when it is gone. */
  private read(task: Task, r: TaskReading): boolean {
    try {
      const n = fs.readSync(task.statFd, this.buf, 0, this.buf.length, 0);
      if (!parseStat(this.buf, n, r)) {
        return false;
      }
      const m = fs.readSync(task.schedFd, this.buf, 0, this.buf.length, 0);
      return parseSchedstat(this.buf, m, r);
    } catch {
      return false; // ESRCH: the thread exited
    }
  }

  private addProc(pid: number, sinceNs: number): void {
    if (this.procs.has(pid)) {
      return;
    }
    const proc: Proc = { pid, ppid: -1, scannedNs: sinceNs };
    this.procs.set(pid, proc);
    this.scanTasks(proc, this.nowNs(), sinceNs);
  }

  /** Picks up the threads of a process that appeared since its last listing. */
  private scanTasks(proc: Proc, nowNs: number, sinceNs = proc.scannedNs): void {
    let tids: string[];
    try {
      tids = fs.readdirSync(`${PROC}/${proc.pid}/task`);
    } catch {
      this.procs.delete(proc.pid);
      return;
    }
    if (tids.length === 0) {
      this.procs.delete(proc.pid);
      return;
    }
    for (const name of tids) {
      const tid = Number(name);
      if (!this.tasks.has(tid)) {
        this.addTask(proc, tid, nowNs, sinceNs);
      }
    }
    proc.scannedNs = nowNs;
  }

  private addTask(proc: Proc, tid: number, nowNs: number, sinceNs: number): void {
    const base = `${PROC}/${proc.pid}/task/${tid}`;
    let task: Task;
    try {
      task = {
        pid: proc.pid,
        tid,
        statFd: fs.openSync(`${base}/stat`, 'r'),
        schedFd: -1,
        commFd: -1,
        name: '',
        runNs: 0,
        waitNs: 0,
        readNs: sinceNs,
        ran: true,
      };
      this.tasks.set(tid, task);
      task.schedFd = fs.openSync(`${base}/schedstat`, 'r');
      task.commFd = fs.openSync(`${base}/comm`, 'r');
    } catch {
      const t = this.tasks.get(tid);
      if (t) {
        this.closeTask(t);
        this.tasks.delete(tid);
      }
      return; // gone already
    }
    task.name = this.readComm(task);
    const r = this.reading;
    if (this.read(task, r)) {
      proc.ppid = r.ppid;
    }
    this.writer!.osThread(nowNs, proc.pid, tid, proc.ppid, task.name);
    // Its counters start at its birth, after `sinceNs` (it was not there then): the tick
    // reads them as the first period's deltas.
  }

  private readComm(task: Task): string {
    try {
      const n = fs.readSync(task.commFd, this.buf, 0, 64, 0);
      return Buffer.from(this.buf.subarray(0, n)).toString('utf8').trim();
    } catch {
      return task.name;
    }
  }

  /** Follows new child processes and thread renames (every `scanMs`). */
  private scanChildrenAndNames(nowNs: number): void {
    const found: number[] = [];
    if (this.hasChildrenFiles) {
      for (const task of this.tasks.values()) {
        if (!task.ran) {
          continue;
        }
        let text: string;
        try {
          text = fs.readFileSync(`${PROC}/${task.pid}/task/${task.tid}/children`, 'latin1');
        } catch {
          continue;
        }
        for (const s of text.split(' ')) {
          const pid = Number(s);
          if (pid > 0 && !this.procs.has(pid)) {
            found.push(pid);
          }
        }
      }
    } else {
      // Without CONFIG_PROC_CHILDREN: every process's parent, from its stat.
      let names: string[] = [];
      try {
        names = fs.readdirSync(PROC);
      } catch {
        // no /proc
      }
      for (const name of names) {
        const pid = Number(name);
        if (!(pid > 0) || this.procs.has(pid)) {
          continue;
        }
        try {
          const text = fs.readFileSync(`${PROC}/${pid}/stat`, 'latin1');
          const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
          if (this.procs.has(ppid)) {
            found.push(pid);
          }
        } catch {
          // gone
        }
      }
    }
    for (const pid of found) {
      this.addProc(pid, this.lastScanNsBefore(nowNs));
    }
    for (const task of this.tasks.values()) {
      if (!task.ran) {
        continue;
      }
      task.ran = false;
      const name = this.readComm(task);
      if (name && name !== task.name) {
        task.name = name;
        const proc = this.procs.get(task.pid);
        this.writer!.osThread(nowNs, task.pid, task.tid, proc?.ppid ?? -1, name);
      }
    }
  }

  /** A new child process was born after the previous scan for children. */
  private lastScanNsBefore(nowNs: number): number {
    return Math.max(this.firstNs, nowNs - this.scanNs);
  }

  private closeTask(task: Task): void {
    for (const fd of [task.statFd, task.schedFd, task.commFd]) {
      if (fd >= 0) {
        try {
          fs.closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
  }
}
