import type { ChatMessage, HistoryPage, MessageKind } from '@roomchat/sdk/protocol';
import { isUniqueViolation, type Database, type ImageRow, type MessageRow } from './db.js';
import { imageInfo } from './images.js';
import type { RoomRecord } from './rooms.js';

/** A message to store; the server adds id, seq and time. */
export interface NewMessage {
  kind: MessageKind;
  author: string;
  text?: string | undefined;
  imageId?: string | undefined;
  clientId?: string | undefined;
}

export interface HistoryQuery {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export interface AppendResult {
  message: ChatMessage;
  /** False when the client id was seen before and the original is returned. */
  created: boolean;
}

/** Image columns read alongside messages (never the bytes). */
const IMAGE_COLUMNS = ['images.mime', 'images.width', 'images.height', 'images.size'] as const;
type MessageWithImage = MessageRow & Partial<Pick<ImageRow, 'mime' | 'width' | 'height' | 'size'>>;

/** Stored messages: appending with per-room sequence numbers, and keyset-paged history. */
export class Messages {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Stores a message and returns it once committed. The room's `last_seq` is bumped in the same
   * transaction, which row-locks the room in PostgreSQL (and SQLite has one writer), so sequence
   * numbers are gap-free and in commit order. A repeated client id returns the original.
   */
  async append(room: RoomRecord, message: NewMessage): Promise<AppendResult> {
    if (message.clientId) {
      const existing = await this.#findByClientId(room, message.clientId);
      if (existing) return { message: existing, created: false };
    }
    try {
      const id = await this.#db.transaction(async (trx) => {
        const [bumped] = await trx('rooms')
          .where({ id: room.id })
          .increment('last_seq', 1)
          .returning<{ last_seq: number | string }[]>('last_seq');
        const [inserted] = await trx('messages')
          .insert({
            room_id: room.id,
            seq: Number(bumped!.last_seq),
            kind: message.kind,
            author: message.author,
            text: message.text ?? null,
            image_id: message.imageId ?? null,
            client_id: message.clientId ?? null,
            created_at: Date.now(),
          })
          .returning<{ id: number | string }[]>('id');
        return inserted!.id;
      });
      const row = await this.#select(room).where('messages.id', id).first();
      return { message: toChatMessage(room, row!), created: true };
    } catch (error) {
      // Two sends of one client id raced past the first check: the loser answers with the winner's.
      if (message.clientId && isUniqueViolation(error)) {
        const existing = await this.#findByClientId(room, message.clientId);
        if (existing) return { message: existing, created: false };
      }
      throw error;
    }
  }

  /**
   * A page of history, oldest first: the newest `limit` messages with seq below `before` (or the
   * newest of all), or with `after`, the oldest `limit` newer than it. Keyset on (room_id, seq),
   * so deep pages cost what the first one does.
   */
  async page(room: RoomRecord, options: HistoryQuery): Promise<HistoryPage> {
    const forward = options.after !== undefined;
    const query = this.#select(room)
      .orderBy('messages.seq', forward ? 'asc' : 'desc')
      .limit(options.limit + 1);
    if (options.before !== undefined) query.where('messages.seq', '<', options.before);
    if (options.after !== undefined) query.where('messages.seq', '>', options.after);
    const rows = await query;
    const hasMore = rows.length > options.limit;
    const page = rows.slice(0, options.limit);
    if (!forward) page.reverse();
    return { messages: page.map((row) => toChatMessage(room, row)), hasMore };
  }

  async #findByClientId(room: RoomRecord, clientId: string): Promise<ChatMessage | undefined> {
    const row = await this.#select(room).where('messages.client_id', clientId).first();
    return row && toChatMessage(room, row);
  }

  #select(room: RoomRecord) {
    return this.#db<MessageWithImage>('messages')
      .leftJoin('images', 'images.id', 'messages.image_id')
      .where('messages.room_id', room.id)
      .select('messages.*', ...IMAGE_COLUMNS);
  }
}

function toChatMessage(room: RoomRecord, row: MessageWithImage): ChatMessage {
  const message: ChatMessage = {
    id: String(row.id),
    roomCode: room.code,
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    author: row.author,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
  if (row.text !== null) message.text = row.text;
  if (row.client_id !== null) message.clientId = row.client_id;
  if (row.image_id !== null && row.mime) {
    message.image = imageInfo({ id: row.image_id, mime: row.mime, width: row.width!, height: row.height!, size: row.size! });
  }
  return message;
}
