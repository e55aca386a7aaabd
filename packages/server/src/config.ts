import { DEFAULT_LIMITS, DEFAULT_ROOM_CODE_LENGTH } from '@roomchat/protocol';

/**
 * Every setting and limit of the server, with its default. docs/operating.md's settings table lists
 * every key (docs.test.ts fails when one is missing); the CLI maps flags and environment variables onto it.
 */
export interface ChatServerConfig {
  /** Where the SQLite file lives when no `databaseUrl` is given. */
  dataDir: string;
  /** A `postgres://` URL selects PostgreSQL; unset means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** A `redis://` URL makes this one of several nodes: broadcasts, rate limits and presence go through Redis. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key (and stream) this server uses, so deployments can share a Redis. */
  redisKeyPrefix: string;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Origins allowed by CORS and Socket.IO; `['*']` allows every origin (the demo default). */
  corsOrigins: string[];
  /**
   * How many proxies you run in front of the server. 0: the client address is the TCP peer's.
   * N: it is the Nth X-Forwarded-For entry from the right, the one your outermost proxy saw;
   * entries further left were written by the client and are ignored, so they cannot be forged.
   */
  trustProxy: number;

  /** Length of new room codes (alphabet of 31 symbols). */
  roomCodeLength: number;
  nameMaxLength: number;
  messageMaxLength: number;
  historyPageSize: number;
  historyMaxPageSize: number;
  imageMaxBytes: number;
  imageMaxPixels: number;
  /** Longest side of a thumbnail, in pixels. */
  thumbnailSize: number;
  /**
   * Images decoded and re-encoded at once; more uploads wait. Each may hold up to
   * imageMaxPixels x 4 bytes while it is processed, so this bounds that memory.
   */
  imageProcessingConcurrency: number;
  /** Most frames an animated GIF or WebP may have; each is decoded and re-encoded. */
  imageMaxFrames: number;
  /** Longest one upload's decoding and re-encoding may take (sharp counts whole seconds, at least 1). */
  imageProcessingTimeoutMs: number;
  /** Largest Socket.IO packet; images travel over HTTP, so this only has to fit text. */
  socketMaxPayloadBytes: number;
  /** Largest JSON body on the REST API. */
  httpJsonMaxBytes: number;
  /** Longest an HTTP request's headers and body may take to arrive; then 408 REQUEST_TIMEOUT and the connection closes. */
  httpRequestTimeoutMs: number;

  /** Failed join-by-code attempts (and unknown-code lookups) allowed per client address... */
  joinFailuresPerWindow: number;
  /** ...in this window, after which that address gets RATE_LIMITED until the window ends. */
  joinFailureWindowMs: number;
  /** Rooms one client address may create per window. */
  roomCreatesPerWindow: number;
  roomCreateWindowMs: number;
  /** Messages one connection (or REST client address) may send per window. */
  messagesPerWindow: number;
  /** Messages all connections from one client address may send together per window. */
  messagesPerAddressPerWindow: number;
  messageWindowMs: number;
  /** Rooms one connection may create or join per window (each may store and broadcast a join line, and a leave). */
  joinsPerWindow: number;
  /** The same, for all connections from one client address together. */
  joinsPerAddressPerWindow: number;
  joinWindowMs: number;
  /** Socket.IO connections one client address may hold open on this node at once. */
  connectionsPerAddress: number;
  /** Rooms one connection may be in at once. */
  roomsPerConnection: number;
  /**
   * Bytes the server may hold for one connection that does not read what is sent to it. Over it
   * the connection is closed; the client reconnects and catches up from the log.
   */
  socketMaxBufferedBytes: number;
  /**
   * How long after sending its author may edit a message (edits are log entries every member
   * folds in; a window keeps old conversations from being rewritten). Deleting has no window.
   */
  editWindowMs: number;
  /** Different emoji one message may carry; a new one beyond it is TOO_MANY_REACTIONS. */
  reactionsPerMessage: number;
  /** Longest reaction, in code points (an emoji with its modifiers and joiners). */
  reactionMaxLength: number;
  /**
   * Typing signals one connection may send per window (the SDK sends one every 3 s at most while
   * typing). They are broadcast only, never stored; over the budget they answer RATE_LIMITED.
   */
  typingPerWindow: number;
  typingWindowMs: number;
  /** Read positions one connection may store per window (`read:mark`, one database write each). */
  readMarksPerWindow: number;
  readMarkWindowMs: number;
  /**
   * The key that signs image URLs of private rooms (HMAC-SHA256, `?exp=&sig=`). Unset: one is
   * generated on first start and kept in the database (server_secrets), shared by every node.
   * Never logged.
   */
  imageUrlSecret: string | undefined;
  /** How long a signed image URL of a private room stays valid (up to a quarter more, for caching). */
  imageUrlTtlMs: number;
  /** How long a token of `roomchat-server admin token` works, when no --ttl is given. */
  adminTokenTtlMs: number;
  /** The longest --ttl an admin token may be given. */
  adminTokenMaxTtlMs: number;
  /** Image uploads one client address may make per window. */
  uploadsPerWindow: number;
  uploadWindowMs: number;

