import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from '@koa/cors';
import Koa from 'koa';
import { pino, type Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { Chat } from './chat/chat.js';
import { resolveConfig, type ChatServerConfig } from './config.js';
import { openDatabase, type Database } from './db.js';
import { apiHeaders } from './http/api-headers.middleware.js';
import { answerClientErrors, closeUnfinishedRequests } from './http/client-errors.js';
import { errorResponses } from './http/errors.middleware.js';
import { imagesRouter } from './http/images.routes.js';
import { openApiRouter } from './http/openapi.js';
import { requestLog } from './http/request-log.middleware.js';
import { identifyRequests, requestState } from './http/app.middleware.js';
import { originCheck } from './http/origin.middleware.js';
import { Apps } from './auth/apps.js';
import { identifyConnections } from './realtime/identify.js';
import { roomsRouter } from './http/rooms.routes.js';
import { appRoomsRouter } from './http/app-rooms.routes.js';
import { appSettingsRouter } from './http/app-settings.routes.js';
import { dataRightsRouter } from './http/data-rights.routes.js';
import { moderationRouter } from './http/moderation.routes.js';
import { adminRouter } from './http/admin.routes.js';
import { AdminTokens } from './auth/admin-tokens.js';
import { siteRouter } from './http/site.routes.js';
import type { MessageWriter } from './message-writer.js';
import { Metrics, metricsRouter } from './metrics.js';
import { clientAddress } from './client-address.js';
import { admitConnections, handshakeAddress } from './realtime/admission.js';
import { watchBackpressure } from './realtime/backpressure.js';
import { handleConnection } from './realtime/connection.js';
import { socketFanOut } from './realtime/fan-out.js';
import { moderationSignals } from './realtime/moderation-signals.js';
import type { ChatIo } from './realtime/socket-types.js';
import { migrateConcurrently } from './migrate.js';
import { createRedis, pingRedis, type RedisClient } from './redis.js';
import { createSchemas } from './schemas.js';
import { Retention } from './retention.js';
import { Webhooks } from './webhooks/webhooks.js';
import { webhooksRouter } from './http/webhooks.routes.js';

export interface ChatServerOptions extends Partial<ChatServerConfig> {
  /** A pino logger to use instead of one built from `logLevel`. */
  logger?: Logger;
  /** PostgreSQL schema to work in (tests isolate runs with it); default `public`. */
  searchPath?: string;
  /**
   * Stores message batches in place of the database's own writer. History, rooms and images stay
   * in the database. The benchmark's "storing nothing" server uses it to show what storing costs.
   */
  messageWriter?: MessageWriter;
}

export interface ChatServer {
  readonly config: ChatServerConfig;
  readonly app: Koa;
  readonly io: ChatIo;
  readonly httpServer: HttpServer;
  readonly db: Database;
  readonly chat: Chat;
  /** The apps (tenants) of the database: their origins, settings and keys. */
  readonly apps: Apps;
  readonly log: Logger;
  /** The Redis client shared by the adapter, rate limits and presence, when `redisUrl` is set. */
  readonly redis: RedisClient | undefined;
  /** The Prometheus metrics served at GET /metrics (metrics.ts). */
  readonly metrics: Metrics;
  /** The background job that deletes history past its retention period (retention.ts). */
  readonly retention: Retention;
  /** The apps' webhook endpoints, their queue and its delivery (docs/webhooks.md). */
  readonly webhooks: Webhooks;
  /** Signs and checks the admin tokens of /admin (docs/admin.md). */
  readonly adminTokens: AdminTokens;
  /** Migrates the database, then listens. Resolves with the URL clients use. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>;
  /** Stops accepting, waits for writes in flight, closes connections and the database. */
  close(): Promise<void>;
}

/**
 * Creates a Roomchat server: Koa for HTTP and Socket.IO on one HTTP server. Nothing happens
 * until `listen()`, so tests can create one on port 0 with a temporary data directory.
 *
 * @example
 * const server = createChatServer({ dataDir: './data' });
 * const { url } = await server.listen({ port: 3000 });
 */
export function createChatServer(options: ChatServerOptions = {}): ChatServer {
  const { logger, searchPath, messageWriter, ...overrides } = options;
  const config = resolveConfig(overrides);
  const log = logger ?? pino({ level: config.logLevel });
  const db = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    busyTimeoutMs: config.sqliteBusyTimeoutMs,
    postgresSynchronousCommit: config.postgresSynchronousCommit,
    log,
    ...(searchPath ? { searchPath } : {}),
  });
  const schemas = createSchemas(config);
  const apps = new Apps(db, config.appsCacheMs);
  const allowsAnyOrigin = config.corsOrigins.includes('*');
  /**
   * Whether CORS headers may name `origin`: a preflight does not say which app it is for, so any
   * origin of the server's setting or of some app; each request is then checked against its own
   * app's (originCheck, realtime/identify.ts).
   */
  const corsAllows = async (origin: string) => allowsAnyOrigin || config.corsOrigins.includes(origin) || (await apps.origins()).has(origin);

  // X-Forwarded-* are believed only as far as the operator's own proxies reach (client-address.ts).
  const app = new Koa({ proxy: config.trustProxy > 0, maxIpsCount: config.trustProxy });
  // Koa composes its middleware when callback() is called, so the request handler is bound once
  // the middleware below is in place; Socket.IO needs the HTTP server before that.
  let handleRequest: ReturnType<Koa['callback']> | undefined;
  // A request must arrive whole (headers and body) within httpRequestTimeoutMs, or Node answers
  // 408 (as JSON: client-errors.ts) and closes the connection, so a client that promises a body and
  // never sends it cannot hold a connection and a body reader. Node's own timers, not a Koa
  // middleware: they also cover bodies no route reads and headers that never finish (slowloris).
  // Node checks them every connectionsCheckingInterval: its default, 30 s, would be as coarse as
  // the timeout itself, so here a quarter of it, at most 1 s (a walk over the connections with a
  // request in progress).
  const requestTimeout = config.httpRequestTimeoutMs;
  const httpServer = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => handleRequest!(req, res),
  );
  answerClientErrors(httpServer, log);
  // An Expect other than 100-continue: served as if absent, which RFC 9110 allows
  // (https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1), where Node would answer an empty 417.
  httpServer.on('checkExpectation', (req, res) => handleRequest!(req, res));
  const io: ChatIo = new SocketServer(httpServer, {
    maxHttpBufferSize: config.socketMaxPayloadBytes,
    // Keep socket.io's pre-encoded broadcast fast path: compression would re-encode per socket.
    perMessageDeflate: false,
    cors: {
      origin: allowsAnyOrigin ? '*' : (origin, callback) => void corsAllows(origin ?? '').then((ok) => callback(null, ok), (err: Error) => callback(err)),
    },
  });
  admitConnections(io, config, log);
  identifyConnections(io, apps, config, log);
  const stopBackpressure = watchBackpressure(io, config.socketMaxBufferedBytes, log);
  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  const chat = new Chat(db, config, log, { redis, messageWriter, apps });
  chat.events.subscribe(socketFanOut(io, redis, (room) => chat.conversations.directMemberIds(room)));
  chat.events.subscribe(moderationSignals(io, chat, log, redis));
  const metrics = new Metrics({ db, io, redis });
  chat.events.subscribe(metrics.onRoomEvent);
  chat.messages.onBatch = metrics.observeBatch;
  const retention = new Retention(db, { intervalMs: config.retentionIntervalMs, batchSize: config.retentionBatchSize, afterBatch: () => chat.messages.afterOtherCommit() }, log);
  const webhooks = new Webhooks(db, config, log);
  chat.events.subscribe(webhooks.onRoomEvent);

  app.use(closeUnfinishedRequests());
  // Outside errorResponses, so both see the status that is sent.
  app.use(requestLog(log));
  app.use(metrics.httpMiddleware());
  app.use(apiHeaders());
  app.use(errorResponses(log));
  app.use(async (ctx, next) => {
    ctx.request.ip = clientAddress(ctx.get('X-Forwarded-For') || undefined, ctx.req.socket.remoteAddress ?? '', config.trustProxy);
    await next();
  });
  if (redis) {
    // /healthz (site.routes.ts) reports the database; with Redis configured, it reports Redis too.
    app.use(async (ctx, next) => {
      await next();
      if (ctx.path !== '/healthz' || ctx.method !== 'GET') return;
      const up = await pingRedis(redis);
      const body = ctx.body as { status: string; database: string };
      const ok = body.database === 'ok' && up;
      ctx.status = ok ? 200 : 503;
      ctx.body = { status: ok ? 'ok' : 'degraded', database: body.database, redis: up ? 'ok' : 'unreachable' };
    });
  }
  app.use(
    cors({
      origin: async (ctx) => {
        const origin = ctx.get('Origin');
        return allowsAnyOrigin ? '*' : (await corsAllows(origin)) ? origin : '';
      },
    }),
  );
  const adminTokens = new AdminTokens();
  app.use(identifyRequests(apps, config, adminTokens));
  app.use(originCheck((ctx) => requestState(ctx).app.origins ?? config.corsOrigins));
  const routers = [siteRouter({ db }), roomsRouter({ chat, schemas, config }), appRoomsRouter({ chat, schemas, config }), appSettingsRouter({ apps, config }), moderationRouter({ chat, schemas, config }), adminRouter({ db, apps, config }), webhooksRouter({ webhooks, config }), dataRightsRouter({ chat, db, schemas, config }), imagesRouter({ chat, config }), metricsRouter(metrics, config)];
  routers.push(openApiRouter(schemas, config));
  for (const router of routers) {
    // Sets 405 (or 501) with an Allow header; errorResponses gives it the JSON body.
    app.use(router.routes()).use(router.allowedMethods());
  }
  app.on('error', (err) => log.debug({ err }, 'http error'));
  handleRequest = app.callback();

  io.on('connection', (socket) => {
    socket.data.address = handshakeAddress(socket.request, config.trustProxy);
    handleConnection(socket, { chat, schemas, log, roomsPerConnection: config.roomsPerConnection, observeAck: metrics.observeAck, tokenLimits: config, moderationPageSize: config.moderationPageSize });
  });

  let closing: Promise<void> | undefined;
  return {
    config,
    app,
    io,
    httpServer,
    db,
    chat,
    apps,
    log,
    redis,
    metrics,
    retention,
    webhooks,
    adminTokens,
    async listen({ port = 3000, host } = {}) {
      await migrateConcurrently(db);
      await chat.imageUrls.load(db, config.imageUrlSecret);
      await adminTokens.load(db);
      await chat.messages.start();
      await chat.restorePresence();
      retention.start();
      webhooks.start();
      if (redis) {
        await redis.connect();
        const { createAdapter } = await import('@socket.io/redis-streams-adapter'); // only for several nodes
        const prefix = config.redisKeyPrefix;
        // The Streams adapter resumes from its stream offset after a Redis restart instead of
        // dropping what was published meanwhile: https://github.com/socketio/socket.io-redis-streams-adapter
        io.adapter(
          createAdapter(redis, {
            streamName: `${prefix}socket.io`,
            channelPrefix: `${prefix}socket.io`,
            sessionKeyPrefix: `${prefix}sio:session:`,
          }),
        );
      }
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host === undefined || address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : shownHost}:${address.port}`;
      log.info({ url, database: config.databaseUrl ? 'postgres' : 'sqlite', redis: Boolean(redis) }, 'roomchat server listening');
      return { url, port: address.port };
    },
    close() {
      closing ??= (async () => {
        stopBackpressure();
        await retention.stop();
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
        await Promise.race([chat.settled(), deadline]);
        await chat.presence.clear();
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeAllConnections();
        await stopped;
        await chat.settled();
        await chat.messages.close();
        // After the last commit, so every committed event is queued before the database closes.
        await webhooks.close();
        await db.destroy();
        if (redis?.isOpen) redis.destroy();
      })();
      return closing;
    },
  };
}

export { DEFAULT_CONFIG, resolveConfig, type ChatServerConfig } from './config.js';
export { openDatabase } from './db.js';
export type { AppendOutcome, AppendRequest, MessageWriter } from './message-writer.js';
/** Brings a database's schema up to date; safe when several nodes start at once. */
export { migrateConcurrently as migrate } from './migrate.js';
export { ChatError } from './errors.js';
export { sign, verify, SIGNATURE_HEADER } from './signing.js';
export { WEBHOOK_EVENT_TYPES, type WebhookEvent, type WebhookEventType } from './webhooks/events.js';
export type { HookRequest, HookAnswer } from './moderation/hook.js';
export type { ModerationSettings, WordAction, LinkPolicy, HookFailMode } from './moderation/settings.js';
export { Apps, NEW_APP_SETTINGS, type App, type AppSettings, type RoomCreation } from './auth/apps.js';
