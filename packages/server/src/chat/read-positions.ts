import type { Database } from '../db.js';
import { retryingLocks } from '../db.js';
import type { RoomRecord } from '../rooms.js';
import { toReadPositions } from '../storage/rows.js';
import type { RoomEvents } from './events.js';
import type { InFlight } from './in-flight.js';

/** How far each member has read each room (`read:mark`): stored, so it survives reloads and restarts. */
export class ReadPositions {
  readonly #db: Database;
  readonly #events: RoomEvents;
  readonly #inFlight: InFlight;

  constructor(db: Database, events: RoomEvents, inFlight: InFlight) {
    this.#db = db;
    this.#events = events;
    this.#inFlight = inFlight;
  }

  /**
   * Moves the member's read position forward to `wanted` (never back, nor past the newest entry)
   * and stores it; announces it to the room when it moved. Resolves with the position now stored.
   */
  async mark(room: RoomRecord, memberId: string, wanted: number): Promise<number> {
    const db = this.#db;
    const before = await db('read_positions').where({ room_id: room.id, member_id: memberId }).first('seq');
    const current = before ? Number(before.seq) : 0;
    if (wanted <= current) return current;
    // Not beyond the log's end: others read it as "seen by" for every message up to it.
    const newest = await db('messages').where({ room_id: room.id }).max({ seq: 'seq' }).first();
    const seq = Math.min(wanted, Number(newest?.seq ?? 0));
    if (seq <= current) return current;
    await this.#inFlight.track(
      retryingLocks(db, () =>
        db('read_positions')
          .insert({ room_id: room.id, member_id: memberId, seq })
          .onConflict(['room_id', 'member_id'])
          .merge({ seq: db.raw(db.client.config.client === 'pg' ? 'greatest(read_positions.seq, excluded.seq)' : 'max(read_positions.seq, excluded.seq)') }),
      ),
    );
    this.#events.publish({ type: 'read-moved', room, memberId, seq });
    return seq;
  }

  /** Stored read positions of the given members in the room. */
  async of(room: RoomRecord, memberIds: string[]): Promise<Record<string, number>> {
    if (!memberIds.length) return {};
    return toReadPositions(await this.#db('read_positions').where({ room_id: room.id }).whereIn('member_id', memberIds).select('member_id', 'seq'));
  }
}