  /** How long a member whose last connection dropped stays present before a leave is recorded. */
  presenceGraceMs: number;

  /**
   * How long a node keeps a room's moderation rules (roles, mutes, lock, slow mode, closed) in
   * memory without news of a change: changes reach every node at once through the event log, this
   * only bounds how stale a node can be if one was missed (Redis down).
   */
  roomRulesCacheMs: number;
  /** Rooms whose rules one node keeps in memory; the least recently used go first. */
  roomRulesCacheSize: number;
  /** Longest mute or timed ban a moderator may give. */
  moderationMaxDurationMs: number;
  /** Longest slow-mode interval, in seconds. */
  slowModeMaxSeconds: number;
  /** Rows of the audit trail or the reports queue one request reads at most. */
  moderationPageSize: number;
  /** How long shutdown waits for in-flight requests before closing connections anyway. */
  shutdownTimeoutMs: number;
  /** How long a SQLite statement waits for another connection's write lock before failing (UNAVAILABLE). */
  sqliteBusyTimeoutMs: number;
  /** PostgreSQL: message batches (group commits) written at once, so their commits overlap; each holds a pooled connection. */
  postgresBatchesInFlight: number;
  /**
   * PostgreSQL's synchronous_commit for the server's connections. Off (opt-in) a commit does not
   * wait for its WAL flush: several times the acked messages/s where the disk's flush is slow, but
   * a crash of PostgreSQL or of its machine (not of this server) may lose the messages acknowledged
   * in the last moments (up to 3 × wal_writer_delay, 600 ms by default).
   */
  postgresSynchronousCommit: boolean;

  /** A bearer token that opens GET /metrics (`Authorization: Bearer <token>`); unset: no token opens it. */
  metricsToken: string | undefined;
  /** Client addresses (as resolved with trustProxy) that may read GET /metrics without a token; empty: none. */
  metricsAllowFrom: string[];

  /** Longest search query, in characters; a longer one is INVALID_PAYLOAD. */
  searchQueryMaxLength: number;
  /** Messages one page of search results holds. */
  searchPageSize: number;
  /** Searches one connection (REST: client address) may run per window. */
  searchesPerWindow: number;
  searchWindowMs: number;
  /** SQLite: how long after a commit its new messages are indexed for search, off the commit path (a search indexes what is pending first). */
  searchIndexDelayMs: number;
  /** SQLite: most messages one search-indexing transaction takes; a longer backlog takes several. */
  searchIndexBatchSize: number;
  /**
   * Conversation lists (`room:list`) one client address may ask for per window: each reads every
   * room of the visitor with its last message and unread count, so it has a budget of its own.
   */
  roomListsPerWindow: number;
  roomListWindowMs: number;

