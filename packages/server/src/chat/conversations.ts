import { createHash } from 'node:crypto';
import { DIRECT_KEY_PREFIX, ErrorCode, type ChatMessage, type RoomSummary } from '@roomchat/protocol';
import type { App } from '../auth/apps.js';
import { guestOfPrincipal, memberIdOfPrincipal } from '../auth/members.js';
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

/** Who asks for a conversation list: the principals (room_members' user ids) and member ids it is. */
export interface Lister {
  /** A verified user's `sub`, or a guest's principal per member id (auth/members.ts). */
  principal: string;
  memberId: string;
}

/** Direct conversations and a visitor's list of rooms (its conversations). */
export class Conversations {
  readonly #db: Database;
  readonly #rooms: Rooms;
  readonly #access: RoomAccess;
  readonly #messages: Messages;
  /** The member ids of direct rooms' two members, by room id: they never change. */
  readonly #directMembers = new Map<number, string[]>();

  constructor(db: Database, rooms: Rooms, access: RoomAccess, messages: Messages) {
    this.#db = db;
    this.#rooms = rooms;
    this.#access = access;
    this.#messages = messages;
  }

  /**
   * The private room of principals `me` and `other` in the app (users' subs, or guests' principals,
   * auth/members.ts), created on first use (a race ends in one room: the key is unique).
   */
  async openDirect(app: App, me: string, other: string, mayCreate: boolean): Promise<RoomRecord> {
    if (other === me) throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'A direct conversation is with someone else');
    const key = directKey(me, other);
    const existing = await this.#rooms.findByKey(key, app.id);
    if (existing) return existing;
    if (!mayCreate) throw new ChatError(ErrorCode.FORBIDDEN, 'Rooms of this app are created by its site');
    return this.#rooms.create(app.id, { key, private: true, members: [me, other] });
  }

  /**
   * The rooms of a visitor (a verified user: one lister; a guest: one per member id it names):
   * those it is listed in (private, direct) and those it joined; newest activity first.
   */
  async list(app: App, listers: readonly Lister[]): Promise<RoomSummary[]> {
    if (listers.length === 0) return [];
    const listed: { room_id: number; user_id: string }[] = await this.#db('room_members')
      .whereIn('user_id', listers.map((l) => l.principal))
      .select('room_id', 'user_id');
    const joined: { room_id: number; author_id: string }[] = await this.#db('messages')
      .whereIn('author_id', listers.map((l) => l.memberId))
      .where({ kind: 'join' })
      .distinct('room_id', 'author_id');
    // Which of the visitor's members each room is for (its unread count is that member's).
    const as = new Map<number, Lister>();
    for (const row of listed) as.set(row.room_id, listers.find((l) => l.principal === row.user_id)!);
    for (const row of joined) if (!as.has(row.room_id)) as.set(row.room_id, listers.find((l) => l.memberId === row.author_id)!);
    const rows: RoomRow[] = as.size === 0 ? [] : await this.#db('rooms')
      .where({ app_id: app.id })
      .whereIn('id', [...as.keys()])
      .select('id', 'app_id', 'code', 'key', 'is_private', 'created_at', 'title');
    const summaries = await Promise.all(rows.map((row) => this.#summary(toRoom(row), as.get(row.id)!)));
    const activity = (s: RoomSummary) => s.lastMessage?.createdAt ?? '';
    return summaries.sort((a, b) => activity(b).localeCompare(activity(a))).slice(0, CONVERSATIONS_MAX);
  }

  /** The member ids of a direct room's two members (none for another room): who hears of its messages. */
  async directMemberIds(room: RoomRecord): Promise<string[]> {
    if (!room.key?.startsWith(DIRECT_KEY_PREFIX)) return [];
    let ids = this.#directMembers.get(room.id);
    if (!ids) {
      ids = (await this.#access.members(room)).map((principal) => memberIdOfPrincipal(room.appId, principal));
      if (this.#directMembers.size > 10_000) this.#directMembers.clear();
      if (ids.length === 2) this.#directMembers.set(room.id, ids);
    }
    return ids;
  }

  async #summary(room: RoomRecord, { principal, memberId }: Lister): Promise<RoomSummary> {
    const summary: RoomSummary = { code: room.code, private: room.private === true, unread: 0 };
    if (room.key !== undefined) summary.key = room.key;
    if (room.title !== undefined) summary.title = room.title;
    if (room.key?.startsWith(DIRECT_KEY_PREFIX)) {
      const other = (await this.#access.members(room)).find((user) => user !== principal);
      const guest = other === undefined ? undefined : guestOfPrincipal(other);
      if (guest !== undefined) {
        // A guest has no id of the host's: it is shown under the name it last posted or joined with.
        // (its newest join line in any room: messages_joins_by_author serves it).
        const named = await this.#db('messages').where({ author_id: guest, kind: 'join' }).orderBy('created_at', 'desc').first('author');
        summary.direct = { memberId: guest, ...(named ? { name: String(named.author) } : {}) };
      } else if (other !== undefined) summary.direct = { userId: other };
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
