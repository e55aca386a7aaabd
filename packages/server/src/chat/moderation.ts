import { ErrorCode, type Member, type ModerationEntry, type ModerationRequest, type RemovalReason, type Role } from '@roomchat/protocol';
import { publicMemberId } from '../auth/members.js';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import type { ModerationData } from '../message-writer.js';
import type { Presence } from '../presence.js';
import type { RoomRecord, Rooms } from '../rooms.js';
import type { Audit } from './audit.js';
import type { RoomEvents } from './events.js';
import type { RoomLog } from './room-log.js';
import { RANK, type RoomRules } from './room-rules.js';

/** Who takes a moderation action, and with which role in the room. */
export interface Moderator {
  room: RoomRecord;
  /** A member (name and id), or the app's backend (its bot author). */
  actor: { name: string; id?: string | undefined };
  role: Role;
  /** The connection that asked: its ack carries the entry, so the broadcast skips it. */
  connectionId?: string | undefined;
}

/** The weakest role that may take each action (docs/moderation.md#who-may-do-what). */
const NEEDS: Record<ModerationRequest['action'], Role> = {
  kick: 'moderator',
  ban: 'moderator',
  unban: 'moderator',
  mute: 'moderator',
  unmute: 'moderator',
  lock: 'moderator',
  'slow-mode': 'moderator',
  role: 'owner',
  'rotate-code': 'owner',
  close: 'owner',
};

/** A verified user's member id in an app's rooms (auth/members.ts derives it the same way). */
export function userMemberId(appId: string, userId: string): string {
  return publicMemberId(`user:${appId}:${userId}`);
}

/** FORBIDDEN unless `role` is at least `needed`. */
export function requireRole(role: Role, needed: Role): void {
  if (RANK[role] < RANK[needed]) throw new ChatError(ErrorCode.FORBIDDEN, needed === 'owner' ? "Only the room's owner (or an app admin) may do that" : 'Only moderators may do that');
}

interface Deps {
  db: Database;
  rooms: Rooms;
  rules: RoomRules;
  presence: Presence;
  log: RoomLog;
  events: RoomEvents;
  audit: Audit;
  /** Whether the member has joined the room before (its join line is in the log). */
  hasJoined: (room: RoomRecord, memberId: string) => Promise<boolean>;
}

/**
 * The room's moderation actions (kick, ban, mute, roles, lock, slow mode, code rotation, close) and
 * the checks at the door (closed, banned, locked). Each action changes the stored rules first,
 * then becomes an entry of the room's log (kind `moderation`: clients fold it, catch-up carries it,
 * other nodes drop their copy of the rules on seeing it) and a row of the audit trail.
 */
