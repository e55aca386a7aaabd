import Database from 'better-sqlite3';
import type { MessageWithImage } from './storage/rows.js';
import { isChangeRequest, type AppendOutcome, type AppendRequest, type MessageWriter } from './message-writer.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteSearchIndexer, type SearchIndexerOptions } from './storage/sqlite-search-indexer.js';
import { retryWhileLocked, sqlitePragmas, type SqliteFile } from './sqlite-file.js';

type WriteBatch = (batch: AppendRequest[]) => AppendOutcome[];
interface Connection {
  db: Database.Database;
  writeBatch: WriteBatch;
  indexer: SqliteSearchIndexer;
}

/** The background search indexer's pace when none is given (config.ts has the server's). */
export const DEFAULT_SEARCH_INDEXING: SearchIndexerOptions = { delayMs: 200, batchSize: 500 };

/**
 * Writes message batches on the event loop, on a better-sqlite3 connection of its own: statements
 * prepared once, one IMMEDIATE transaction per batch, so a message costs an indexed insert and a
 * batch one commit. Not in a worker thread: on one core the hand-off (two context switches and a
 * structured clone each way per batch) costs more than the insert itself, and with chat's small
 * batches the event loop would spend about as much on it as it saves
 * (docs/decisions/0001-better-sqlite3-over-sqlite3.md).
 *
 * The event loop never waits here for the disk or for a lock:
 * - with WAL and synchronous=NORMAL a commit writes into the page cache; the fsyncs are in
 *   checkpoints, which run on SqliteCheckpointer's thread (under a steady stream, now and then the
 *   next batch waits for one, on a promise);
 * - a write lock held by another connection (a shell, a script) is not waited for in SQLite's
 *   busy handler, which would sleep the whole process, but tried again on a timer
 *   (retryWhileLocked), for up to the file's busyTimeoutMs; then the batch fails with SQLITE_BUSY
 *   (UNAVAILABLE to clients).
 */
export class SqliteMessageWriter implements MessageWriter {
  readonly #file: SqliteFile;
  readonly #checkpointer: SqliteCheckpointer;
  readonly #indexing: SearchIndexerOptions;
  #connection: Connection | undefined;
  /** The checkpoint the next batch must wait for, if any. */
  #checkpoint: Promise<void> | undefined;
  #closed = false;

  constructor(file: SqliteFile, checkpointer = new SqliteCheckpointer(file), indexing: SearchIndexerOptions = DEFAULT_SEARCH_INDEXING) {
    this.#file = file;
    this.#checkpointer = checkpointer;
    this.#indexing = indexing;
  }

  /**
   * Opens the connection and starts the checkpoint thread; rejects if the schema is not there.
   * Messages stored but not yet indexed when the server last stopped are indexed now, in the background.
   */
  async start(): Promise<void> {
    this.#open().indexer.schedule(0);
    await this.#checkpointer.start();
  }

  async write(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.#checkpoint) await this.#checkpoint;
    const outcomes = await this.#commit(batch);
    this.#checkpoint = this.#checkpointer.afterCommit();
    this.#connection?.indexer.schedule();
    return outcomes;
  }

  /**
   * A commit on another connection (a retention batch) grows the WAL too: its checkpoint runs on
   * the thread as well, instead of in some commit's fallback on the event loop (measured: 200-600
   * ms stalls every few 500-entry batches). Resolves when the next write may go on.
   */
  async afterOtherCommit(): Promise<void> {
    const wait = this.#checkpointer.afterCommit();
    if (!wait) return;
    this.#checkpoint = wait;
    await wait;
  }

