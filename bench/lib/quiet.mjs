// This machine is shared (builds, browser tests): before a measurement, look at how busy the CPUs
// are while the benchmark itself is idle, and wait a little for a quieter moment.
import { cpuTimes } from './cpu-stat.mjs';

/** Fraction of all CPUs busy over `ms` (0..1), or undefined without /proc/stat. */
export async function cpuBusy(ms = 500) {
  const a = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = cpuTimes();
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** Waits (up to `maxWaitMs`) until other processes use less than `threshold` of the CPUs. */
export async function waitQuiet({ threshold = 0.25, maxWaitMs = 20_000 } = {}) {
  const started = performance.now();
  let busy = await cpuBusy();
  while (busy !== undefined && busy > threshold && performance.now() - started < maxWaitMs) busy = await cpuBusy(1000);
  return { busy, waitedMs: performance.now() - started };
}
