// CPU time from /proc/stat, in clock ticks (10 ms), for the whole machine or one CPU.
import { readFileSync } from 'node:fs';

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
