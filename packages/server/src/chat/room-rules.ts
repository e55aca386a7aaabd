import { ErrorCode, type Role } from '@roomchat/protocol';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import type { RedisClient } from '../redis.js';

/** What every node enforces for a room: who holds which role, who is muted, and the room's settings. */
export interface RoomRulesState {
  /** Owner and moderators, by member id; everyone else is a member (admins come from their token). */
  roles: Map<string, Exclude<Role, 'admin' | 'member'>>;
  /** Muted members' mute ends (ms since the epoch), by member id. */
  mutes: Map<string, number>;
  locked: boolean;
  slowModeSeconds: number;
  closed: boolean;
}

/** How strong each role is: an actor acts only on members weaker than itself (docs/moderation.md). */
export const RANK: Record<Role, number> = { member: 0, moderator: 1, owner: 2, admin: 3 };

interface Options {
  cacheMs: number;
  cacheSize: number;
  redis?: RedisClient | undefined;
  redisKeyPrefix: string;
}

/**
 * A room's moderation rules, read from the database once per room and node and then kept in
 * memory, so that the checks on every send (closed, muted, slow mode) cost no database round
 * trip. A change invalidates the copy: on this node at once, on the others when the change's log
 * entry reaches them (realtime/moderation-signals.ts); `cacheMs` bounds a copy's age in case a node
 * missed one. Slow mode's last-message times are rate-like state: in Redis with several nodes.
 */
export class RoomRules {
  readonly #db: Database;
  readonly #options: Options;
  readonly #cache = new Map<number, { state: Promise<RoomRulesState>; until: number }>();
  /** Slow mode on a single node: when each room member may send again. */
  readonly #nextSend = new Map<string, number>();

  constructor(db: Database, options: Options) {
    this.#db = db;
    this.#options = options;
  }

  /** The room's rules: from memory, or read (three small queries) and kept. */
  get(roomId: number): Promise<RoomRulesState> {
    const now = Date.now();
    const cached = this.#cache.get(roomId);
    if (cached && cached.until > now) {
      // Map order is insertion order: re-inserting keeps the least recently used first.
      this.#cache.delete(roomId);
      this.#cache.set(roomId, cached);
      return cached.state;
    }
    const state = this.#load(roomId, now);
    state.catch(() => this.#cache.delete(roomId));
    this.#cache.set(roomId, { state, until: now + this.#options.cacheMs });
    while (this.#cache.size > this.#options.cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    return state;
  }

  /** Forgets the room's copy: the next check reads the rules again. */
  invalidate(roomId: number): void {
    this.#cache.delete(roomId);
  }

  /** The member's role: `admin` for the app's admins, else what the room records, else `member`. */
  async roleOf(roomId: number, memberId: string | undefined, admin: boolean): Promise<Role> {
    if (admin) return 'admin';
    if (memberId === undefined) return 'member';
    return (await this.get(roomId)).roles.get(memberId) ?? 'member';
  }

  /**
   * Whether a member may send now: ROOM_CLOSED, MUTED or SLOW_MODE (both with `retryAfterMs`)
   * otherwise. `exempt` (the app's backend, an app admin) is held by neither; the room's owner and
   * moderators are not held by slow mode. Only slow mode, while it is on, asks Redis.
   */
  async checkSend(roomId: number, memberId: string | undefined, exempt: boolean): Promise<void> {
    const rules = await this.get(roomId);
    if (rules.closed) throw new ChatError(ErrorCode.ROOM_CLOSED, 'This room was closed');
    if (memberId === undefined || exempt) return;
    const mutedUntil = rules.mutes.get(memberId);
    const now = Date.now();
    if (mutedUntil !== undefined && mutedUntil > now) {
      const retryAfterMs = mutedUntil - now;
      throw new ChatError(ErrorCode.MUTED, `You are muted in this room for ${Math.ceil(retryAfterMs / 1000)} s more`, { retryAfterMs });
    }
    if (rules.slowModeSeconds > 0 && !rules.roles.has(memberId)) await this.#spendSlowMode(roomId, memberId, rules.slowModeSeconds * 1000);
  }

  async #spendSlowMode(roomId: number, memberId: string, intervalMs: number): Promise<void> {
    const key = `${roomId}:${memberId}`;
    let retryAfterMs = 0;
    const { redis, redisKeyPrefix } = this.#options;
    if (redis?.isReady) {
      const redisKey = `${redisKeyPrefix}slow:${key}`;
      const set = await redis.set(redisKey, '1', { NX: true, PX: intervalMs });
      if (set === null) retryAfterMs = Math.max(1, await redis.pTTL(redisKey));
    } else {
      const now = Date.now();
      const next = this.#nextSend.get(key) ?? 0;
      if (next > now) retryAfterMs = next - now;
      else {
        if (this.#nextSend.size > 100_000) for (const [k, t] of this.#nextSend) if (t <= now) this.#nextSend.delete(k);
        this.#nextSend.set(key, now + intervalMs);
      }
    }
    if (retryAfterMs > 0) {
      throw new ChatError(ErrorCode.SLOW_MODE, `Slow mode: one message every ${intervalMs / 1000} s; wait ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
    }
  }

  async #load(roomId: number, now: number): Promise<RoomRulesState> {
    const [roles, mutes, settings] = await Promise.all([
      this.#db('room_roles').where({ room_id: roomId }).select('member_id', 'role'),
      this.#db('room_mutes').where({ room_id: roomId }).where('until', '>', now).select('member_id', 'until'),
      this.#db('room_settings').where({ room_id: roomId }).first(),
    ]);
    return {
      roles: new Map(roles.map((r: { member_id: string; role: 'owner' | 'moderator' }) => [r.member_id, r.role])),
      mutes: new Map(mutes.map((r: { member_id: string; until: number | string }) => [r.member_id, Number(r.until)])),
      locked: Boolean(settings?.locked),
      slowModeSeconds: Number(settings?.slow_mode_seconds ?? 0),
      closed: settings?.closed_at !== null && settings?.closed_at !== undefined,
    };
  }
}
