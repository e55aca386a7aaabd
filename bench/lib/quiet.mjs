// This machine is shared (builds, browser tests): before a measurement, look at how busy the CPUs
// are while the benchmark itself is idle, and wait a little for a quieter moment.
import { readFileSync } from 'node:fs';

function cpuTimes() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/** Fraction of all CPUs busy over `ms` (0..1), or undefined without /proc/stat. */
export async function cpuBusy(ms = 500) {
  try {
    const a = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = cpuTimes();
    return 1 - (b.idle - a.idle) / (b.total - a.total);
  } catch {
    return undefined;
  }
}

/** Waits (up to `maxWaitMs`) until other processes use less than `threshold` of the CPUs. */
export async function waitQuiet({ threshold = 0.25, maxWaitMs = 20_000 } = {}) {
  const started = performance.now();
  let busy = await cpuBusy();
  while (busy !== undefined && busy > threshold && performance.now() - started < maxWaitMs) busy = await cpuBusy(1000);
  return { busy, waitedMs: performance.now() - started };
}
