import type { Database } from '../db.js';
import type { RoomRecord } from '../rooms.js';

/** One row of the audit trail: who did what to whom, when, and why. */
export interface AuditRecord {
  id: number;
  roomCode: string;
  /** The actor's member id (a `bot:` id for the app's backend), absent when unknown. */
  actorId?: string;
  actorName: string;
  action: string;
  /** A member id, a user id (`user:<sub>`) or a message id, as the action names it. */
  target?: string;
  reason?: string;
  /** The action's own values (duration, role, new code, decision...). */
  data?: Record<string, unknown>;
  createdAt: string;
}

interface AuditRow {
  id: number | string;
  room_code: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  reason: string | null;
  data: string | null;
  created_at: number | string;
}

/** What an action adds to the trail. */
export interface AuditEntry {
  room: RoomRecord;
  actor: { name: string; id?: string | undefined };
  action: string;
  target?: string | undefined;
  reason?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

/**
 * The audit trail of moderation (docs/moderation.md): a row per action, kept apart from the room's
 * log so that it outlives what it records (a deleted message, a rotated code) and can be read per
 * app by its admins.
 */
export class Audit {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async record({ room, actor, action, target, reason, data }: AuditEntry): Promise<void> {
    await this.#db('moderation_audit').insert({
      app_id: room.appId,
      room_id: room.id,
      room_code: room.code,
      actor_id: actor.id ?? null,
      actor_name: actor.name,
      action,
      target: target ?? null,
      reason: reason ?? null,
      data: data === undefined ? null : JSON.stringify(data),
      created_at: Date.now(),
    });
  }

  /** The app's trail (or one room's), newest first, older than the row `before`. */
  async page(appId: string, options: { roomId?: number | undefined; before?: number | undefined; limit: number }): Promise<{ entries: AuditRecord[]; hasMore: boolean }> {
    const query = this.#db('moderation_audit').where('app_id', appId).orderBy('id', 'desc').limit(options.limit + 1);
    if (options.roomId !== undefined) query.where('room_id', options.roomId);
    if (options.before !== undefined) query.where('id', '<', options.before);
    const rows: AuditRow[] = await query;
    return { entries: rows.slice(0, options.limit).map(toRecord), hasMore: rows.length > options.limit };
  }
}

function toRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = { id: Number(row.id), roomCode: row.room_code, actorName: row.actor_name, action: row.action, createdAt: new Date(Number(row.created_at)).toISOString() };
  if (row.actor_id !== null) record.actorId = row.actor_id;
  if (row.target !== null) record.target = row.target;
  if (row.reason !== null) record.reason = row.reason;
  if (row.data !== null) record.data = JSON.parse(row.data) as Record<string, unknown>;
  return record;
}
