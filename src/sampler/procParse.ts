/**
 * Parsers of /proc/<pid>/task/<tid>/{stat,schedstat} that read bytes in place: the sampler
 * reads them hundreds of times a second, so no strings and no arrays per read.
 */

/** What one read of a task's stat and schedstat says. */
export interface TaskReading {
  /** ASCII code of the state letter (R running or runnable, S sleeping, D disk wait...). */
  state: number;
  /** Parent process id (stat field 4; for a thread: the parent of its process). */
  ppid: number;
  /** Clock ticks in user and kernel mode (fields 14 and 15; coarse, for reference only). */
  ticks: number;
  /** The CPU the task last ran on (field 39). */
  processor: number;
  /** Nanoseconds on a CPU (schedstat field 1). */
  runNs: number;
  /** Nanoseconds waiting in a run queue (schedstat field 2). */
  waitNs: number;
}

const SPACE = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE_PAREN = 0x29;

/**
 * Parses a stat line into `out`; returns false when it is not one. The comm (field 2) may hold
 * spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseStat(buf: Uint8Array, length: number, out: TaskReading): boolean {
  let close = -1;
  for (let i = length - 1; i >= 0; i--) {
    if (buf[i] === CLOSE_PAREN) {
      close = i;
      break;
    }
  }
  if (close < 0 || close + 2 >= length) {
    return false;
  }
  out.state = buf[close + 2];
  // Field 3 (state) starts at close + 2; walk the following fields.
  let field = 3;
  let pos = close + 2;
  let utime = 0;
  let found = 0;
  while (pos < length && field < 39) {
    // Skip to the next field.
    while (pos < length && buf[pos] !== SPACE) {
      pos++;
    }
    pos++;
    field++;
    if (field === 4 || field === 14 || field === 15 || field === 39) {
      let v = 0;
      while (pos < length && buf[pos] >= ZERO && buf[pos] <= NINE) {
        v = v * 10 + (buf[pos] - ZERO);
        pos++;
      }
      if (field === 4) {
        out.ppid = v;
      } else if (field === 14) {
        utime = v;
      } else if (field === 15) {
        out.ticks = utime + v;
      } else {
        out.processor = v;
        found = 1;
      }
    }
  }
  return found === 1;
}

/** Parses a schedstat line ("runNs waitNs timeslices") into `out`; false when it is not one. */
export function parseSchedstat(buf: Uint8Array, length: number, out: TaskReading): boolean {
  let pos = 0;
  let run = 0;
  let digits = 0;
  while (pos < length && buf[pos] >= ZERO && buf[pos] <= NINE) {
    run = run * 10 + (buf[pos++] - ZERO);
    digits++;
  }
  if (!digits || buf[pos] !== SPACE) {
    return false;
  }
  pos++;
  let wait = 0;
  digits = 0;
  while (pos < length && buf[pos] >= ZERO && buf[pos] <= NINE) {
    wait = wait * 10 + (buf[pos++] - ZERO);
    digits++;
  }
  if (!digits) {
    return false;
  }
  out.runNs = run;
  out.waitNs = wait;
  return true;
}

/** A fresh reading with every field zero. */
export function emptyReading(): TaskReading {
  return { state: 0, ppid: 0, ticks: 0, processor: 0, runNs: 0, waitNs: 0 };
}

/** The machine's jiffies so far, from /proc/stat's first line ("cpu  user nice system ..."). */
export interface MachineReading {
  /** Every field but idle and iowait: user, nice, system, irq, softirq, steal. */
  busy: number;
  /** Every field (guest time is inside user and nice already, so it is left out). */
  total: number;
}

/**
 * Parses the aggregate line at the start of /proc/stat into `out`; false when it is not one.
 * Fields: user nice system idle iowait irq softirq steal guest guest_nice.
 */
export function parseProcStat(buf: Uint8Array, length: number, out: MachineReading): boolean {
  // "cpu" then spaces.
  if (length < 5 || buf[0] !== 0x63 || buf[1] !== 0x70 || buf[2] !== 0x75 || buf[3] !== SPACE) {
    return false;
  }
  let pos = 3;
  let busy = 0;
  let total = 0;
  let fields = 0;
  while (pos < length && fields < 8) {
    while (pos < length && buf[pos] === SPACE) {
      pos++;
    }
    if (pos >= length || buf[pos] < ZERO || buf[pos] > NINE) {
      break;
    }
    let v = 0;
    while (pos < length && buf[pos] >= ZERO && buf[pos] <= NINE) {
      v = v * 10 + (buf[pos++] - ZERO);
    }
    // Fields 3 (idle) and 4 (iowait), counted from 0, are the idle ones.
    if (fields !== 3 && fields !== 4) {
      busy += v;
    }
    total += v;
    fields++;
  }
  if (fields < 4) {
    return false;
  }
  out.busy = busy;
  out.total = total;
  return true;
}
