import { createHash } from 'node:crypto';
import { DIRECT_KEY_PREFIX, ErrorCode, type ChatMessage, type RoomSummary } from '@roomchat/protocol';
import type { App } from '../auth/apps.js';
import { verifiedMember } from '../auth/members.js';
import type { Identity } from '../auth/tokens.js';
import type { Database, RoomRow } from '../db.js';
import { ChatError } from '../errors.js';
import type { Messages } from '../messages.js';
import type { Rooms, RoomRecord } from '../rooms.js';
import { toRoom } from '../storage/rows.js';
import type { RoomAccess } from './access.js';

/** How many rooms a conversation list holds at most: the most recently active. */
export const CONVERSATIONS_MAX = 100;

/**
 * The key of the direct room of two users: the same whichever of them opens it (sorted), and a
 * hash, so that any two `sub`s (up to 255 characters, any characters) make a valid key.
 */
export function directKey(a: string, b: string): string {
  const [first, second] = [a, b].sort();
  return `${DIRECT_KEY_PREFIX}${createHash('sha256').update(`${first}\u0000${second}`).digest('base64url')}`;
}

/** Direct conversations and a verified user's list of rooms (its conversations). */
export class Conversations {
  readonly #db: Database;
  readonly #rooms: Rooms;
  readonly #access: RoomAccess;
  readonly #messages: Messages;

  constructor(db: Database, rooms: Rooms, access: RoomAccess, messages: Messages) {
    this.#db = db;
    this.#rooms = rooms;
    this.#access = access;
    this.#messages = messages;
  }

  /** The private room of `me` and `other` in the app, created on first use (a race ends in one room: the key is unique). */
  async openDirect(app: App, me: string, other: string, mayCreate: boolean): Promise<RoomRecord> {
    if (other === me) throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'A direct conversation is with another user');
    const key = directKey(me, other);
    const existing = await this.#rooms.findByKey(key, app.id);
    if (existing) return existing;
    if (!mayCreate) throw new ChatError(ErrorCode.FORBIDDEN, 'Rooms of this app are created by its site');
    return this.#rooms.create(app.id, { key, private: true, members: [me, other] });
  }

  /** The rooms of a verified user: those it is listed in (private, direct) and those it joined; newest activity first. */
  async list(app: App, identity: Identity): Promise<RoomSummary[]> {
    const memberId = verifiedMember(app, identity).id;
    const listed = this.#db('room_members').where({ user_id: identity.sub }).select('room_id');
    const joined = this.#db('messages').where({ author_id: memberId, kind: 'join' }).select('room_id');
    const rows: RoomRow[] = await this.#db('rooms')
      .where({ app_id: app.id })
      .where((q) => q.whereIn('id', listed).orWhereIn('id', joined))
      .select('id', 'app_id', 'code', 'key', 'is_private', 'created_at');
    const summaries = await Promise.all(rows.map((row) => this.#summary(toRoom(row), identity.sub, memberId)));
    const activity = (s: RoomSummary) => s.lastMessage?.createdAt ?? '';
    return summaries.sort((a, b) => activity(b).localeCompare(activity(a))).slice(0, CONVERSATIONS_MAX);
  }

  async #summary(room: RoomRecord, sub: string, memberId: string): Promise<RoomSummary> {
    const summary: RoomSummary = { code: room.code, private: room.private === true, unread: 0 };
    if (room.key !== undefined) summary.key = room.key;
    if (room.key?.startsWith(DIRECT_KEY_PREFIX)) {
      const other = (await this.#access.members(room)).find((user) => user !== sub);
      if (other !== undefined) summary.direct = { userId: other };
    }
    const last = await this.#lastMessage(room, memberId);
    if (last) summary.lastMessage = last;
    const read = await this.#db('read_positions').where({ room_id: room.id, member_id: memberId }).first('seq');
    const unread = await this.#db('messages')
      .where({ room_id: room.id })
      .where('seq', '>', Number(read?.seq ?? 0))
      .whereIn('kind', ['text', 'image'])
      .whereNull('deleted_at')
      .where((q) => q.whereNull('author_id').orWhereNot('author_id', memberId))
      .count<{ n: number | string }[]>({ n: '*' });
    summary.unread = Number(unread[0]?.n ?? 0);
    return summary;
  }

  /** The newest message (text or image, not deleted), from the newest page of the log. */
  async #lastMessage(room: RoomRecord, memberId: string): Promise<ChatMessage | undefined> {
    const page = await this.#messages.page(room, { limit: 20 }, memberId);
    return page.messages.filter((m): m is ChatMessage => (m.kind === 'text' || m.kind === 'image') && !(m as ChatMessage).deletedAt).at(-1);
  }
}
