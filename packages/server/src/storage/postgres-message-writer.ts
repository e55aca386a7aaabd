import type { Knex } from 'knex';
import { DEFAULT_CONFIG } from '../config.js';
import type { Database } from '../db.js';
import { isChangeRequest, type AppendOutcome, type AppendRequest, type MessageWriter } from '../message-writer.js';
import { selectMessages, type MessageWithImage } from './rows.js';

/** What roomchat_append_messages returns of each new row. */
interface InsertedRow {
  new_id: number | string;
  new_seq: number | string;
  new_room_id: number;
  new_client_id: string | null;
}

/**
 * Writes message batches on PostgreSQL (see MessageWriter), in as few round trips as it can, and
 * several batches at once:
 *
 * - A batch of new messages (no change entries) is one statement, its own transaction: the
 *   function roomchat_append_messages locks the rooms, numbers the messages and inserts them
 *   (migrations/20261208041000_append_messages_function.ts). Before, it was six statements, each a
 *   round trip; on a busy machine each also waits for both processes to be scheduled.
 * - A batch with change entries (edits, deletes, reactions), whose effects need their seqs first,
 *   is a transaction of several statements (writeWithChanges).
 * - Up to `concurrency` batches are in flight (Messages hands them over without waiting for the
 *   commit), so that their commits' WAL flushes and round trips overlap instead of queueing one
 *   after another. A batch that shares a room with one in flight waits for it to finish first, so
 *   a room's messages get their seqs in the order of the calls; batches in other rooms go ahead.
 *   Between nodes, the rooms' row locks order the writes; they are taken in room id order, so no
 *   two transactions can deadlock.
 */
export class PostgresMessageWriter implements MessageWriter {
  readonly #db: Database;
  readonly concurrency: number;
  /** The last batch handed over for each room, settled (either way) once it is written. */
  readonly #lastOfRoom = new Map<number, Promise<void>>();

  constructor(db: Database, concurrency = DEFAULT_CONFIG.postgresBatchesInFlight) {
    this.#db = db;
    this.concurrency = concurrency;
  }

