// Storage alone, inside the Roomchat server process (no sockets): how many messages per second the
// server's own `Messages.append` commits, against a reference written with knex on the server's
// event-loop connection (the appends queued during one transaction go in the next: one dedupe
// query, one query for every room's newest seq, one multi-row INSERT). On SQLite that reference is
// the design before the prepared-statement writer (sqlite-message-writer.ts): queries built by
// knex on the event loop's connection; on PostgreSQL it is close to the server's own knex writer.
// It is not the server's code.
import { timeOrderedId } from '@roomchat/sdk';

/** Rows of a knex raw result, in either engine. */
const rowsOf = (result) => (Array.isArray(result) ? result : result.rows);

/** Batches appends: while one transaction runs, new messages queue up and go into the next. */
export class GroupCommit {
  #db;
  #queue = [];
  #running = false;
  batches = 0;

  constructor(db) {
    this.#db = db;
  }

  append(room, message) {
    return new Promise((resolve, reject) => {
      this.#queue.push({ room, message, resolve, reject });
      if (!this.#running) this.#run();
    });
  }

  async #run() {
    this.#running = true;
    while (this.#queue.length) {
      // Let the event loop turn before each batch: with a synchronous driver (better-sqlite3) a
      // transaction settles in microtasks, so without this the writers refill the queue forever
      // and neither I/O nor timers ever run.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.#queue.splice(0, 500);
      this.batches++;
      try {
        const stored = await this.#db.transaction(async (trx) => {
          const byRoom = new Map();
          for (const item of batch) byRoom.set(item.room.id, [...(byRoom.get(item.room.id) ?? []), item]);
          // 1. Client ids seen before: one query for the batch, through the (client_id, room_id)
          // index. On SQLite a row-value IN (a long OR of terms made it scan the table at 512
          // writers), which uses the index, a partial one, only when the query repeats its
          // condition; on PostgreSQL joined to the pairs as arrays, as the server's writer does (a
          // row-value IN takes it 35 ms to plan at 500 pairs).
          const pairs = batch.filter((i) => i.message.clientId).map((i) => [i.room.id, i.message.clientId]);
          const seen = new Set();
          if (pairs.length) {
            const query = trx('messages').select('messages.room_id', 'messages.client_id');
            if (trx.client.config.client === 'pg') {
              const wanted = trx.raw('unnest(?::int[], ?::text[]) as wanted (room_id, client_id)', [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
              query.join(wanted, (on) => on.on('messages.room_id', 'wanted.room_id').andOn('messages.client_id', 'wanted.client_id'));
            } else {
              query.whereNotNull('client_id').whereIn(['room_id', 'client_id'], pairs);
            }
            for (const r of await query) seen.add(`${r.room_id}:${r.client_id}`);
          }
          const fresh = new Map();
          for (const [roomId, items] of byRoom) {
            const left = items.filter((i) => !seen.has(`${roomId}:${i.message.clientId}`));
            if (left.length) fresh.set(roomId, left);
          }
          if (!fresh.size) return [];
          // 2. Every room's newest seq in one query.
          const newest = await trx
            .raw(`select id, (select max(seq) from messages where room_id = rooms.id) as last_seq from rooms where id in (${[...fresh].map(() => '?').join(',')})`, [...fresh.keys()])
            .then(rowsOf);
          const lastSeq = new Map(newest.map((r) => [Number(r.id), Number(r.last_seq ?? 0)]));
          // 3. One multi-row insert.
          const rows = [];
          const now = Date.now();
          for (const [roomId, items] of fresh) {
            let seq = lastSeq.get(roomId);
            for (const item of items) {
              rows.push({ room_id: roomId, seq: ++seq, kind: item.message.kind, author: item.message.author, text: item.message.text ?? null, image_id: null, client_id: item.message.clientId ?? null, created_at: now });
            }
          }
          const ids = [];
          // SQLite allows 32766 bound variables; 9 columns x 500 rows stays below.
          for (let i = 0; i < rows.length; i += 500) ids.push(...(await trx('messages').insert(rows.slice(i, i + 500)).returning('id')));
          return rows.map((row, i) => ({ ...row, id: ids[i]?.id ?? ids[i] }));
        });
        const bySeq = new Map(stored.map((r) => [`${r.room_id}:${r.client_id}`, r]));
        for (const item of batch) item.resolve(bySeq.get(`${item.room.id}:${item.message.clientId}`));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.#running = false;
  }
}

/** `concurrency` writers, one room each, append for `durationMs`; returns commits/s and latency. */
export async function storageBench({ chat, db, mode, concurrency, durationMs }) {
  const rooms = [];
  for (let i = 0; i < concurrency; i++) rooms.push(await chat.createRoom('127.0.0.1'));
  const group = new GroupCommit(db);
  const append = mode === 'group' ? (room, m) => group.append(room, m) : (room, m) => chat.messages.append(room, m);
  const latencies = [];
  let n = 0;
  let running = true;
  const started = performance.now();
  const loops = rooms.map(async (room, w) => {
    while (running) {
      const t = performance.now();
      // Client ids as the SDK makes them.
      await append(room, { kind: 'text', author: `writer${w}`, text: `storage benchmark message ${n++}`, clientId: timeOrderedId() });
      latencies.push(performance.now() - t);
    }
  });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  running = false;
  await Promise.all(loops);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { mode, concurrency, commits: latencies.length, perSecond: latencies.length / seconds, p50: at(50), p99: at(99), batches: group.batches };
}
