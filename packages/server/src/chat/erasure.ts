import type { Knex } from 'knex';
import { retryingLocks, type Database, type RoomRow } from '../db.js';
import type { RoomRecord } from '../rooms.js';
import { toRoom } from '../storage/rows.js';
import type { IdentifiedAuthor } from './actor.js';
import type { InFlight } from './in-flight.js';
import type { RoomLog } from './room-log.js';

/** The name left on an erased author's entries (joins, leaves, tombstones, its reactions' removal). */
export const ERASED_AUTHOR = 'Deleted user';

/**
 * Rows scanned per query while looking for an author's entries: messages have no index by author
 * (it would cost every append an index write), so the log is walked by key in windows this wide,
 * each query bounded, the event loop free between them.
 */
const SCAN_WINDOW = 20_000;

/** What an erasure did. */
export interface ErasureReport {
  /** Rooms in which the author had written something. */
  rooms: number;
  /** Messages (text, image) deleted: each became a tombstone through a delete entry. */
  messages: number;
  /** The author's reactions taken back, each through a reaction entry. */
  reactions: number;
  /** Entries of the author (joins, leaves, edits, tombstones) whose name was replaced by ERASED_AUTHOR. */
  renamed: number;
}

export interface ErasureScope {
  appId: string;
  /** The author's member id (`authorId` on its entries). */
  authorId: string;
  /** Only in this room (a guest's member id is known per room); else in every room of the app. */
  room?: RoomRecord | undefined;
  /** Who the delete entries are by: the app's backend, as a bot. */
  by: IdentifiedAuthor;
}

/**
 * Erases everything an author wrote (issue #25, "data rights"): each of its live messages is
 * deleted through the same delete entry a member's or moderator's delete appends, so connected
 * clients fold the deletes as they fold any other (and their images go as on any delete); its
 * reactions are taken back the same way; then its name is replaced on every entry of its that
 * remains (join and leave lines, tombstones, edit entries), and its read positions are dropped.
 * The name on entries connected clients already hold changes on their next history read.
 */
export class Erasure {
  readonly #db: Database;
  readonly #log: RoomLog;
  readonly #inFlight: InFlight;

  constructor(db: Database, log: RoomLog, inFlight: InFlight) {
    this.#db = db;
    this.#log = log;
    this.#inFlight = inFlight;
  }

  async erase(scope: ErasureScope): Promise<ErasureReport> {
    const db = this.#db;
    const report: ErasureReport = { rooms: 0, messages: 0, reactions: 0, renamed: 0 };
    const rooms = new Map<number, RoomRecord>();
    const roomOf = async (id: number): Promise<RoomRecord> => {
      let room = rooms.get(id);
      if (!room) {
        room = toRoom((await db<RoomRow>('rooms').where({ id }).first())!);
        rooms.set(id, room);
      }
      return room;
    };
    const inScope = (query: Knex.QueryBuilder) =>
      scope.room ? query.where('messages.room_id', scope.room.id) : query.whereIn('messages.room_id', db('rooms').where({ app_id: scope.appId }).select('id'));

    // Within one room, its (room_id, seq) index bounds the walk; across the app, the primary key.
    const key = scope.room ? 'messages.seq' : 'messages.id';
    const top = await inScope(db('messages')).max({ n: key }).first();
    const end = Number(top?.n ?? 0);
    const touched = new Set<number>();
    for (let from = 0; from < end; from += SCAN_WINDOW) {
      const rows: Array<{ id: number | string; room_id: number; kind: string; deleted_at: number | string | null }> = await inScope(db('messages'))
        .where('messages.author_id', scope.authorId)
        .where(key, '>', from)
        .where(key, '<=', from + SCAN_WINDOW)
        .select('messages.id', 'messages.room_id', 'messages.kind', 'messages.deleted_at');
      if (!rows.length) continue;
      const deletes: Promise<unknown>[] = [];
      for (const row of rows) {
        touched.add(Number(row.room_id));
        if ((row.kind !== 'text' && row.kind !== 'image') || row.deleted_at !== null) continue;
        const room = await roomOf(Number(row.room_id));
        deletes.push(this.#log.append(room, { kind: 'delete', author: scope.by.name, authorId: scope.by.id, targetId: Number(row.id) }));
        report.messages++;
      }
      await Promise.all(deletes);
      const ids = rows.map((r) => r.id);
      report.renamed += Number(await this.#inFlight.track(retryingLocks(db, () => db('messages').whereIn('id', ids).update({ author: ERASED_AUTHOR }))));
    }

    const reactions: Array<{ message_id: number | string; emoji: string; room_id: number }> = await inScope(
      db('reactions').join('messages', 'messages.id', 'reactions.message_id'),
    )
      .where('reactions.member_id', scope.authorId)
      .whereNull('messages.deleted_at')
      .select('reactions.message_id', 'reactions.emoji', 'messages.room_id');
    await Promise.all(
      reactions.map(async (r) => {
        touched.add(Number(r.room_id));
        const room = await roomOf(Number(r.room_id));
        await this.#log.append(room, {
          kind: 'reaction',
          author: ERASED_AUTHOR,
          authorId: scope.authorId,
          targetId: Number(r.message_id),
          data: { emoji: r.emoji, on: false },
        });
      }),
    );
    report.reactions = reactions.length;

    const positions = db('read_positions').where({ member_id: scope.authorId });
    await this.#inFlight.track(
      retryingLocks(db, () =>
        (scope.room
          ? positions.clone().where({ room_id: scope.room.id })
          : positions.clone().whereIn('room_id', db('rooms').where({ app_id: scope.appId }).select('id'))
        ).delete(),
      ),
    );
    report.rooms = touched.size;
    return report;
  }
}
