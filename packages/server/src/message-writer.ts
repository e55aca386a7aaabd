import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EntryKind } from '@roomchat/protocol';
import { sqliteFileOf, type Database, type MessageRow } from './db.js';
import { selectMessages, type MessageWithImage } from './storage/rows.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteMessageWriter } from './sqlite-message-writer.js';
import type { SearchIndexerOptions } from './storage/sqlite-search-indexer.js';

/** One message (or change entry) of a batch to store; the writer adds id, seq and time. */
export interface AppendRequest {
  roomId: number;
  kind: EntryKind;
  author: string;
  authorId: string | null;
  /** A message's text; an edit's new text. */
  text: string | null;
  imageId: string | null;
  clientId: string | null;
  /** The kind's own fields, stored as JSON in `data` (a reaction's `count` is added by the writer). */
  data?: EntryData | null | undefined;
  /** The message a change entry (edit, delete, reaction) changes, in the same room. */
  targetId?: number | null | undefined;
}

/** What `data` holds, by kind: replies and mentions on messages; emoji, on and count on reactions. */
export interface EntryData {
  replyTo?: string;
  mentions?: string[];
  emoji?: string;
  on?: boolean;
  count?: number;
}

/** Whether the request is a change entry, whose effect on its target the writer applies. */
export function isChangeRequest(request: AppendRequest): boolean {
  return request.kind === 'edit' || request.kind === 'delete' || request.kind === 'reaction';
}

/** What became of an append: the new row, or the one stored earlier under its client id. */
export interface AppendOutcome {
  row: MessageWithImage;
  created: boolean;
}

/**
 * Writes a batch of appends in one transaction. Within a batch no two requests share a room and
 * client id (Messages merges those first). For each request, in order: a client id already stored
 * in the room returns that row; otherwise the room's next seq is taken and the message inserted,
 * so seqs are gap-free and in batch order within each room.
 *
 * A change entry also changes its target in that transaction, each guarded by `deleted_at is
 * null` (a change that lost a race with a delete leaves the tombstone as it is), with `version`
 * set to the entry's seq:
 * - edit: the target's text and `edited_at`;
 * - delete: text, image and `data` erased, `deleted_at` set, its reactions removed, the text of
 *   its edit entries erased too, and its image's bytes deleted unless another message shows it;
 * - reaction: the member's reaction added or removed, and the emoji's resulting count stored in
 *   the entry's data, so the entry carries the state it leads to.
 */
export interface MessageWriter {
  /** Gets ready to write (after migrations); rejects when storage cannot be written. */
  start(): Promise<void>;
  write(batch: AppendRequest[]): Promise<AppendOutcome[]>;
  close(): Promise<void>;
  /**
   * Brings the search index up to date with what was committed, when the writer fills it later
   * than the commit (SQLite's background indexer); search calls it first, so a sender finds
   * what was acknowledged.
   */
  flushSearchIndex?(): Promise<void>;
}

/** The writer for `db`: a connection of its own for SQLite, the knex pool for PostgreSQL. */
export function createMessageWriter(db: Database, log?: Logger, searchIndexing?: SearchIndexerOptions): MessageWriter {
  const sqlite = sqliteFileOf(db);
  if (!sqlite) return new KnexMessageWriter(db);
  const onCheckpointerError = (err: Error) => log?.error({ err }, 'SQLite checkpoint thread stopped; commits checkpoint themselves until it is back');
  return new SqliteMessageWriter(sqlite, new SqliteCheckpointer(sqlite, onCheckpointerError), searchIndexing);
}

