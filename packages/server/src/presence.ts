import type { Logger } from 'pino';
import type { Member } from '@roomchat/protocol';
import { withTimeout, type RedisClient } from './redis.js';
import type { RoomRecord } from './rooms.js';

interface Presentee {
  member: Member;
  connections: Set<string>;
  leaveTimer: NodeJS.Timeout | undefined;
}

/** Called when a member is gone for good: its last connection left, or dropped past the grace period. */
export type LeaveListener = (room: RoomRecord, member: Member) => void;

/**
 * Who is in which room. A member (one memberId) may hold several connections; they count once.
 * `LocalPresence` knows one process; `RedisPresence` shares it between server nodes.
 */
export interface Presence {
  /** Adds a connection; returns the member (as first seen) and whether it is newly present. */
  join(room: RoomRecord, member: Member, connectionId: string): Promise<{ member: Member; arrived: boolean }>;
  /** Removes a connection; returns the member if it left at once (`graceful` and its last connection). */
  leave(roomId: number, memberId: string, connectionId: string, graceful: boolean): Promise<Member | undefined>;
  /** Members present in the room, in order of arrival. */
  list(room: RoomRecord): Promise<Member[]>;
  /** The members as last seen by this node, without waiting (REST room info). */
  members(roomId: number): Member[];
  /** Stops timers at shutdown (the members will reconnect to the next process or node); resolves when no leave is being worked out. */
  clear(): void | Promise<void>;
}

/**
 * Who is in which room, in this process. A member (one memberId) may hold several connections;
 * they count once. When the last connection drops unannounced, the member stays present for
 * `graceMs` so that a reconnect or page reload is not shown as a leave and a join.
 */
export class LocalPresence implements Presence {
  readonly #rooms = new Map<number, { room: RoomRecord; members: Map<string, Presentee> }>();
  readonly #graceMs: number;
  readonly #onLeave: LeaveListener;

  constructor(graceMs: number, onLeave: LeaveListener) {
    this.#graceMs = graceMs;
    this.#onLeave = onLeave;
  }

  /** Adds a connection; returns the member and whether it is newly present. */
  async join(record: RoomRecord, member: Member, connectionId: string): Promise<{ member: Member; arrived: boolean }> {
    let entry = this.#rooms.get(record.id);
    if (!entry) this.#rooms.set(record.id, (entry = { room: record, members: new Map() }));
    const room = entry.members;
    const present = room.get(member.id);
    if (present) {
      clearTimeout(present.leaveTimer);
      present.leaveTimer = undefined;
      present.connections.add(connectionId);
      return { member: present.member, arrived: false };
    }
    room.set(member.id, { member, connections: new Set([connectionId]), leaveTimer: undefined });
    return { member, arrived: true };
  }

  /**
   * Removes a connection. With `graceful` (an explicit leave) the member leaves at once when it was
   * its last connection; otherwise after the grace period. Returns the member that left at once.
   */
  async leave(roomId: number, memberId: string, connectionId: string, graceful: boolean): Promise<Member | undefined> {
    const entry = this.#rooms.get(roomId);
    const present = entry?.members.get(memberId);
    if (!entry || !present || !present.connections.delete(connectionId) || present.connections.size > 0) return undefined;
    if (graceful) {
      this.#remove(roomId, memberId);
      return present.member;
    }
    this.#leaveLater(entry.room, present);
    return undefined;
  }

  #leaveLater(room: RoomRecord, present: Presentee): void {
    present.leaveTimer = setTimeout(() => {
      if (present.connections.size === 0) {
        this.#remove(room.id, present.member.id);
        this.#onLeave(room, present.member);
      }
    }, this.#graceMs);
    present.leaveTimer.unref();
  }