  /**
   * Longest lifetime (exp minus now) a signed identity token may claim; longer ones are
   * AUTH_INVALID, so a leaked token cannot stay usable for long. Hosts refresh with getToken.
   */
  tokenMaxLifetimeMs: number;
  /** Clock skew allowed between the host's backend and this server when checking a token's exp and nbf. */
  tokenClockToleranceMs: number;
  /**
   * How long an app's record (origins, settings, secret) is kept in memory before it is read
   * again, so `roomchat-server apps update` from another process takes effect within it.
   */
  appsCacheMs: number;

  /** Most words an app's blocked-word list may hold (docs/moderation.md); a longer list is refused when it is set. */
  filterWordsMax: number;
  /** Longest blocked word, in characters. */
  filterWordMaxLength: number;
  /** Longest timeout an app may give its pre-publish hook (its own default is 2000 ms); under the SDK's 10 s request timeout, so a send is answered before the client gives up. */
  hookTimeoutMaxMs: number;
  /** Pre-publish hook calls one app may have in flight at once; more wait in its queue. */
  hookConcurrency: number;
  /** Texts one app may have waiting for, or at, its hook; past it a text gets the app's fail mode at once. */
  hookQueueMax: number;
  /** Largest answer read from a hook; a larger one counts as a failed call. */
  hookResponseMaxBytes: number;
  /** How often the retention job looks for messages past their app's (or room's) retention period; 0 turns it off. */
  retentionIntervalMs: number;
  /**
   * Most log entries one retention batch deletes (one transaction): on SQLite it holds the one
   * write lock for that long, and message batches wait; between batches they commit.
   */
  retentionBatchSize: number;
  /** Log entries (and, separately, images) read per page by an export, so a big room's export holds no more in memory. */
  exportPageSize: number;
  /** Longest one webhook delivery (connect, send, answer) may take; then it counts as failed and is retried. */
  webhookTimeoutMs: number;
  /** Attempts at one delivery before it is marked failed (the first one included). */
  webhookMaxAttempts: number;
  /** Age after which an undelivered event is marked failed, whatever its attempts. */
  webhookMaxAgeMs: number;
  /** Delay before the first retry; each retry doubles it (with jitter: between half and all of it)... */
  webhookRetryBaseMs: number;
  /** ...up to this delay between two attempts. */
  webhookRetryMaxMs: number;
  /** Deliveries one node makes at once, over all endpoints. */
  webhookConcurrency: number;
  /** Deliveries one node makes at once to one endpoint, so a slow or dead one cannot take every slot. */
  webhookConcurrencyPerEndpoint: number;
  /** How often a node looks for deliveries due (its own new events wake it at once). */
  webhookPollMs: number;
  /** Attempts kept in each endpoint's delivery log; older ones are deleted. */
  webhookLogPerEndpoint: number;
  /** Webhook endpoints one app may have. */
  webhookEndpointsPerApp: number;
  /**
   * Whether webhooks may be sent to loopback, private and link-local addresses (checked on every
   * delivery, after DNS). On for self-hosting next to the receiver; turn off when apps are not yours.
   */
  webhookAllowPrivateAddresses: boolean;
}

