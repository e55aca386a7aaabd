import type { Knex } from 'knex';
import type { ChatMessage, HistoryPage, ImageInfo, MessageKind } from '@roomchat/sdk/protocol';
import { isUniqueViolation, type Database, type ImageRow, type MessageRow } from './db.js';
import { imageInfo } from './images.js';
import type { RoomRecord } from './rooms.js';

/** A message to store; the server adds id, seq and time. */
export interface NewMessage {
  kind: MessageKind;
  author: string;
  text?: string | undefined;
  /** The image of an image message, already checked to belong to the room. */
  image?: ImageInfo | undefined;
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

/** Most appends one transaction takes; more wait for the next. */
const MAX_BATCH = 256;

interface PendingAppend {
  room: RoomRecord;
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Stored messages: appending with per-room sequence numbers, and keyset-paged history.
 *
 * Appends are group-committed: while one transaction is being written, the appends that arrive
 * queue up and go together in the next one (one multi-row insert per batch), so under load the
 * database does one commit for many messages instead of one each, and an idle server still
 * commits a lone message at once.
 */
export class Messages {
  readonly #db: Database;
  #queue: PendingAppend[] = [];
  #writing = false;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Stores a message and resolves once it is committed. The room's `last_seq` is bumped in the
   * same transaction, which row-locks the room in PostgreSQL (and SQLite has one writer), so
   * sequence numbers are gap-free, in commit order, and in arrival order within a batch. A repeated
   * client id returns the original.
   */
  append(room: RoomRecord, message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ room, message, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          this.#settle(batch, await this.#write(batch));
        } catch (error) {
          // A client id stored meanwhile by another process fails the whole batch: redo it one
          // by one, so only the duplicate answers with the original.
          if (batch.length > 1 && isUniqueViolation(error)) {
            for (const one of batch) await this.#write([one]).then((r) => this.#settle([one], r), (e: unknown) => this.#fail([one], e));
          } else {
            await this.#fail(batch, error);
          }
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  #settle(batch: PendingAppend[], results: AppendResult[]): void {
    batch.forEach((pending, i) => pending.resolve(results[i]!));
  }

  async #fail(batch: PendingAppend[], error: unknown): Promise<void> {
    for (const pending of batch) {
      // A lone append that lost a client-id race answers with the winner's message.
      const { room, message } = pending;
      const existing = message.clientId && isUniqueViolation(error) ? await this.#findByClientId(room, message.clientId).catch(() => undefined) : undefined;
      if (existing) pending.resolve({ message: existing, created: false });
      else pending.reject(error);
    }
  }

  /** One transaction: find repeated client ids, bump each room's seq by its count, insert the rest. */
  async #write(batch: PendingAppend[]): Promise<AppendResult[]> {
    return this.#db.transaction(async (trx) => {
      const results: Array<AppendResult | undefined> = new Array(batch.length);
      const keyOf = (p: PendingAppend) => (p.message.clientId ? `${p.room.id}:${p.message.clientId}` : undefined);

      const withIds = batch.filter((p) => p.message.clientId);
      const stored = new Map<string, MessageWithImage>();
      if (withIds.length) {
        const rows = await selectMessages(trx)
          .whereIn(['messages.room_id', 'messages.client_id'], withIds.map((p) => [p.room.id, p.message.clientId!]));
        for (const row of rows) stored.set(`${row.room_id}:${row.client_id}`, row);
      }

      // Which appends are new; a client id repeated within the batch takes the first one's result.
      const firstOfKey = new Map<string, number>();
      const fresh: number[] = [];
      batch.forEach((p, i) => {
        const key = keyOf(p);
        const existing = key && stored.get(key);
        if (existing) results[i] = { message: toChatMessage(p.room, existing), created: false };
        else if (key && firstOfKey.has(key)) return;
        else {
          if (key) firstOfKey.set(key, i);
          fresh.push(i);
        }
      });

      const perRoom = new Map<number, number[]>();
      for (const i of fresh) perRoom.set(batch[i]!.room.id, [...(perRoom.get(batch[i]!.room.id) ?? []), i]);
      const now = Date.now();
      const rows: Array<Omit<MessageRow, 'id'> & { index: number }> = [];
      const lastSeq = await bumpSequences(trx, perRoom);
      for (const [roomId, indexes] of perRoom) {
        const first = lastSeq.get(roomId)! - indexes.length + 1;
        indexes.forEach((index, k) => {
          const { message } = batch[index]!;
          rows.push({
            index,
            room_id: roomId,
            seq: first + k,
            kind: message.kind,
            author: message.author,
            text: message.text ?? null,
            image_id: message.image?.id ?? null,
            client_id: message.clientId ?? null,
            created_at: now,
          });
        });
      }
      if (rows.length) {
        const inserted = await trx('messages')
          .insert(rows.map(({ index: _, ...row }) => row))
          .returning<{ id: number | string; seq: number | string; room_id: number }[]>(['id', 'seq', 'room_id']);
        const idOf = new Map(inserted.map((r) => [`${r.room_id}:${Number(r.seq)}`, r.id]));
        for (const { index, ...row } of rows) {
          const { room, message } = batch[index]!;
          const chat = toChatMessage(room, { ...row, id: idOf.get(`${row.room_id}:${row.seq}`)! }, message.image);
          results[index] = { message: chat, created: true };
        }
      }
      // Repeats within the batch answer with their first's message.
      batch.forEach((p, i) => {
        const first = results[firstOfKey.get(keyOf(p) ?? '') ?? -1];
        if (!results[i] && first) results[i] = { message: first.message, created: false };
      });
      return results as AppendResult[];
    });
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
    return selectMessages(this.#db).where('messages.room_id', room.id);
  }
}

/**
 * Reserves `count` sequence numbers in each room with one UPDATE, and returns each room's new
 * `last_seq`. On PostgreSQL the rooms are first locked in id order, so two nodes writing batches
 * that share rooms wait for each other instead of deadlocking.
 */
async function bumpSequences(trx: Knex.Transaction, perRoom: Map<number, number[]>): Promise<Map<number, number>> {
  const ids = [...perRoom.keys()].sort((a, b) => a - b);
  if (ids.length === 0) return new Map();
  if (trx.client.config.client === 'pg') await trx('rooms').whereIn('id', ids).orderBy('id').forUpdate().select('id');
  const cases = ids.map(() => 'when ? then cast(? as bigint)').join(' ');
  const bindings = ids.flatMap((id) => [id, perRoom.get(id)!.length]);
  const rows = await trx('rooms')
    .whereIn('id', ids)
    .update({ last_seq: trx.raw(`last_seq + case id ${cases} end`, bindings) })
    .returning<{ id: number; last_seq: number | string }[]>(['id', 'last_seq']);
  return new Map(rows.map((r) => [Number(r.id), Number(r.last_seq)]));
}

/** Messages with the description (never the bytes) of their image. */
function selectMessages(db: Database | Knex.Transaction) {
  return db<MessageWithImage>('messages')
    .leftJoin('images', 'images.id', 'messages.image_id')
    .select('messages.*', ...IMAGE_COLUMNS);
}

function toChatMessage(room: RoomRecord, row: MessageWithImage, image?: ImageInfo): ChatMessage {
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
  if (image) message.image = image;
  else if (row.image_id !== null && row.mime) {
    message.image = imageInfo({ id: row.image_id, mime: row.mime, width: row.width!, height: row.height!, size: row.size! });
  }
  return message;
}
