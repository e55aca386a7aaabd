import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { createClient } from 'redis';

/** The node-redis client the server shares between the Socket.IO adapter, rate limits and presence. */
export type RedisClient = ReturnType<typeof createClient>;

// Loaded on first use: node-redis adds about 0.3 s to every start, and a single node never needs it.
const require = createRequire(import.meta.url);

/**
 * A node-redis client for `url` (not connected yet). It reconnects on its own with capped backoff;
 * while it is down, callers check `isReady` and fall back (see presence.ts, rate-limits.ts).
 */
export function createRedis(url: string, log: Logger): RedisClient {
  const { createClient } = require('redis') as typeof import('redis');
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
  });
  let down = false;
  client.on('error', (err: unknown) => {
    if (!down) log.warn({ err }, 'redis unreachable; serving this node only until it returns');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('redis is back');
    down = false;
  });
  return client;
}

/** Whether Redis answers a PING within `timeoutMs`. */
export async function pingRedis(client: RedisClient, timeoutMs = 1000): Promise<boolean> {
  if (!client.isReady) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('redis ping timeout')), timeoutMs)));
    return (await Promise.race([client.ping(), timeout])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects after `ms` if `promise` has not settled: a Redis command must not hold a request forever. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