/** Writes batches with knex (the server's writer on PostgreSQL): client ids stored before found, the rooms locked, their newest seqs read, one multi-row insert. */
export class KnexMessageWriter implements MessageWriter {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  write(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    return this.#db.transaction(async (trx) => {
      const outcomes: AppendOutcome[] = new Array(batch.length);
      const withIds = batch.filter((r) => r.clientId !== null);
      const stored = new Map<string, MessageWithImage>();
      if (withIds.length) {
        // Joined to the batch's pairs as arrays: a row-value IN is an OR of one term per pair, which
        // PostgreSQL took 35 ms to plan at 500 pairs against the (client_id, room_id) index; this, 0.2.
        const wanted = trx.raw('unnest(?::int[], ?::text[]) as wanted (room_id, client_id)', [withIds.map((r) => r.roomId), withIds.map((r) => r.clientId!)]);
        const rows = await selectMessages(trx).join(wanted, (on) => on.on('messages.room_id', 'wanted.room_id').andOn('messages.client_id', 'wanted.client_id'));
        for (const row of rows) stored.set(`${row.room_id}:${row.client_id}`, row);
      }
      const perRoom = new Map<number, number[]>();
      batch.forEach((request, i) => {
        const existing = request.clientId !== null ? stored.get(`${request.roomId}:${request.clientId}`) : undefined;
        if (existing) outcomes[i] = { row: existing, created: false };
        else perRoom.set(request.roomId, [...(perRoom.get(request.roomId) ?? []), i]);
      });
      if (perRoom.size === 0) return outcomes;

      const lastSeq = await lockSequences(trx, [...perRoom.keys()]);
      const now = Date.now();
      const rows: Array<Omit<MessageRow, 'id'> & { index: number }> = [];
      for (const [roomId, indexes] of perRoom) {
        // An unknown room (no entry) fails the insert's foreign key.
        const first = (lastSeq.get(roomId) ?? 0) + 1;
        indexes.forEach((index, k) => {
          const { kind, author, authorId, text, imageId, clientId, targetId, data } = batch[index]!;
          rows.push({
            index,
            room_id: roomId,
            seq: first + k,
            kind,
            author,
            author_id: authorId,
            text,
            image_id: imageId,
            client_id: clientId,
            created_at: now,
            data: data ? JSON.stringify(data) : null,
            target_id: targetId ?? null,
          });
        });
      }
      // Changes take effect before the entries are inserted (their seqs are known), in each
      // room's order (rooms do not touch each other's messages).
      for (const row of rows) {
        const request = batch[row.index]!;
        if (isChangeRequest(request)) row.data = await applyChange(trx, request, Number(row.seq), now);
      }
      const inserted = await trx('messages')
        .insert(rows.map(({ index: _, ...row }) => row))
        .returning<{ id: number | string; seq: number | string; room_id: number }[]>(['id', 'seq', 'room_id']);
      const idOf = new Map(inserted.map((r) => [`${r.room_id}:${Number(r.seq)}`, r.id]));
      for (const { index, ...row } of rows) outcomes[index] = { row: { ...row, id: idOf.get(`${row.room_id}:${row.seq}`)! }, created: true };
      return outcomes;
    });
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Applies a change entry's effect to its target (see MessageWriter); returns the entry's data. */
async function applyChange(trx: Knex.Transaction, request: AppendRequest, seq: number, now: number): Promise<string | null> {
  const targetId = request.targetId!;
  const live = () => trx('messages').where({ id: targetId }).whereNull('deleted_at');
  if (request.kind === 'edit') {
    await live().update({ text: request.text, edited_at: now, version: seq });
    return request.data ? JSON.stringify(request.data) : null;
  }
  if (request.kind === 'delete') {
    const target = await live().first('image_id');
    if (!target) return null;
    await live().update({ text: null, image_id: null, data: null, deleted_at: now, version: seq });
    await trx('messages').where({ target_id: targetId, kind: 'edit' }).update({ text: null });
    await trx('reactions').where({ message_id: targetId }).delete();
    if (target.image_id) {
      await trx('images')
        .where({ id: target.image_id })
        .whereNotExists(trx('messages').where({ image_id: target.image_id }).select(trx.raw('1')))
        .delete();
    }
    return null;
  }
  const { emoji, on } = request.data as { emoji: string; on: boolean };
  const target = await live().first('id');
  let count = 0;
  if (target) {
    const reaction = { message_id: targetId, member_id: request.authorId!, emoji };
    if (on) await trx('reactions').insert(reaction).onConflict(['message_id', 'emoji', 'member_id']).ignore();
    else await trx('reactions').where(reaction).delete();
    const [row] = await trx('reactions').where({ message_id: targetId, emoji }).count({ n: '*' });
    count = Number(row?.n ?? 0);
    await live().update({ version: seq });
  }
  return JSON.stringify({ emoji, on, count });
}

/**
 * Takes the rooms for this transaction's inserts and returns each room's newest seq (rooms with no
 * messages yet are left out). On PostgreSQL the rooms' rows are locked first, in id order, so two
 * nodes writing to a room wait for each other (in that order, so they cannot deadlock); only then
 * are the seqs read, in a statement of their own: under READ COMMITTED it sees what the previous
 * holder of the lock committed, which a read inside the locking statement would not.
 */
async function lockSequences(trx: Knex.Transaction, roomIds: number[]): Promise<Map<number, number>> {
  const ids = [...roomIds].sort((a, b) => a - b);
  if (trx.client.config.client === 'pg') await trx('rooms').whereIn('id', ids).orderBy('id').forUpdate().select('id');
  const newest = trx('messages').max('seq').where('room_id', trx.ref('rooms.id'));
  const rows = await trx('rooms').whereIn('id', ids).select('id', newest.as('last_seq'));
  return new Map(rows.filter((r) => r.last_seq !== null).map((r) => [Number(r.id), Number(r.last_seq)]));
}