export const DEFAULT_CONFIG: ChatServerConfig = {
  dataDir: './data',
  databaseUrl: undefined,
  redisUrl: undefined,
  redisKeyPrefix: 'roomchat:',
  logLevel: 'info',
  corsOrigins: ['*'],
  trustProxy: 0,

  roomCodeLength: DEFAULT_ROOM_CODE_LENGTH,
  nameMaxLength: DEFAULT_LIMITS.nameMaxLength,
  messageMaxLength: DEFAULT_LIMITS.messageMaxLength,
  historyPageSize: DEFAULT_LIMITS.historyPageSize,
  historyMaxPageSize: DEFAULT_LIMITS.historyMaxPageSize,
  imageMaxBytes: DEFAULT_LIMITS.imageMaxBytes,
  imageMaxPixels: DEFAULT_LIMITS.imageMaxPixels,
  thumbnailSize: 320,
  imageProcessingConcurrency: 2,
  imageMaxFrames: 100,
  imageProcessingTimeoutMs: 10_000,
  socketMaxPayloadBytes: 64 * 1024,
  httpJsonMaxBytes: 64 * 1024,
  httpRequestTimeoutMs: 30_000,

  joinFailuresPerWindow: 20,
  joinFailureWindowMs: 10 * 60_000,
  roomCreatesPerWindow: 30,
  roomCreateWindowMs: 10 * 60_000,
  messagesPerWindow: 30,
  messagesPerAddressPerWindow: 120,
  messageWindowMs: 10_000,
  joinsPerWindow: 30,
  joinsPerAddressPerWindow: 300,
  joinWindowMs: 60_000,
  connectionsPerAddress: 100,
  roomsPerConnection: 50,
  socketMaxBufferedBytes: 2 * 1024 * 1024,
  uploadsPerWindow: 20,
  uploadWindowMs: 60_000,
  editWindowMs: 15 * 60_000,
  reactionsPerMessage: 20,
  reactionMaxLength: 16,
  typingPerWindow: 10,
  typingWindowMs: 10_000,
  readMarksPerWindow: 30,
  readMarkWindowMs: 10_000,

  presenceGraceMs: 15_000,

  roomRulesCacheMs: 60_000,
  roomRulesCacheSize: 10_000,
  moderationMaxDurationMs: 30 * 24 * 3600_000,
  slowModeMaxSeconds: 3600,
  moderationPageSize: 100,
  shutdownTimeoutMs: 10_000,
  sqliteBusyTimeoutMs: 5_000,
  postgresBatchesInFlight: 4,
  postgresSynchronousCommit: true,

  // Off by default: behind a reverse proxy on the same host every request comes from 127.0.0.1,
  // so even "loopback only" would publish the metrics to the world (docs/operating.md).
  metricsToken: undefined,
  metricsAllowFrom: [],

  imageUrlSecret: undefined,
  imageUrlTtlMs: 12 * 60 * 60_000,
  adminTokenTtlMs: 12 * 60 * 60_000,
  adminTokenMaxTtlMs: 30 * 24 * 60 * 60_000,

  searchQueryMaxLength: 200,
  searchPageSize: 20,
  searchesPerWindow: 30,
  searchWindowMs: 60_000,
  searchIndexDelayMs: 200,
  searchIndexBatchSize: 500,
  roomListsPerWindow: 30,
  roomListWindowMs: 60_000,

  tokenMaxLifetimeMs: 24 * 60 * 60_000,
  tokenClockToleranceMs: 30_000,
  appsCacheMs: 5_000,

  filterWordsMax: 1000,
  filterWordMaxLength: 50,
  hookTimeoutMaxMs: 5_000,
  hookConcurrency: 8,
  hookQueueMax: 200,
  hookResponseMaxBytes: 64 * 1024,
  retentionIntervalMs: 10 * 60_000,
  retentionBatchSize: 200,
  exportPageSize: 200,
  webhookTimeoutMs: 10_000,
  webhookMaxAttempts: 12,
  webhookMaxAgeMs: 24 * 60 * 60_000,
  webhookRetryBaseMs: 10_000,
  webhookRetryMaxMs: 60 * 60_000,
  webhookConcurrency: 8,
  webhookConcurrencyPerEndpoint: 2,
  webhookPollMs: 1_000,
  webhookLogPerEndpoint: 200,
  webhookEndpointsPerApp: 10,
  webhookAllowPrivateAddresses: true,
};

