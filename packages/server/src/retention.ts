import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AppSettings } from './auth/apps.js';
import { retryingLocks, type Database, type RoomRow } from './db.js';

/** Longest retention period an app or room may have: 100 years (longer is "keep forever", which is the default). */
export const MAX_RETENTION_DAYS = 36_500;
const DAY_MS = 24 * 60 * 60_000;
/** The advisory lock class of retention on PostgreSQL (the room id is the lock's second half): "RETE". */
const PG_LOCK_CLASS = 0x52455445;

export interface RetentionOptions {
  /** How often a round runs; 0: never on its own (tests and the CLI call `run`). */
  intervalMs: number;
  /** Most log entries one batch (one transaction) deletes. */
  batchSize: number;
  /** Called after each batch that deleted something, before the next (the SQLite writer's checkpoint: Messages.afterOtherCommit). */
  afterBatch?: (() => Promise<void>) | undefined;
}

/** What one round (or one batch) deleted. */
export interface RetentionReport {
  /** Rooms some of whose history was deleted. */
  rooms: number;
  entries: number;
  images: number;
  batches: number;
  /** The longest batch, in milliseconds: on SQLite, how long message batches had to wait at most. */
  longestBatchMs: number;
}

/**
 * Deletes what is older than each room's retention period: its app's `retentionDays` setting,
 * or the room's own (`rooms.retention_days`: 0 keeps forever). A room's log is cut as a prefix,
 * by seq: the entries from the start up to the last one older than the period, together with
 * their reactions, images no other message shows, the search index's rows (triggers on SQLite,
 * an expression index on PostgreSQL), and read positions that point into the deleted part.
 * `rooms.purged_seq` remembers the cut, so history pages tell a catching-up client where the log
 * now starts (Messages.page, `historyStart`) instead of leaving it a gap to wait for.
 *
 * A room's newest entry is never deleted, whatever its age: the next seq is read as the newest
 * one plus one (message-writer.ts), and on SQLite the next message id as the largest plus one, so
 * deleting it would hand out its seq (and id) again. Past its period it is kept as an empty
 * tombstone: text, image and data erased.
 *
 * Work comes in batches of `batchSize` entries, each its own short transaction, with a turn of
 * the event loop between them, so on SQLite the message writer commits between two batches. On
 * PostgreSQL each batch takes an advisory lock on its room (without waiting): with several nodes,
 * a room being cut by one is skipped by the others. Rounds are idempotent either way.
 */
export class Retention {
  readonly #db: Database;
  readonly #options: RetentionOptions;
  readonly #log: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;
  #stopped = false;

  constructor(db: Database, options: RetentionOptions, log?: Logger) {
    this.#db = db;
    this.#options = options;
    this.#log = log;
  }