  write(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    const rooms = [...new Set(batch.map((r) => r.roomId))];
    const earlier = [...new Set(rooms.map((id) => this.#lastOfRoom.get(id)).filter((p) => p !== undefined))];
    const written = (earlier.length ? Promise.all(earlier) : Promise.resolve()).then(() =>
      batch.some(isChangeRequest) ? this.#db.transaction((trx) => writeWithChanges(trx, batch)) : writeNew(this.#db, batch),
    );
    const settled = written.then(
      () => undefined,
      () => undefined,
    );
    for (const id of rooms) this.#lastOfRoom.set(id, settled);
    void settled.then(() => {
      for (const id of rooms) if (this.#lastOfRoom.get(id) === settled) this.#lastOfRoom.delete(id);
    });
    return written;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}

/** A batch of new messages, in one statement; then the stored rows of repeated client ids, if any. */
async function writeNew(db: Database, batch: AppendRequest[]): Promise<AppendOutcome[]> {
  const now = Date.now();
  const column = <T>(pick: (r: AppendRequest) => T) => batch.map(pick);
  const data = column((r) => (r.data ? JSON.stringify(r.data) : null));
  const { rows } = (await db.raw('select * from roomchat_append_messages(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint)', [
    column((r) => r.roomId),
    column((r) => r.kind),
    column((r) => r.author),
    column((r) => r.authorId),
    column((r) => r.text),
    column((r) => r.imageId),
    column((r) => r.clientId),
    data,
    now,
  ] as Knex.RawBinding[])) as { rows: InsertedRow[] };

  // Each room's new rows, by seq, belong to its requests that were inserted, in order.
  const inserted = new Set(rows.filter((r) => r.new_client_id !== null).map((r) => `${r.new_room_id}:${r.new_client_id}`));
  const byRoom = new Map<number, InsertedRow[]>();
  for (const row of rows) byRoom.set(row.new_room_id, [...(byRoom.get(row.new_room_id) ?? []), row]);
  for (const list of byRoom.values()) list.sort((a, b) => Number(a.new_seq) - Number(b.new_seq));
  const next = new Map<number, number>();
  const outcomes: AppendOutcome[] = new Array(batch.length);
  const repeated: number[] = [];
  batch.forEach((request, i) => {
    if (request.clientId !== null && !inserted.has(`${request.roomId}:${request.clientId}`)) return repeated.push(i);
    const k = next.get(request.roomId) ?? 0;
    next.set(request.roomId, k + 1);
    const { new_id: id, new_seq: seq } = byRoom.get(request.roomId)![k]!;
    const { roomId, kind, author, authorId, text, imageId, clientId } = request;
    const row = { id, room_id: roomId, seq: Number(seq), kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now };
    outcomes[i] = { row: { ...row, data: data[i]!, target_id: null }, created: true };
  });
  if (repeated.length) {
    const stored = await storedByClientId(
      db,
      repeated.map((i) => batch[i]!),
    );
    for (const i of repeated) outcomes[i] = { row: stored.get(`${batch[i]!.roomId}:${batch[i]!.clientId}`)!, created: false };
  }
  return outcomes;
}

/** The stored rows of these requests' client ids, by `room_id:client_id`. */
async function storedByClientId(trx: Database | Knex.Transaction, requests: AppendRequest[]): Promise<Map<string, MessageWithImage>> {
  // Joined to the pairs as arrays: a row-value IN is an OR of one term per pair, which PostgreSQL
  // took 35 ms to plan at 500 pairs against the (client_id, room_id) index; this, 0.2.
  const wanted = trx.raw('unnest(?::int[], ?::text[]) as wanted (room_id, client_id)', [requests.map((r) => r.roomId), requests.map((r) => r.clientId!)]);
  const rows = await selectMessages(trx).join(wanted, (on) => on.on('messages.room_id', 'wanted.room_id').andOn('messages.client_id', 'wanted.client_id'));
  return new Map(rows.map((row) => [`${row.room_id}:${row.client_id}`, row]));
}

/**
 * A batch with change entries (edits, deletes, reactions), whose effects need their seqs first:
 * lock, the client ids stored before, the rooms' newest seqs, each change, one multi-row insert.
 * The seqs and client ids are read in statements after the lock's, so under READ COMMITTED they
 * see what the previous holder of a room's lock committed.
 */
async function writeWithChanges(trx: Knex.Transaction, batch: AppendRequest[]): Promise<AppendOutcome[]> {
  const ids = [...new Set(batch.map((r) => r.roomId))].sort((a, b) => a - b);
  await trx.raw('select id from rooms where id = any(?::int[]) order by id for update', [ids]);
  const outcomes: AppendOutcome[] = new Array(batch.length);
  const withIds = batch.filter((r) => r.clientId !== null);
  const stored = withIds.length ? await storedByClientId(trx, withIds) : new Map<string, MessageWithImage>();
  const perRoom = new Map<number, number[]>();
  batch.forEach((request, i) => {
    const existing = request.clientId !== null ? stored.get(`${request.roomId}:${request.clientId}`) : undefined;
    if (existing) outcomes[i] = { row: existing, created: false };
    else perRoom.set(request.roomId, [...(perRoom.get(request.roomId) ?? []), i]);
  });
  if (perRoom.size === 0) return outcomes;

  const newest = trx('messages').max('seq').where('room_id', trx.ref('rooms.id'));
  const seqRows = await trx('rooms').whereIn('id', [...perRoom.keys()]).select('id', newest.as('last_seq'));
  const lastSeq = new Map(seqRows.filter((r) => r.last_seq !== null).map((r) => [Number(r.id), Number(r.last_seq)]));
  const now = Date.now();
  const rows: Array<Omit<MessageWithImage, 'id'> & { index: number }> = [];
  for (const [roomId, indexes] of perRoom) {
    const first = (lastSeq.get(roomId) ?? 0) + 1;
    indexes.forEach((index, k) => {
      const { kind, author, authorId, text, imageId, clientId, targetId, data } = batch[index]!;
      rows.push({ index, room_id: roomId, seq: first + k, kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now, data: data ? JSON.stringify(data) : null, target_id: targetId ?? null });
    });
  }
  // Changes take effect before the entries are inserted (their seqs are known), in each room's
  // order (rooms do not touch each other's messages).
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