/** Fills in defaults and rejects settings that cannot work together. */
export function resolveConfig(overrides: Partial<ChatServerConfig> = {}): ChatServerConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: ChatServerConfig = { ...DEFAULT_CONFIG, ...defined };
  // A text message is at most messageMaxLength code points; JSON may escape each into 12 bytes
  // (a surrogate pair as two \uXXXX), plus the envelope.
  const neededPayload = config.messageMaxLength * 12 + 1024;
  if (config.socketMaxPayloadBytes < neededPayload) {
    throw new Error(`socketMaxPayloadBytes (${config.socketMaxPayloadBytes}) must be at least ${neededPayload} for messageMaxLength ${config.messageMaxLength}`);
  }
  if (config.roomCodeLength < 6 || config.roomCodeLength > 32) throw new Error('roomCodeLength must be between 6 and 32');
  if (config.imageProcessingConcurrency < 1) throw new Error('imageProcessingConcurrency must be at least 1');
  if (!Number.isInteger(config.trustProxy) || config.trustProxy < 0) throw new Error('trustProxy must be a whole number of proxy hops (0 for none)');
  if (config.imageMaxFrames < 1) throw new Error('imageMaxFrames must be at least 1');
  if (config.httpRequestTimeoutMs < 1) throw new Error('httpRequestTimeoutMs must be at least 1');
  if (config.searchPageSize < 1 || config.searchPageSize > 100) throw new Error('searchPageSize must be between 1 and 100');
  if (!Number.isInteger(config.postgresBatchesInFlight) || config.postgresBatchesInFlight < 1 || config.postgresBatchesInFlight > 8) {
    throw new Error('postgresBatchesInFlight must be a whole number from 1 to 8 (the connection pool holds 10)');
  }
  if (config.searchIndexDelayMs < 0) throw new Error('searchIndexDelayMs must not be negative');
  if (!Number.isInteger(config.searchIndexBatchSize) || config.searchIndexBatchSize < 1) throw new Error('searchIndexBatchSize must be a whole number, at least 1');
  if (config.imageUrlTtlMs < 1000) throw new Error('imageUrlTtlMs must be at least 1000');
  if (config.searchQueryMaxLength < 1) throw new Error('searchQueryMaxLength must be at least 1');
  if (config.hookConcurrency < 1) throw new Error('hookConcurrency must be at least 1');
  if (!Number.isInteger(config.retentionBatchSize) || config.retentionBatchSize < 1 || config.retentionBatchSize > 10_000) throw new Error('retentionBatchSize must be between 1 and 10000');
  if (!Number.isInteger(config.exportPageSize) || config.exportPageSize < 1 || config.exportPageSize > 1_000) throw new Error('exportPageSize must be between 1 and 1000');
  for (const key of ['webhookTimeoutMs', 'webhookMaxAttempts', 'webhookConcurrency', 'webhookConcurrencyPerEndpoint', 'webhookPollMs', 'webhookLogPerEndpoint'] as const) {
    if (!(config[key] >= 1)) throw new Error(`${key} must be at least 1`);
  }
  if (config.historyPageSize > config.historyMaxPageSize) throw new Error('historyPageSize must not exceed historyMaxPageSize');
  return config;
}

/** camelCase config key -> ROOMCHAT_SNAKE_CASE environment variable. */
export function envName(key: string): string {
  return 'ROOMCHAT_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** Reads the ROOMCHAT_* variables into config overrides, typed after the defaults. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<ChatServerConfig> {
  const settings: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(DEFAULT_CONFIG)) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    if (typeof fallback === 'number') {
      const value = Number(raw);
      if (key === 'trustProxy' && !Number.isInteger(value)) {
        throw new Error(`${envName(key)} is the number of proxies in front of the server (0 for none, 1 for one), got "${raw}"`);
      }
      if (!Number.isFinite(value) || value < 0) throw new Error(`${envName(key)} must be a non-negative number, got "${raw}"`);
      settings[key] = value;
    } else if (typeof fallback === 'boolean') {
      settings[key] = /^(1|true|yes|on)$/i.test(raw);
    } else if (Array.isArray(fallback)) {
      settings[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    } else {
      settings[key] = raw;
    }
  }
  return settings;
}
