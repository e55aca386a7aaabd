import { ErrorCode } from '@roomchat/protocol';
import type { Identity } from '../auth/tokens.js';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import type { RoomRecord } from '../rooms.js';

/** Who asks to enter or read a room: a verified user (by its token's `sub`), or a guest (undefined). */
export type Visitor = Pick<Identity, 'sub'> | undefined;

/**
 * Who may enter a private room: the users listed for it (room_members), by the `sub` their host
 * signed. A guest never may. Every way into a room's content (join, open, history, search, send,
 * upload, over a socket or REST) asks {@link RoomAccess.check} first.
 */
export class RoomAccess {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** FORBIDDEN unless the room is open or `visitor` is one of its users. */
  async check(room: RoomRecord, visitor: Visitor): Promise<void> {
    if (await this.admits(room, visitor)) return;
    throw new ChatError(ErrorCode.FORBIDDEN, visitor ? 'This room is private: you are not one of its members' : 'This room is private: sign in as one of its members');
  }

  async admits(room: RoomRecord, visitor: Visitor): Promise<boolean> {
    if (!room.private) return true;
    if (!visitor) return false;
    return (await this.#db('room_members').where({ room_id: room.id, user_id: visitor.sub }).first('user_id')) !== undefined;
  }

  /** The users a private room admits, in the order they were added. */
  async members(room: RoomRecord): Promise<string[]> {
    const rows: { user_id: string }[] = await this.#db('room_members').where({ room_id: room.id }).orderBy('created_at').orderBy('user_id').select('user_id');
    return rows.map((r) => r.user_id);
  }

  /** Adds users to the room's list; those already in it stay as they were. */
  async add(room: RoomRecord, users: readonly string[]): Promise<void> {
    const rows = [...new Set(users)].map((user_id) => ({ room_id: room.id, user_id, created_at: Date.now() }));
    if (rows.length) await this.#db('room_members').insert(rows).onConflict(['room_id', 'user_id']).ignore();
  }

  /** Removes users from the room's list. */
  async remove(room: RoomRecord, users: readonly string[]): Promise<void> {
    if (users.length) await this.#db('room_members').where({ room_id: room.id }).whereIn('user_id', [...users]).delete();
  }
}