  /** Runs a round every `intervalMs` (the first after one interval), until `stop`. */
  start(): void {
    if (this.#options.intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.run().catch((err: unknown) => this.#log?.error({ err }, 'retention round failed'));
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a round in progress to finish its current batch. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One round over every room with a retention period, as of `now`; resolves with what it deleted. */
  run(now = Date.now()): Promise<RetentionReport> {
    this.#running ??= this.#round(now).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #round(now: number): Promise<RetentionReport> {
    const report: RetentionReport = { rooms: 0, entries: 0, images: 0, batches: 0, longestBatchMs: 0 };
    const appDays = new Map<string, number>();
    for (const app of await this.#db('apps').select('id', 'settings')) {
      const days = (JSON.parse(app.settings ?? '{}') as Partial<AppSettings>).retentionDays;
      if (typeof days === 'number' && days > 0) appDays.set(app.id, days);
    }
    const rooms: Pick<RoomRow, 'id' | 'app_id' | 'retention_days'>[] = await this.#db('rooms')
      .where((q) => q.whereIn('app_id', [...appDays.keys()]).orWhere('retention_days', '>', 0))
      .select('id', 'app_id', 'retention_days');
    for (const room of rooms) {
      const days = room.retention_days === null || room.retention_days === undefined ? appDays.get(room.app_id) : Number(room.retention_days);
      if (!days) continue;
      const cutoff = now - days * DAY_MS;
      let touched = false;
      for (;;) {
        if (this.#stopped) return report;
        const started = performance.now();
        const batch = await this.purgeBatch(Number(room.id), cutoff);
        const ms = performance.now() - started;
        if (batch.entries === 0 && batch.images === 0) break;
        touched = true;
        report.entries += batch.entries;
        report.images += batch.images;
        report.batches++;
        report.longestBatchMs = Math.max(report.longestBatchMs, ms);
        await this.#options.afterBatch?.();
        if (!batch.more) break;
        // A turn for everything else (on SQLite: the message writer's next commit).
        await yieldTurn();
      }
      if (touched) report.rooms++;
    }
    if (report.batches) this.#log?.info({ retention: report }, 'retention deleted old history');
    return report;
  }

  /**
   * Deletes up to `batchSize` of the room's oldest entries created before `cutoff` (a prefix of its
   * log, never its newest entry), in one transaction. `more`: a full batch was deleted.
   */
  purgeBatch(roomId: number, cutoff: number): Promise<{ entries: number; images: number; more: boolean }> {
    const db = this.#db;
    const limit = this.#options.batchSize;
    return retryingLocks(db, () =>
      db.transaction(async (trx) => {
        const none = { entries: 0, images: 0, more: false };
        if (trx.client.config.client === 'pg') {
          const { rows } = await trx.raw('select pg_try_advisory_xact_lock(?, ?) as locked', [PG_LOCK_CLASS, roomId]);
          if (!rows[0]?.locked) return none;
        }
        const room = await trx('rooms').where({ id: roomId }).first('purged_seq');
        if (!room) return none;
        const newest = await trx('messages').where({ room_id: roomId }).max({ seq: 'seq' }).first();
        const newestSeq = Number(newest?.seq ?? 0);
        const rows: Array<{
          id: number | string;
          seq: number | string;
          kind: string;
          text: string | null;
          created_at: number | string;
          image_id: string | null;
          deleted_at: number | string | null;
        }> = await trx('messages')
          .where({ room_id: roomId })
          .where('seq', '>', room.purged_seq)
          .orderBy('seq')
          .limit(limit)
          .select('id', 'seq', 'kind', 'text', 'created_at', 'image_id', 'deleted_at');
        const expired: typeof rows = [];
        for (const row of rows) {
          if (Number(row.created_at) >= cutoff) break;
          expired.push(row);
        }
        // The newest entry stays (see the class): erased in place when its time is up.
        const last = expired.at(-1);
        const keepNewest = last !== undefined && Number(last.seq) === newestSeq ? expired.pop() : undefined;
        let images = 0;
        const imageIds = [...new Set([...expired, ...(keepNewest ? [keepNewest] : [])].flatMap((r) => (r.image_id ? [r.image_id] : [])))];
        if (expired.length) {
          const ids = expired.map((r) => r.id);
          await trx('reactions').whereIn('message_id', ids).delete();
          await trx('messages').whereIn('id', ids).delete();
          const purged = Number(expired.at(-1)!.seq);
          await trx('rooms').where({ id: roomId }).update({ purged_seq: purged });
          await trx('read_positions').where({ room_id: roomId }).where('seq', '<=', purged).delete();
        }
        // A message becomes a tombstone and an edit loses its text; joins, leaves and changes hold nothing more to erase.
        const erase =
          keepNewest &&
          keepNewest.deleted_at === null &&
          ['text', 'image', 'edit'].includes(keepNewest.kind) &&
          (keepNewest.kind !== 'edit' || keepNewest.text !== null);
        if (erase) {
          await trx('reactions').where({ message_id: keepNewest.id }).delete();
          const message = keepNewest.kind !== 'edit';
          await trx('messages')
            .where({ id: keepNewest.id })
            .update(message ? { text: null, image_id: null, data: null, deleted_at: Date.now() } : { text: null });
        }
        if (imageIds.length) images += await deleteUnshown(trx, trx('images').whereIn('id', imageIds));
        // Uploads never sent, once past the period too (bounded like the entries).
        if (rows.length < limit || expired.length === 0) {
          const stale = trx('images').where({ room_id: roomId }).where('created_at', '<', cutoff).limit(limit).select('id');
          images += await deleteUnshown(trx, trx('images').whereIn('id', stale));
        }
        return { entries: expired.length + (erase ? 1 : 0), images, more: expired.length > 0 && rows.length === limit && expired.length === rows.length };
      }),
    );
  }
}

/** Deletes the images `query` selects that no message shows (any more); returns how many. */
async function deleteUnshown(trx: Knex.Transaction, query: Knex.QueryBuilder): Promise<number> {
  const deleted = await query.whereNotExists(trx('messages').whereRaw('messages.image_id = images.id').select(trx.raw('1'))).delete();
  return Number(deleted);
}
