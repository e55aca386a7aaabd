// Child processes for the harness: each server and each load generator is its own Node process,
// optionally pinned to one CPU with taskset, driven by request/response messages over IPC.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/**
 * Starts `script` (a path relative to bench/lib) with an IPC channel; `cpu` pins it with taskset.
 * Returns { child, call(cmd, args) -> Promise, on(event, fn), off(event, fn), stop() }.
 */
export function startProcess(script, { cpu, env = {}, nodeArgs = [] } = {}) {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const argv = [...nodeArgs, file];
  const [command, args] = HAS_TASKSET && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    for (const { reject } of pending.values()) reject(new Error(`${script} exited (${code ?? signal}) with a call pending`));
    pending.clear();
    resolve();
  }));
  child.on('message', (msg) => {
    if (msg && msg.replyTo !== undefined) {
      const p = pending.get(msg.replyTo);
      pending.delete(msg.replyTo);
      if (!p) return;
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    } else if (msg && msg.event) {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg);
    }
  });
  const ready = new Promise((resolve, reject) => {
    const onReady = (msg) => resolve(msg);
    listeners.set('ready', [onReady]);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    child,
    pid: child.pid,
    ready,
    call(cmd, args = {}, timeoutMs = 600_000) {
      if (exited) return Promise.reject(new Error(`${script} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: ${cmd} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ id, cmd, ...args });
      });
    },
    on(event, fn) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
    },
    off(event, fn) {
      listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== fn));
    },
    async stop() {
      if (exited) return;
      try {
        await Promise.race([this.call('close', {}, 15_000), exitPromise]);
      } catch {
        /* killed below */
      }
      // The child exits by itself after answering `close` (writing its --cpu-prof profile, if any).
      const term = setTimeout(() => child.kill('SIGTERM'), 5_000);
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(term);
      clearTimeout(kill);
    },
  };
}

/** The child side: answers calls with `handlers[cmd](args)`, and announces readiness. */
export function serveCalls(handlers) {
  process.on('message', async (msg) => {
    if (!msg || msg.id === undefined) return;
    try {
      const handler = handlers[msg.cmd];
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      const result = await handler(msg);
      process.send({ replyTo: msg.id, result: result ?? null });
      if (msg.cmd === 'close') setImmediate(() => process.exit(0));
    } catch (error) {
      process.send({ replyTo: msg.id, error: error?.stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** CPU time (ms) and memory of this process, for the harness to difference over a window. */
export function processStats({ gc = false } = {}) {
  if (gc && globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now(), rss: mem.rss, heapUsed: mem.heapUsed };
}