  /** Indexes the messages committed so far for search (SqliteSearchIndexer.flush), waiting out another connection's lock. */
  async flushSearchIndex(): Promise<void> {
    if (this.#closed) return;
    await retryWhileLocked(this.#file, () => this.#open().indexer.flush());
  }

  #commit(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    return retryWhileLocked(this.#file, () => this.#open().writeBatch(batch));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connection?.indexer.close();
    await this.#checkpointer.close();
    this.#connection?.db.close();
    this.#connection = undefined;
  }

  #open(): Connection {
    if (this.#closed) throw new Error('The message writer is closed');
    if (this.#connection) return this.#connection;
    const db = new Database(this.#file.filename);
    try {
      for (const pragma of sqlitePragmas(this.#file)) db.pragma(pragma);
      this.#connection = { db, writeBatch: prepareBatchWrite(db), indexer: new SqliteSearchIndexer(db, this.#indexing) };
    } catch (error) {
      db.close();
      throw error;
    }
    // Started here too, for writers used without start(); a failure shows in start() or goes unnoticed
    // but for the fsyncs it would have saved.
    this.#checkpointer.start().catch(() => undefined);
    return this.#connection;
  }
}

/** The batch write, with its statements prepared once: in order, each request's outcome. */
function prepareBatchWrite(db: Database.Database): WriteBatch {
  // The same columns as selectMessages (storage/rows.ts), which the knex side reads with.
  const findByClientId = db.prepare<[number, string], MessageWithImage>(
    `select messages.*, images.mime, images.width, images.height, images.size
       from messages left join images on images.id = messages.image_id
      where messages.room_id = ? and messages.client_id = ?`,
  );
  // The room's newest seq, from the last entry of its (room_id, seq) index: the page the insert
  // then writes anyway. The transaction holds SQLite's one write lock, so no other writer can take
  // the same seq meanwhile.
  const lastSeqOf = db.prepare<[number], number>('select seq from messages where room_id = ? order by seq desc limit 1').pluck();
  // A client id stored before makes the insert a no-op (its unique index answers, so a new message
  // costs no extra lookup), and only then is the stored row read. The target names that index,
  // which is partial: only messages with a client id have an entry.
  const insert = db.prepare<[number, number, string, string, string | null, string | null, string | null, string | null, number, string | null, number | null]>(
    `insert into messages (room_id, seq, kind, author, author_id, text, image_id, client_id, created_at, data, target_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (client_id, room_id) where client_id is not null do nothing`,
  );
  const applyChange = prepareChanges(db);

  /**
   * In order: a client id stored before returns its row; anything else takes the room's next seq.
   * An unknown room fails the insert's foreign key (SQLITE_CONSTRAINT_FOREIGNKEY).
   */
  const transaction = db.transaction((batch: AppendRequest[]): AppendOutcome[] => {
    const now = Date.now();
    const seqs = new Map<number, number>();
    return batch.map((request): AppendOutcome => {
      const { roomId, kind, author, authorId, text, imageId, clientId } = request;
      const targetId = request.targetId ?? null;
      const seq = Number(seqs.get(roomId) ?? lastSeqOf.get(roomId) ?? 0) + 1;
      // A change entry has no client id, so it is always inserted: its effect may go first.
      const data = isChangeRequest(request) ? applyChange(request, seq, now) : request.data ? JSON.stringify(request.data) : null;
      const { changes, lastInsertRowid } = insert.run(roomId, seq, kind, author, authorId, text, imageId, clientId, now, data, targetId);
      if (changes === 0) return { row: findByClientId.get(roomId, clientId!)!, created: false };
      seqs.set(roomId, seq);
      return {
        row: { id: Number(lastInsertRowid), room_id: roomId, seq, kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now, data, target_id: targetId },
        created: true,
      };
    });
  });
  return (batch) => transaction.immediate(batch);
}

/**
 * A change entry's effect on its target (see MessageWriter), with its statements prepared once;
 * returns the entry's data. Runs inside the batch's transaction.
 */
function prepareChanges(db: Database.Database): (request: AppendRequest, seq: number, now: number) => string | null {
  const edit = db.prepare<[string | null, number, number, number]>('update messages set text = ?, edited_at = ?, version = ? where id = ? and deleted_at is null');
  const liveImage = db.prepare<[number], { image_id: string | null }>('select image_id from messages where id = ? and deleted_at is null');
  const tombstone = db.prepare<[number, number, number]>('update messages set text = null, image_id = null, data = null, deleted_at = ?, version = ? where id = ?');
  const eraseEdits = db.prepare<[number]>("update messages set text = null where target_id = ? and kind = 'edit'");
  const dropReactions = db.prepare<[number]>('delete from reactions where message_id = ?');
  const dropImage = db.prepare<[string, string]>('delete from images where id = ? and not exists (select 1 from messages where image_id = ?)');
  const react = db.prepare<[number, string, string]>('insert into reactions (message_id, emoji, member_id) values (?, ?, ?) on conflict do nothing');
  const unreact = db.prepare<[number, string, string]>('delete from reactions where message_id = ? and emoji = ? and member_id = ?');
  const countOf = db.prepare<[number, string], number>('select count(*) from reactions where message_id = ? and emoji = ?').pluck();
  const bump = db.prepare<[number, number]>('update messages set version = ? where id = ? and deleted_at is null');

  return (request, seq, now) => {
    const targetId = request.targetId!;
    if (request.kind === 'edit') {
      edit.run(request.text, now, seq, targetId);
      return request.data ? JSON.stringify(request.data) : null;
    }
    if (request.kind === 'delete') {
      const target = liveImage.get(targetId);
      if (!target) return null;
      tombstone.run(now, seq, targetId);
      eraseEdits.run(targetId);
      dropReactions.run(targetId);
      if (target.image_id) dropImage.run(target.image_id, target.image_id);
      return null;
    }
    const { emoji, on } = request.data as { emoji: string; on: boolean };
    let count = 0;
    if (liveImage.get(targetId)) {
      (on ? react : unreact).run(targetId, emoji, request.authorId!);
      count = Number(countOf.get(targetId, emoji));
      bump.run(seq, targetId);
    }
    return JSON.stringify({ emoji, on, count });
  };
}
