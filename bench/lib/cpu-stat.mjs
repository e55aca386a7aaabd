// CPU time from /proc/stat, in clock ticks (10 ms), for the whole machine or one CPU.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The machine's CPU time so far (`cpu` undefined) or one CPU's: busy (anything but idle and
 * iowait), softirq (the kernel's network processing, which loopback traffic puts on the sending
 * CPU and no process is charged for) and steal (the hypervisor running something else).
 * Undefined where /proc/stat is missing.
 */
export function cpuTimes(cpu) {
  let stat;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const line = stat.split('\n').find((l) => l.startsWith(cpu === undefined ? 'cpu ' : `cpu${cpu} `));
  if (!line) return undefined;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { total, busy: total - idle - iowait, softirq, steal };
}

/**
 * CPU time (ms) of every running process whose name is `name`, by pid: `postgres` for the
 * database's backends, which no server process is charged for. Undefined without /proc.
 */
export function processCpuMs(name) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  const byPid = new Map();
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) continue;
      // Fields after the parenthesised name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      // Gone meanwhile.
    }
  }
  return byPid;
}

/** CPU time `processCpuMs(name)` counted from `before` to now, in ms (processes started meanwhile from 0). */
export function processCpuMsSince(name, before) {
  const now = processCpuMs(name);
  if (!before || !now) return undefined;
  let ms = 0;
  for (const [pid, t] of now) ms += t - (before.get(pid) ?? 0);
  return ms;
}
