import type Database from 'better-sqlite3';
import { isLocked } from '../sqlite-file.js';

/** How the background indexer paces itself (config.ts: searchIndexDelayMs, searchIndexBatchSize). */
export interface SearchIndexerOptions {
  /** How long after a commit the new messages are indexed; commits meanwhile share the pass. */
  delayMs: number;
  /** Most messages one indexing transaction looks at; a longer backlog takes several, the event loop served between them. */
  batchSize: number;
}

/** Most transactions a search runs to catch the index up before it reads it (see flush). */
const FLUSH_MAX_BATCHES = 20;
/**
 * How soon a pass that found the write lock taken tries again. The checkpoint thread holds it for
 * a moment now and then; waiting the whole delay each time let the index fall tens of thousands
 * of messages behind under a steady stream.
 */
const LOCKED_RETRY_MS = 2;

/**
 * Fills SQLite's FTS5 search index off the commit path (migrations/20261208040000_search_indexer.ts):
 * a while after commits, the text messages with an id above `messages_fts_progress.last_id` are
 * indexed by their current text, in one transaction of at most batchSize messages each, and
 * last_id moves on in that transaction. A message edited or deleted before then is indexed as it
 * is by then (a deleted one has no text and is skipped); one edited or deleted after is kept in
 * step by the update and delete triggers. An FTS5 segment per 500 messages instead of per commit
 * is what makes it cheaper than the insert trigger it replaces.
 *
 * Runs on the message writer's own connection, between its batches (both are synchronous on the
 * event loop), so the two never wait for each other's write lock. Another connection's lock
 * (the checkpoint thread's, a shell's) is not waited for: the pass is tried again shortly.
 */
export class SqliteSearchIndexer {
  readonly #options: SearchIndexerOptions;
  readonly #pending: () => { from: number; to: number | null };
  /** One indexing transaction; whether it indexed anything. */
  readonly #index: () => boolean;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(db: Database.Database, options: SearchIndexerOptions) {
    this.#options = options;
    const progress = db.prepare<[], number>('select last_id from messages_fts_progress').pluck();
    // The id of the batchSize-th message after `from`, or of the last one if fewer are stored.
    const until = db.prepare<[number, number], number | null>('select max(id) from (select id from messages where id > ? order by id limit ?)').pluck();
    const insert = db.prepare<[number, number]>(
      `insert into messages_fts (rowid, room, text) select id, 'r' || room_id, text from messages
        where id > ? and id <= ? and kind = 'text' and text is not null`,
    );
    const advance = db.prepare<[number, number]>('update messages_fts_progress set last_id = ? where last_id = ?');
    this.#pending = () => {
      const from = Number(progress.get());
      return { from, to: until.get(from, this.#options.batchSize) ?? null };
    };
    // Read again inside the write transaction: another process may have indexed meanwhile.
    const index = db.transaction((): boolean => {
      const { from, to } = this.#pending();
      if (to === null) return false;
      insert.run(from, to);
      advance.run(to, from);
      return true;
    });
    this.#index = () => index.immediate();
  }

  /** Indexes what commits since the last pass added, after the delay (one timer for any number of commits). */
  schedule(delayMs = this.#options.delayMs): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pass();
    }, delayMs);
    this.#timer.unref();
  }

  /**
   * Indexes what is pending now, before a search reads the index, so that a message is found as
   * soon as its send is acknowledged. At most FLUSH_MAX_BATCHES transactions: a backlog longer
   * than that (a restart after a crash in a burst) is left to the background passes, and the
   * search meanwhile may miss the newest messages rather than hold the event loop for seconds.
   */
  flush(): void {
    if (this.#closed) return;
    for (let i = 0; i < FLUSH_MAX_BATCHES; i++) if (!this.#step()) return;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One transaction, then the rest of a backlog in later turns of the event loop. */
  #pass(): void {
    if (this.#closed) return;
    try {
      if (this.#step()) setImmediate(() => this.#pass());
    } catch (error) {
      // Locked by another connection: try again shortly. Anything else would fail every pass the
      // same way; the writer's own errors show it, and a search reads what is indexed.
      if (isLocked(error)) this.schedule(LOCKED_RETRY_MS);
    }
  }

  /** Indexes up to batchSize messages; whether there may be more. */
  #step(): boolean {
    // Read outside a transaction first, so that no write lock is taken when nothing is pending.
    if (this.#pending().to === null) return false;
    return this.#index();
  }
}
