import type { Member } from '@roomchat/protocol';
import { retryingLocks, type Database, type RoomRow } from './db.js';
import type { RoomRecord } from './rooms.js';
import { toPresentMember, toRoom } from './storage/rows.js';

/**
 * The members present in each room, kept in the database by a single node (LocalPresence lives in
 * memory): a node that restarts, gracefully or not, reads them back instead of forgetting them.
 * Written only when a member arrives or leaves, beside its join or leave line.
 */
export class PresentMembers {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async add(room: RoomRecord, member: Member): Promise<void> {
    await retryingLocks(this.#db, () =>
      this.#db('present_members')
        .insert({ room_id: room.id, member_id: member.id, name: member.name, profile: profileOf(member) })
        .onConflict(['room_id', 'member_id'])
        .merge(['name', 'profile']),
    );
  }

  async remove(room: RoomRecord, memberId: string): Promise<void> {
    await retryingLocks(this.#db, () => this.#db('present_members').where({ room_id: room.id, member_id: memberId }).delete());
  }

  /** Everyone recorded as present, with their rooms. */
  async all(): Promise<Array<{ room: RoomRecord; member: Member }>> {
    const rows: Array<RoomRow & { member_id: string; name: string; profile: string | null }> = await this.#db('present_members')
      .join('rooms', 'rooms.id', 'present_members.room_id')
      .select('rooms.id', 'rooms.app_id', 'rooms.code', 'rooms.created_at', 'rooms.title', 'present_members.member_id', 'present_members.name', 'present_members.profile');
    return rows.map((row) => ({ room: toRoom(row), member: toPresentMember(row) }));
  }
}

/** A verified member's userId and avatar, as JSON; null for a guest. */
function profileOf({ verified, userId, avatarUrl }: Member): string | null {
  return verified ? JSON.stringify({ verified, userId, avatarUrl }) : null;
}
