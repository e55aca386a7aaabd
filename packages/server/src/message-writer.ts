import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { MessageKind } from '@roomchat/sdk/protocol';
import { sqliteFileOf, type Database, type MessageRow } from './db.js';
import { selectMessages, type MessageWithImage } from './message-rows.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteMessageWriter } from './sqlite-message-writer.js';

/** One message of a batch to store; the writer adds id, seq and time. */
export interface AppendRequest {
  roomId: number;
  kind: MessageKind;
  author: string;
  authorId: string | null;
  text: string | null;
  imageId: string | null;
  clientId: string | null;
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
 */
export interface MessageWriter {
  /** Gets ready to write (after migrations); rejects when storage cannot be written. */
  start(): Promise<void>;
  write(batch: AppendRequest[]): Promise<AppendOutcome[]>;
  close(): Promise<void>;
}

/** The writer for `db`: a connection of its own for SQLite, the knex pool for PostgreSQL. */
export function createMessageWriter(db: Database, log?: Logger): MessageWriter {
  const sqlite = sqliteFileOf(db);
  if (!sqlite) return new KnexMessageWriter(db);
  const onCheckpointerError = (err: Error) => log?.error({ err }, 'SQLite checkpoint thread stopped; commits checkpoint themselves until it is back');
  return new SqliteMessageWriter(sqlite, new SqliteCheckpointer(sqlite, onCheckpointerError));
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
          const { kind, author, authorId, text, imageId, clientId } = batch[index]!;
          rows.push({ index, room_id: roomId, seq: first + k, kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now });
        });
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