  /**
   * Marks a member present that held no connection when this process started (it was present
   * before a restart): it stays for the grace period, so a return is not announced as a join, and
   * leaves after it, like a dropped connection, if it does not come back.
   */
  restore(record: RoomRecord, member: Member): void {
    let entry = this.#rooms.get(record.id);
    if (!entry) this.#rooms.set(record.id, (entry = { room: record, members: new Map() }));
    if (entry.members.has(member.id)) return;
    const present: Presentee = { member, connections: new Set(), leaveTimer: undefined };
    entry.members.set(member.id, present);
    this.#leaveLater(entry.room, present);
  }

  /** Whether the member holds this connection in the room. */
  has(roomId: number, memberId: string, connectionId: string): boolean {
    return this.#rooms.get(roomId)?.members.get(memberId)?.connections.has(connectionId) ?? false;
  }

  async list(room: RoomRecord): Promise<Member[]> {
    return this.members(room.id);
  }

  /** Members present in the room, in order of arrival. */
  members(roomId: number): Member[] {
    return [...(this.#rooms.get(roomId)?.members.values() ?? [])].map((p) => p.member);
  }

  /** Cancels pending leaves (at shutdown: the members will reconnect to the next process). */
  clear(): void {
    for (const { members } of this.#rooms.values()) for (const p of members.values()) clearTimeout(p.leaveTimer);
    this.#rooms.clear();
  }

  #remove(roomId: number, memberId: string): void {
    const entry = this.#rooms.get(roomId);
    entry?.members.delete(memberId);
    if (entry?.members.size === 0) this.#rooms.delete(roomId);
  }
}

/** How long a live connection's lease lasts by default; its node renews it every third of that. */
export const LEASE_MS = 15_000;
/** Longest a presence command may take before the node answers from what it knows itself. */
const COMMAND_TIMEOUT_MS = 2000;

// Adds a connection; answers {1, member} when the member is new to the room, else {0, member as first seen}.
// KEYS: member's connections (zset), room's members (hash), all leases (zset), rooms (hash)
// ARGV: connection id, expiry, member id, member JSON, lease entry, room id, room JSON
const JOIN = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[5])
redis.call('HSET', KEYS[4], ARGV[6], ARGV[7])
if redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4]) == 1 then return {1, ARGV[4]} end
return {0, redis.call('HGET', KEYS[2], ARGV[3])}`;

// Drops a connection (ARGV[1]; '' when a sweeper found its lease expired) and expired ones; when the
// member holds none any more, removes it and answers {member JSON, room JSON}: exactly one caller
// gets the member, so exactly one node announces the leave.
// KEYS: member's connections, room's members, all leases, rooms. ARGV: connection id, now, member id, lease entry, room id
const RELEASE = `
if ARGV[1] == '' then
  local s = redis.call('ZSCORE', KEYS[3], ARGV[4])
  if (not s) or tonumber(s) > tonumber(ARGV[2]) then return false end
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) > 0 then return false end
local m = redis.call('HGET', KEYS[2], ARGV[3])
if not m then return false end
redis.call('HDEL', KEYS[2], ARGV[3])
local room = redis.call('HGET', KEYS[4], ARGV[5])
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('HDEL', KEYS[4], ARGV[5]) end
return {m, room or ''}`;

export interface RedisPresenceOptions {
  /** Key prefix shared by the nodes of one deployment. */
  prefix: string;
  /** How long a dropped connection keeps its member present. */
  graceMs: number;
  log: Logger;
  /** How long a live connection's lease lasts (default {@link LEASE_MS}): a dead node's members leave after it. */
  leaseMs?: number;
  /** The clock leases are measured with; every node of a deployment must agree on it (default `Date.now`). */
  now?: () => number;
}

interface StoredMember extends Member {
  since: number;
}

/**
 * Presence shared by every node through Redis, so a room's members are the same from any node.
 *
 * Each connection holds a lease (a zset score: its expiry) that its node renews while it is open.
 * When a connection drops unannounced, its lease is set to expire after the grace period instead;
 * a reconnect to any node within it keeps the member present. Every node sweeps expired leases;
 * the Lua script that releases one removes the member atomically, so one node announces the leave.
 * A node that dies stops renewing: its members leave `LEASE_MS` later unless they reconnect
 * elsewhere. Nothing waits on other nodes (unlike `fetchSockets()`, which waits for a dead node's
 * heartbeat timeout).
 *
 * While Redis is unreachable, joins answer from this node's own view (not announced as arrivals),
 * and leases are renewed again when it returns; a Redis outage longer than `LEASE_MS` can show
 * members of other nodes as left and re-joined.
 */
export class RedisPresence implements Presence {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #graceMs: number;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #onLeave: LeaveListener;
  readonly #log: Logger;
  /** This node's open connections: lease entry -> keys to renew. */
  readonly #live = new Map<string, { roomId: number; memberId: string; connectionId: string }>();
  /** Members as last read from Redis, for `members()`. */
  readonly #seen = new Map<number, Member[]>();
  readonly #timers: NodeJS.Timeout[];
  #sweeping: Promise<void> | undefined;
  #closed = false;

  constructor(redis: RedisClient, options: RedisPresenceOptions, onLeave: LeaveListener) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#graceMs = options.graceMs;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#onLeave = onLeave;
    const sweepEvery = Math.min(1000, Math.max(50, Math.floor(options.graceMs / 4)));
    this.#timers = [setInterval(() => void this.renew(), this.#leaseMs / 3), setInterval(() => void this.sweep(), sweepEvery)];
    for (const timer of this.#timers) timer.unref();
    redis.on('ready', () => void this.renew());
  }

  async join(room: RoomRecord, member: Member, connectionId: string): Promise<{ member: Member; arrived: boolean }> {
    const lease = leaseEntry(room.id, member.id, connectionId);
    this.#live.set(lease, { roomId: room.id, memberId: member.id, connectionId });
    try {
      const stored: StoredMember = { ...member, since: this.#now() };
      const [arrived, json] = (await this.#run(JOIN, [this.#conns(room.id, member.id), this.#members(room.id), this.#leases(), this.#rooms()], [
        connectionId,
        String(this.#now() + this.#leaseMs),
        member.id,
        JSON.stringify(stored),
        lease,
        String(room.id),
        JSON.stringify(room),
      ])) as [number, string];
      const self = toMember(JSON.parse(json) as StoredMember);
      if (arrived === 1) this.#remember(room.id, (list) => [...list.filter((m) => m.id !== self.id), self]);
      return { member: self, arrived: arrived === 1 };
    } catch (err) {
      this.#log.warn({ err }, 'presence: redis unavailable; join not shared');
      const known = this.#seen.get(room.id)?.find((m) => m.id === member.id);
      if (!known) this.#remember(room.id, (list) => [...list, member]);
      return { member: known ?? member, arrived: false };
    }
  }

  async leave(roomId: number, memberId: string, connectionId: string, graceful: boolean): Promise<Member | undefined> {
    const lease = leaseEntry(roomId, memberId, connectionId);
    this.#live.delete(lease);
    try {
      if (!graceful) {
        // Keep the connection present for the grace period; a sweeper releases it after that.
        const expiry = this.#now() + this.#graceMs;
        await this.#command(() =>
          this.#redis.multi().zAdd(this.#conns(roomId, memberId), { score: expiry, value: connectionId }).zAdd(this.#leases(), { score: expiry, value: lease }).exec(),
        );
        return undefined;
      }
      const gone = await this.#release(roomId, memberId, connectionId, lease);
      return gone?.member;
    } catch (err) {
      this.#log.warn({ err }, 'presence: redis unavailable; the lease will expire instead');
      return undefined;
    }
  }

  async list(room: RoomRecord): Promise<Member[]> {
    try {
      const all = Object.values(await this.#command(() => this.#redis.hGetAll(this.#members(room.id))));
      const members = all.map((json) => JSON.parse(json) as StoredMember).sort((a, b) => a.since - b.since).map(toMember);
      this.#seen.set(room.id, members);
      return members;
    } catch (err) {
      this.#log.warn({ err }, 'presence: redis unavailable; members as last seen');
      return this.members(room.id);
    }
  }

  members(roomId: number): Member[] {
    return this.#seen.get(roomId) ?? [];
  }

  async clear(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#live.clear();
    this.#seen.clear();
    await this.#sweeping;
  }

  async #release(roomId: number, memberId: string, connectionId: string, lease: string): Promise<{ member: Member; room: RoomRecord | undefined } | undefined> {
    const result = (await this.#run(RELEASE, [this.#conns(roomId, memberId), this.#members(roomId), this.#leases(), this.#rooms()], [
      connectionId,
      String(this.#now()),
      memberId,
      lease,
      String(roomId),
    ])) as [string, string] | null;
    if (!result) return undefined;
    const member = toMember(JSON.parse(result[0]) as StoredMember);
    this.#remember(roomId, (list) => list.filter((m) => m.id !== member.id));
    return { member, room: result[1] ? (JSON.parse(result[1]) as RoomRecord) : undefined };
  }

  /** Renews the leases of this node's open connections (every third of the lease, and when Redis is back). */
  async renew(): Promise<void> {
    if (!this.#redis.isReady || this.#live.size === 0) return;
    const expiry = this.#now() + this.#leaseMs;
    const batch = this.#redis.multi();
    for (const [lease, { roomId, memberId, connectionId }] of this.#live) {
      batch.zAdd(this.#conns(roomId, memberId), { score: expiry, value: connectionId }).zAdd(this.#leases(), { score: expiry, value: lease });
    }
    await this.#command(() => batch.exec()).catch((err: unknown) => this.#log.warn({ err }, 'presence: could not renew leases'));
  }

  /**
   * Releases expired leases (any node's) and announces the members that are gone. Runs on a timer;
   * a call while a sweep is under way joins it.
   */
  sweep(): Promise<void> {
    if (this.#sweeping) return this.#sweeping;
    if (this.#closed || !this.#redis.isReady) return Promise.resolve();
    const sweeping = (async () => {
      const expired = await this.#command(() => this.#redis.zRangeByScore(this.#leases(), '-inf', this.#now(), { LIMIT: { offset: 0, count: 100 } }));
      for (const lease of expired) {
        if (this.#closed) return;
        const [roomId, memberId] = JSON.parse(lease) as [number, string, string];
        const gone = await this.#release(roomId, memberId, '', lease);
        // Announced and recorded before clear() resolves, so shutdown waits for the write.
        if (gone?.room) this.#onLeave(gone.room, gone.member);
      }
    })()
      .catch((err: unknown) => this.#log.warn({ err }, 'presence: sweep failed'))
      .finally(() => (this.#sweeping = undefined));
    this.#sweeping = sweeping;
    return sweeping;
  }

  #run(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#command(() => this.#redis.eval(script, { keys, arguments: args }));
  }

  /** Runs a command only while connected (not queued for later), bounded by a timeout. */
  #command<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#redis.isReady) return Promise.reject(new Error('redis is not connected'));
    return withTimeout(command(), COMMAND_TIMEOUT_MS, 'redis presence command');
  }

  #remember(roomId: number, update: (members: Member[]) => Member[]): void {
    this.#seen.set(roomId, update(this.#seen.get(roomId) ?? []));
  }

  #conns = (roomId: number, memberId: string) => `${this.#prefix}presence:${roomId}:conns:${memberId}`;
  #members = (roomId: number) => `${this.#prefix}presence:${roomId}:members`;
  #leases = () => `${this.#prefix}presence:leases`;
  #rooms = () => `${this.#prefix}presence:rooms`;
}

const leaseEntry = (roomId: number, memberId: string, connectionId: string) => JSON.stringify([roomId, memberId, connectionId]);
const toMember = ({ since: _since, ...member }: StoredMember): Member => member;
