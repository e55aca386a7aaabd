import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '@roomchat/protocol';
import type { ChatServerConfig } from './config.js';
import { ChatError } from './errors.js';
import type { RedisClient } from './redis.js';

/** A budget of `points` actions per `windowMs` for each key (a client address or a connection). */
class Budget {
  readonly #limiter: RateLimiterAbstract;
  /** Counts the keys that only this node sees (a connection's own), and stands in for Redis while it is down. */
  readonly #local: RateLimiterMemory;
  readonly #isNodeLocal: (key: string) => boolean;
  readonly #what: string;

  /**
   * `shared` counts in Redis, for every node at once, except the keys `isNodeLocal` picks: a
   * Socket.IO connection lives on one node, so its own budget needs no Redis round trip (two per
   * message before: the connection's and its address's).
   */
  constructor(points: number, windowMs: number, what: string, shared?: { redis: RedisClient; keyPrefix: string; isNodeLocal?: (key: string) => boolean }) {
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    this.#local = new RateLimiterMemory({ points, duration });
    this.#isNodeLocal = shared?.isNodeLocal ?? (() => false);
    this.#limiter = shared
      ? new RateLimiterRedis({
          storeClient: shared.redis,
          useRedisPackage: true,
          keyPrefix: shared.keyPrefix,
          points,
          duration,
          // While Redis is unreachable each node counts on its own (an N-node cluster then allows
          // up to N times the budget) instead of refusing every request.
          rejectIfRedisNotReady: true,
          insuranceLimiter: this.#local,
        })
      : this.#local;
    this.#what = what;
  }

  #limiterOf(key: string): RateLimiterAbstract {
    return this.#isNodeLocal(key) ? this.#local : this.#limiter;
  }

  /** Spends one point; throws RATE_LIMITED when none is left. */
  async consume(key: string): Promise<void> {
    try {
      await this.#limiterOf(key).consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw this.#limited(result.msBeforeNext);
      throw result;
    }
  }

  /** Throws RATE_LIMITED if the budget is spent, without spending. */
  async check(key: string): Promise<void> {
    const result = await this.#limiterOf(key).get(key);
    if (result && result.remainingPoints <= 0) throw this.#limited(result.msBeforeNext);
  }

  #limited(retryAfterMs: number): ChatError {
    return new ChatError(ErrorCode.RATE_LIMITED, `Too many ${this.#what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
  }
}

/** The server's rate limits, each a named setting in the config. */
export interface RateLimits {
  /** Failed join-by-code attempts per client address: what makes guessing codes slow. */
  joinFailures: Budget;
  roomCreates: Budget;
  /** Per connection (REST: per address). */
  messages: Budget;
  /** Per client address, shared by all its connections and its REST posts. */
  messagesPerAddress: Budget;
  /** Room creates and joins per connection: each may store and broadcast a join line (and a leave). */
  joins: Budget;
  joinsPerAddress: Budget;
  uploads: Budget;
  /** Typing signals per connection; in memory even with Redis (a connection lives on one node). */
  typing: Budget;
  /** Read positions stored per connection; in memory like typing. */
  readMarks: Budget;
  /** Searches per client address, over sockets and REST together (each reads a full-text index). */
  searches: Budget;
  /** Conversation lists (`room:list`) per client address. */
  roomLists: Budget;
}

const CONNECTION_KEY = 'socket:';

/** The key of a Socket.IO connection's own budgets: counted on its node only, as it lives there. */
export function connectionKey(socketId: string): string {
  return CONNECTION_KEY + socketId;
}

/** In-memory budgets, or with `redis`, budgets shared by every node (keys under `redisKeyPrefix`). */
export function createRateLimits(config: ChatServerConfig, redis?: RedisClient): RateLimits {
  const shared = (name: string, isNodeLocal?: (key: string) => boolean) => (redis ? { redis, keyPrefix: `${config.redisKeyPrefix}rl:${name}`, isNodeLocal } : undefined);
  const ownConnection = (key: string) => key.startsWith(CONNECTION_KEY);
  return {
    joinFailures: new Budget(config.joinFailuresPerWindow, config.joinFailureWindowMs, 'failed attempts to open a room', shared('join-failures')),
    roomCreates: new Budget(config.roomCreatesPerWindow, config.roomCreateWindowMs, 'rooms created', shared('room-creates')),
    messages: new Budget(config.messagesPerWindow, config.messageWindowMs, 'messages', shared('messages', ownConnection)),
    messagesPerAddress: new Budget(config.messagesPerAddressPerWindow, config.messageWindowMs, 'messages from your address', shared('address-messages')),
    joins: new Budget(config.joinsPerWindow, config.joinWindowMs, 'rooms joined', shared('joins', ownConnection)),
    joinsPerAddress: new Budget(config.joinsPerAddressPerWindow, config.joinWindowMs, 'rooms joined from your address', shared('address-joins')),
    uploads: new Budget(config.uploadsPerWindow, config.uploadWindowMs, 'uploads', shared('uploads')),
    typing: new Budget(config.typingPerWindow, config.typingWindowMs, 'typing signals'),
    readMarks: new Budget(config.readMarksPerWindow, config.readMarkWindowMs, 'read marks'),
    searches: new Budget(config.searchesPerWindow, config.searchWindowMs, 'searches', shared('searches')),
    roomLists: new Budget(config.roomListsPerWindow, config.roomListWindowMs, 'conversation lists', shared('room-lists')),
  };
}
