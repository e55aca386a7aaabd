import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '@roomchat/protocol';
import type { RoomEvent } from './chat/events.js';
import type { ChatServerConfig } from './config.js';
import { pingDatabase, type Database } from './db.js';
import { ChatError } from './errors.js';
import type { ChatIo } from './realtime/socket-types.js';
import { pingRedis, type RedisClient } from './redis.js';

interface Sources {
  db: Database;
  io: ChatIo;
  redis: RedisClient | undefined;
}

/**
 * The server's Prometheus metrics, in a registry of its own (tests run several servers in one
 * process). Counts of committed events come from a RoomEvents subscriber (`onRoomEvent`); the write
 * path only reads a timer and observes (`observeAck`, `observeBatch`). Gauges are read when scraped.
 * docs/operating.md lists them all.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #stored: Counter<'kind'>;
  readonly #ackSeconds: Histogram;
  readonly #batchEntries: Histogram;
  readonly #http: Histogram<'method' | 'route' | 'status'>;

  constructor({ db, io, redis }: Sources) {
    const registers = [this.registry];
    // Node's standard metrics under their usual names (nodejs_eventloop_lag_seconds, process_*), so
    // stock dashboards work; the server's own are roomchat_*.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'roomchat_connections',
      help: 'Socket.IO connections open on this node.',
      registers,
      collect() {
        this.set(io.of('/').sockets.size);
      },
    });
    new Gauge({
      name: 'roomchat_rooms_active',
      help: 'Rooms with at least one member connected to this node.',
      registers,
      collect() {
        let rooms = 0;
        for (const name of io.of('/').adapter.rooms.keys()) if (name.startsWith('room:')) rooms++;
        this.set(rooms);
      },
    });
    this.#stored = new Counter({
      name: 'roomchat_messages_stored_total',
      help: "Entries committed to rooms' logs on this node, by kind (text, image, join, leave, edit, delete, reaction).",
      labelNames: ['kind'],
      registers,
    });
    this.#ackSeconds = new Histogram({
      name: 'roomchat_message_ack_seconds',
      help: 'From a message:send being handled to its ack (the message committed), in seconds.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#batchEntries = new Histogram({
      name: 'roomchat_commit_batch_entries',
      help: 'Entries written per commit (group commit: one transaction for many messages).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    new Gauge({
      name: 'roomchat_storage_up',
      help: 'Whether the database answers a query (1) or not (0), as /healthz reports it.',
      registers,
      async collect() {
        this.set((await pingDatabase(db)) ? 1 : 0);
      },
    });
    if (redis) {
      new Gauge({
        name: 'roomchat_redis_up',
        help: 'Whether Redis answers a PING (1) or not (0), as /healthz reports it.',
        registers,
        async collect() {
          this.set((await pingRedis(redis)) ? 1 : 0);
        },
      });
    }
    this.#http = new Histogram({
      name: 'roomchat_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, with their duration in seconds.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
  }

  /** A RoomEvents subscriber: counts the entries committed. */
  readonly onRoomEvent = (event: RoomEvent): void => {
    if (event.type === 'entry-appended') this.#stored.inc({ kind: event.entry.kind });
  };

  readonly observeAck = (seconds: number): void => this.#ackSeconds.observe(seconds);

  readonly observeBatch = (entries: number): void => this.#batchEntries.observe(entries);

  /**
   * Times every HTTP request. The route label is the router's pattern (`/v1/rooms/:code`), never
   * the path, so room codes stay out of the labels and their number stays bounded.
   */
  httpMiddleware(): Middleware {
    return async (ctx, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
        this.#http.observe({ method: ctx.method, route: typeof route === 'string' ? route : 'unmatched', status: String(ctx.status) }, (performance.now() - started) / 1000);
      }
    };
  }
}

/**
 * GET /metrics, guarded by `metricsToken` (a bearer token) and `metricsAllowFrom` (client addresses,
 * as resolved with trustProxy). With neither set (the default) it answers 404 as if it did not exist.
 */
export function metricsRouter(metrics: Metrics, config: Pick<ChatServerConfig, 'metricsToken' | 'metricsAllowFrom'>): Router {
  const router = new Router();
  const token = config.metricsToken ? digest(config.metricsToken) : undefined;
  const allowed = new Set(config.metricsAllowFrom);
  router.get('/metrics', async (ctx) => {
    if (!token && allowed.size === 0) throw new ChatError(ErrorCode.NOT_FOUND, 'No route for GET /metrics');
    const bearer = /^Bearer (.+)$/i.exec(ctx.get('Authorization'))?.[1];
    const byToken = token !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), token);
    if (!byToken && !allowed.has(ctx.ip)) throw new ChatError(ErrorCode.FORBIDDEN, 'Metrics need the bearer token or an allowed address');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}

/** Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first difference. */
const digest = (value: string) => createHash('sha256').update(value).digest();
