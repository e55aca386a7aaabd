import type { Knex } from 'knex';
import { DEFAULT_CONFIG } from '../config.js';
import type { Database } from '../db.js';
import { isChangeRequest, type AppendOutcome, type AppendRequest, type MessageWriter } from '../message-writer.js';
import { selectMessages, type MessageWithImage } from './rows.js';

/** What the insert returns of each new row. */
interface InsertedRow {
  id: number | string;
  seq: number | string;
  room_id: number;
  client_id: string | null;
}

/**
 * Writes message batches on PostgreSQL (see MessageWriter), in as few round trips as it can, and
 * several batches at once:
 *
 * - A batch of new messages (no change entries) is BEGIN, one statement locking its rooms, one
 *   INSERT ... SELECT that numbers the messages from each room's newest seq and leaves out client
 *   ids stored before, and COMMIT. Before, it was six statements; each round trip through knex and
 *   pg costs about as much on this side as the row work on the server's.
 * - Up to `concurrency` batches are in flight (Messages hands them over without waiting for the
 *   commit), so the commits' WAL flushes overlap instead of queueing one after another. Order is
 *   kept: a batch asks for its rooms' locks only once the batch before it holds its own, so a
 *   room's messages get their seqs in the order of the calls, and a later batch sharing a room
 *   waits for the earlier one's commit; batches in other rooms go ahead. Locks are taken in room id
 *   order (and so by other nodes), so no two transactions can deadlock.
 * - The seqs and the client ids stored before are read in a statement after the lock's, so under
 *   READ COMMITTED they see what the previous holder of a room's lock committed.
 */
export class PostgresMessageWriter implements MessageWriter {
  readonly #db: Database;
  readonly concurrency: number;
  /** Resolves once the last batch handed over holds its rooms' locks (or has failed). */
  #turn: Promise<void> = Promise.resolve();

  constructor(db: Database, concurrency = DEFAULT_CONFIG.postgresBatchesInFlight) {
    this.#db = db;
    this.concurrency = concurrency;
  }

  write(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    const previous = this.#turn;
    let release!: () => void;
    this.#turn = new Promise((resolve) => (release = resolve));
    const lockRooms = async (trx: Knex.Transaction, roomIds: number[]) => {
      try {
        await previous;
        const ids = [...new Set(roomIds)].sort((a, b) => a - b);
        await trx.raw('select id from rooms where id = any(?::int[]) order by id for update', [ids]);
      } finally {
        release();
      }
    };
    const write = batch.some(isChangeRequest) ? writeWithChanges : writeNew;
    return this.#db.transaction((trx) => write(trx, batch, lockRooms)).finally(release);
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}

type LockRooms = (trx: Knex.Transaction, roomIds: number[]) => Promise<void>;

/** A batch of new messages: lock, one insert that numbers them, and the rows of repeated client ids. */
async function writeNew(trx: Knex.Transaction, batch: AppendRequest[], lockRooms: LockRooms): Promise<AppendOutcome[]> {
  await lockRooms(
    trx,
    batch.map((r) => r.roomId),
  );
  const now = Date.now();
  const column = <T>(pick: (r: AppendRequest) => T) => batch.map(pick);
  // Numbered after the filter (window functions run after WHERE), so a repeated client id takes no
  // seq; an unknown room fails the foreign key.
  const { rows } = (await trx.raw(
    `insert into messages (room_id, seq, kind, author, author_id, text, image_id, client_id, created_at, data)
     select b.room_id, coalesce(last.seq, 0) + row_number() over (partition by b.room_id order by b.ord), b.kind, b.author, b.author_id, b.text, b.image_id, b.client_id, ?::bigint, b.data
       from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as b (room_id, kind, author, author_id, text, image_id, client_id, data, ord)
       left join lateral (select max(seq) as seq from messages m where m.room_id = b.room_id) last on true
      where b.client_id is null or not exists (select 1 from messages m where m.room_id = b.room_id and m.client_id = b.client_id)
      order by b.ord
     returning id, seq, room_id, client_id`,
    [
      now,
      column((r) => r.roomId),
      column((r) => r.kind),
      column((r) => r.author),
      column((r) => r.authorId),
      column((r) => r.text),
      column((r) => r.imageId),
      column((r) => r.clientId),
      column((r) => (r.data ? JSON.stringify(r.data) : null)),
    ] as Knex.RawBinding[],
  )) as { rows: InsertedRow[] };

  // Each room's new rows, by seq, belong to its requests that were inserted, in order.
  const inserted = new Set(rows.filter((r) => r.client_id !== null).map((r) => `${r.room_id}:${r.client_id}`));
  const byRoom = new Map<number, InsertedRow[]>();
  for (const row of rows) byRoom.set(row.room_id, [...(byRoom.get(row.room_id) ?? []), row]);
  for (const list of byRoom.values()) list.sort((a, b) => Number(a.seq) - Number(b.seq));
  const next = new Map<number, number>();
  const outcomes: AppendOutcome[] = new Array(batch.length);
  const repeated: number[] = [];
  batch.forEach((request, i) => {
    if (request.clientId !== null && !inserted.has(`${request.roomId}:${request.clientId}`)) return repeated.push(i);
    const k = next.get(request.roomId) ?? 0;
    next.set(request.roomId, k + 1);
    const { id, seq } = byRoom.get(request.roomId)![k]!;
    const { roomId, kind, author, authorId, text, imageId, clientId, data } = request;
    outcomes[i] = {
      row: { id, room_id: roomId, seq: Number(seq), kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now, data: data ? JSON.stringify(data) : null, target_id: null },
      created: true,
    };
  });
  if (repeated.length) {
    const stored = await storedByClientId(
      trx,
      repeated.map((i) => batch[i]!),
    );
    for (const i of repeated) outcomes[i] = { row: stored.get(`${batch[i]!.roomId}:${batch[i]!.clientId}`)!, created: false };
  }
  return outcomes;
}

/** The stored rows of these requests' client ids, by `room_id:client_id`. */
async function storedByClientId(trx: Knex.Transaction, requests: AppendRequest[]): Promise<Map<string, MessageWithImage>> {
  // Joined to the pairs as arrays: a row-value IN is an OR of one term per pair, which PostgreSQL
  // took 35 ms to plan at 500 pairs against the (client_id, room_id) index; this, 0.2.
  const wanted = trx.raw('unnest(?::int[], ?::text[]) as wanted (room_id, client_id)', [requests.map((r) => r.roomId), requests.map((r) => r.clientId!)]);
  const rows = await selectMessages(trx).join(wanted, (on) => on.on('messages.room_id', 'wanted.room_id').andOn('messages.client_id', 'wanted.client_id'));
  return new Map(rows.map((row) => [`${row.room_id}:${row.client_id}`, row]));
}

/**
 * A batch with change entries (edits, deletes, reactions), whose effects need their seqs first:
 * lock, the client ids stored before, the rooms' newest seqs, each change, one multi-row insert.
 */
async function writeWithChanges(trx: Knex.Transaction, batch: AppendRequest[], lockRooms: LockRooms): Promise<AppendOutcome[]> {
  await lockRooms(
    trx,
    batch.map((r) => r.roomId),
  );
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