export class Moderation {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Takes `request` as `mod`: FORBIDDEN when its role does not allow it (see NEEDS and #outranks). */
  async act(mod: Moderator, request: ModerationRequest): Promise<ModerationEntry> {
    const { db, rules } = this.#deps;
    const { room } = mod;
    requireRole(mod.role, NEEDS[request.action]);
    const now = Date.now();
    let data: ModerationData;
    let removed: { memberIds: string[] | 'all'; reason: RemovalReason; message?: string | undefined } | undefined;
    let auditTarget: string | undefined;
    switch (request.action) {
      case 'kick': {
        await this.#outranks(mod, request.memberId);
        data = { action: 'kick', target: request.memberId, ...reasonOf(request.reason) };
        removed = { memberIds: [request.memberId], reason: 'kicked', ...reasonAsMessage(request.reason) };
        break;
      }
      case 'ban': {
        const memberId = request.memberId ?? userMemberId(room.appId, request.userId!);
        await this.#outranks(mod, memberId);
        const until = request.durationMs === undefined ? null : now + request.durationMs;
        const row = { room_id: room.id, member_id: memberId, user_id: request.userId ?? null, until, reason: request.reason ?? null, by: mod.actor.id ?? mod.actor.name, created_at: now };
        await db('room_bans').insert(row).onConflict(['room_id', 'member_id']).merge();
        // A banned moderator is a moderator no more.
        await db('room_roles').where({ room_id: room.id, member_id: memberId }).delete();
        data = { action: 'ban', target: memberId, ...reasonOf(request.reason), ...(until === null ? {} : { until: new Date(until).toISOString() }) };
        removed = { memberIds: [memberId], reason: 'banned', ...reasonAsMessage(request.reason) };
        auditTarget = request.userId === undefined ? memberId : `user:${request.userId}`;
        break;
      }
      case 'unban': {
        const memberId = request.memberId ?? userMemberId(room.appId, request.userId!);
        const gone = await db('room_bans').where({ room_id: room.id, member_id: memberId }).delete();
        if (!gone) throw new ChatError(ErrorCode.NOT_FOUND, 'That member is not banned from this room');
        data = { action: 'unban', target: memberId };
        auditTarget = request.userId === undefined ? memberId : `user:${request.userId}`;
        break;
      }
      case 'mute': {
        await this.#outranks(mod, request.memberId);
        const until = now + request.durationMs;
        await db('room_mutes').insert({ room_id: room.id, member_id: request.memberId, until }).onConflict(['room_id', 'member_id']).merge();
        data = { action: 'mute', target: request.memberId, until: new Date(until).toISOString(), ...reasonOf(request.reason) };
        break;
      }
      case 'unmute': {
        await this.#outranks(mod, request.memberId);
        await db('room_mutes').where({ room_id: room.id, member_id: request.memberId }).delete();
        data = { action: 'unmute', target: request.memberId };
        break;
      }
      case 'role': {
        await this.#setRole(mod, request.memberId, request.role, now);
        data = { action: 'role', target: request.memberId, role: request.role };
        break;
      }
      case 'lock':
        await this.#setting(room, { locked: request.locked });
        data = { action: request.locked ? 'lock' : 'unlock' };
        break;
      case 'slow-mode':
        await this.#setting(room, { slow_mode_seconds: request.seconds });
        data = { action: 'slow-mode', seconds: request.seconds };
        break;
      case 'rotate-code': {
        const renamed = await this.#deps.rooms.rotateCode(room);
        data = { action: 'code-rotated', code: renamed.code };
        break;
      }
      case 'close':
        await this.#setting(room, { closed_at: now });
        data = { action: 'close', ...reasonOf(request.reason) };
        removed = { memberIds: 'all', reason: 'closed', ...reasonAsMessage(request.reason) };
        break;
    }
    rules.invalidate(room.id);
    // Every node hears of the change before its entry is broadcast (both go through the one Redis
    // stream, in order): a member who sees the entry and acts on it finds its node up to date.
    this.#deps.events.publish({ type: 'moderated', room, ...(data.code ? { code: data.code } : {}), ...(removed ? { removed } : {}) });
    return this.record(mod, data, auditTarget);
  }

  /**
   * Appends a moderation entry to the room's log (stored by the same group commit as messages, so
   * it has its seq in order) and records it in the audit trail.
   */
  async record(mod: Pick<Moderator, 'room' | 'actor' | 'connectionId'>, data: ModerationData, auditTarget?: string): Promise<ModerationEntry> {
    const { room, actor } = mod;
    const entry = (await this.#deps.log.append(room, { kind: 'moderation', author: actor.name, authorId: actor.id, data: { moderation: data } }, mod.connectionId)) as ModerationEntry;
    const { action, target, reason, ...rest } = data;
    await this.#deps.audit.record({ room, actor, action, target: auditTarget ?? target, reason, data: Object.keys(rest).length ? rest : undefined });
    return entry;
  }

  /**
   * Whether `memberId` may come in (join, open): ROOM_CLOSED for a closed room, BANNED for a ban
   * in force, ROOM_LOCKED for a locked room unless the member has been in it before. Owners,
   * moderators and admins pass a lock. Joins are not the hot path: the ban is one indexed read.
   */
  async admit(room: RoomRecord, memberId: string, role: Role): Promise<void> {
    const rules = await this.#deps.rules.get(room.id);
    if (rules.closed) throw new ChatError(ErrorCode.ROOM_CLOSED, 'This room was closed');
    if (role === 'admin') return;
    const ban = await this.#deps.db('room_bans')
      .where({ room_id: room.id, member_id: memberId })
      .where((q) => q.whereNull('until').orWhere('until', '>', Date.now()))
      .first('reason');
    if (ban) throw new ChatError(ErrorCode.BANNED, ban.reason ? `You are banned from this room: ${ban.reason}` : 'You are banned from this room');
    if (rules.locked && RANK[role] < RANK.moderator && !(await this.#deps.hasJoined(room, memberId))) {
      throw new ChatError(ErrorCode.ROOM_LOCKED, 'This room is locked: it takes no new members');
    }
  }

  /** Makes `memberId` the room's owner (a code room's creator; an app room's user named by the app). */
  async setOwner(room: RoomRecord, memberId: string): Promise<void> {
    await this.#deps.db.transaction(async (trx) => {
      await trx('room_roles').where({ room_id: room.id, role: 'owner' }).whereNot({ member_id: memberId }).update({ role: 'moderator' });
      await trx('room_roles').insert({ room_id: room.id, member_id: memberId, role: 'owner', created_at: Date.now() }).onConflict(['room_id', 'member_id']).merge();
    });
    this.#deps.rules.invalidate(room.id);
  }

  /** Members with their roles, as the member list and the snapshot show them. */
  async withRoles(room: RoomRecord, members: readonly Member[]): Promise<Member[]> {
    const { roles } = await this.#deps.rules.get(room.id);
    return members.map((m) => {
      const role = m.role === 'admin' ? 'admin' : roles.get(m.id);
      if (role === undefined) return m;
      return { ...m, role };
    });
  }

  /** The room's bans in force, newest first (for moderators and the app's admin page). */
  async bans(room: RoomRecord): Promise<{ memberId: string; userId?: string; until?: string; reason?: string; by: string; createdAt: string }[]> {
    const rows = await this.#deps.db('room_bans')
      .where({ room_id: room.id })
      .where((q) => q.whereNull('until').orWhere('until', '>', Date.now()))
      .orderBy('created_at', 'desc');
    return rows.map((r) => ({
      memberId: r.member_id,
      ...(r.user_id ? { userId: r.user_id } : {}),
      ...(r.until === null ? {} : { until: new Date(Number(r.until)).toISOString() }),
      ...(r.reason ? { reason: r.reason } : {}),
      by: r.by,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /** Promotion, demotion, or handing the room over (the owner before becomes a moderator). */
  async #setRole(mod: Moderator, memberId: string, role: Exclude<Role, 'admin'>, now: number): Promise<void> {
    const { room } = mod;
    if (role === 'owner') {
      if (memberId === mod.actor.id) throw new ChatError(ErrorCode.FORBIDDEN, 'You own this room already');
      await this.setOwner(room, memberId);
      return;
    }
    await this.#outranks(mod, memberId);
    if (role === 'member') await this.#deps.db('room_roles').where({ room_id: room.id, member_id: memberId }).delete();
    else await this.#deps.db('room_roles').insert({ room_id: room.id, member_id: memberId, role, created_at: now }).onConflict(['room_id', 'member_id']).merge();
  }

  /**
   * FORBIDDEN unless the actor is stronger than the member it acts on: a moderator acts on members
   * only, an owner on moderators too, an admin on anyone but admins; nobody on itself.
   */
  async #outranks(mod: Moderator, memberId: string): Promise<void> {
    if (memberId === mod.actor.id) throw new ChatError(ErrorCode.FORBIDDEN, 'You cannot do that to yourself');
    const present = (await this.#deps.presence.list(mod.room)).find((m) => m.id === memberId);
    const targetRole = await this.#deps.rules.roleOf(mod.room.id, memberId, present?.role === 'admin');
    if (RANK[targetRole] >= RANK[mod.role]) {
      throw new ChatError(ErrorCode.FORBIDDEN, targetRole === 'admin' ? "An app admin cannot be acted on in the app's rooms" : `A ${mod.role} cannot act on the room's ${targetRole}`);
    }
  }

  async #setting(room: RoomRecord, change: { locked?: boolean; slow_mode_seconds?: number; closed_at?: number }): Promise<void> {
    await this.#deps.db('room_settings').insert({ room_id: room.id, ...change }).onConflict('room_id').merge(Object.keys(change));
  }
}

const reasonOf = (reason: string | undefined) => (reason ? { reason } : {});
const reasonAsMessage = (reason: string | undefined) => (reason ? { message: reason } : {});
