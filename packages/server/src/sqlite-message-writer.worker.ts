// The SQLite message writer's thread: one connection, statements prepared once, one IMMEDIATE
// transaction per batch. See SqliteMessageWriter for why it exists.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { MessageWithImage } from './message-rows.js';
import type { AppendOutcome, AppendRequest } from './message-writer.js';
import { sqlitePragmas, type SqliteFile } from './sqlite-file.js';
import type { WorkerMessage, WriteRequest, WriteResponse } from './sqlite-message-writer.js';

const file = workerData as SqliteFile;
const db = new Database(file.filename);
// This connection commits nearly every write, so it runs nearly every WAL checkpoint too: their
// fsync happens here, off the event loop.
for (const pragma of sqlitePragmas(file)) db.pragma(pragma);

// The same columns as selectMessages (message-rows.ts), which the knex side reads with.
const findByClientId = db.prepare<[number, string], MessageWithImage>(
  `select messages.*, images.mime, images.width, images.height, images.size
     from messages left join images on images.id = messages.image_id
    where messages.room_id = ? and messages.client_id = ?`,
);
const lastSeqOf = db.prepare<[number], number>('select last_seq from rooms where id = ?').pluck();
const setLastSeq = db.prepare<[number, number]>('update rooms set last_seq = ? where id = ?');
// A client id stored before makes the insert a no-op (its unique index answers, so a new message
// costs no extra lookup), and only then is the stored row read.
const insert = db.prepare<[number, number, string, string, string | null, string | null, string | null, number]>(
  `insert into messages (room_id, seq, kind, author, text, image_id, client_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)
   on conflict (room_id, client_id) do nothing`,
);

/** In order: a client id stored before returns its row; anything else takes the room's next seq. */
const writeBatch = db.transaction((batch: AppendRequest[]): AppendOutcome[] => {
  const now = Date.now();
  const seqs = new Map<number, number>();
  const outcomes = batch.map((request): AppendOutcome => {
    const { roomId, kind, author, text, imageId, clientId } = request;
    const last = seqs.get(roomId) ?? lastSeqOf.get(roomId);
    if (last === undefined) throw Object.assign(new Error(`No room ${roomId}`), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    const seq = Number(last) + 1;
    const { changes, lastInsertRowid } = insert.run(roomId, seq, kind, author, text, imageId, clientId, now);
    if (changes === 0) return { row: findByClientId.get(roomId, clientId!)!, created: false };
    seqs.set(roomId, seq);
    return {
      row: { id: Number(lastInsertRowid), room_id: roomId, seq, kind, author, text, image_id: imageId, client_id: clientId, created_at: now },
      created: true,
    };
  });
  for (const [roomId, seq] of seqs) setLastSeq.run(seq, roomId);
  return outcomes;
});

parentPort!.postMessage({ ready: true } satisfies WorkerMessage);

parentPort!.on('message', ({ id, batch }: WriteRequest) => {
  let response: WriteResponse;
  try {
    response = { id, outcomes: writeBatch.immediate(batch) };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    response = { id, error: { message: String(message), code: typeof code === 'string' ? code : undefined } };
  }
  parentPort!.postMessage(response);
});
