import { customAlphabet } from 'nanoid';
import { ErrorCode, ROOM_CODE_ALPHABET, normalizeRoomCode } from '@roomchat/protocol';
import { isUniqueViolation, retryingLocks, type Database, type RoomRow } from './db.js';
import { ChatError } from './errors.js';
import { toRoom } from './storage/rows.js';

/** Every room belongs to an app (an embedding site); until apps are managed, all use this one. */
export const DEFAULT_APP_ID = 'default';

export interface RoomRecord {
  id: number;
  appId: string;
  code: string;
  /** The title the room was created with, if any. */
  title?: string;
  /** The site's own key of the room, when it was opened by key. */
  key?: string;
  /** A private room admits only its listed users (chat/access.ts). */
  private?: true;
  createdAt: string;
}

/** How a room is made: by the site's key, private with its users (their `sub`s). */
export interface NewRoom {
  key?: string | undefined;
  title?: string | undefined;
  private?: boolean | undefined;
  /** The users a private room admits. */
  members?: readonly string[] | undefined;
}

const VALID_CODE = new RegExp(`^[${ROOM_CODE_ALPHABET}]{1,32}$`);

/** Rooms and their codes. Knows nothing of HTTP or sockets. */
export class Rooms {
  readonly #db: Database;
  readonly #newCode: () => string;
  /** Told of each room once it is committed (Chat publishes it as a room event); not of one found after a race. */
  onCreated: ((room: RoomRecord) => void) | undefined;

  constructor(db: Database, codeLength: number) {
    this.#db = db;
    // nanoid draws from crypto.getRandomValues, with rejection sampling for an unbiased alphabet.
    this.#newCode = customAlphabet(ROOM_CODE_ALPHABET, codeLength);
  }

  /** Creates a room with a fresh random code (and the site's key and a title, when given). */
  async create(appId = DEFAULT_APP_ID, { key, title, private: isPrivate, members = [] }: NewRoom = {}): Promise<RoomRecord> {
    // At 8 characters a collision needs ~10^6 rooms to become likely at all; retrying a few
    // times covers it without a read-before-write race.
    for (let attempt = 0; ; attempt++) {
      const row = { app_id: appId, code: this.#newCode(), title: title ?? null, created_at: Date.now(), ...(key === undefined ? {} : { key }), ...(isPrivate ? { is_private: true } : {}) };
      try {
        // The room and its list in one transaction: a private room is never seen without its users.
        const inserted = await retryingLocks(this.#db, () =>
          this.#db.transaction(async (trx) => {
            const [created] = await trx('rooms').insert(row).returning<Pick<RoomRow, 'id'>[]>('id');
            const id = created!.id;
            const users = [...new Set(members)];
            if (users.length) await trx('room_members').insert(users.map((user_id) => ({ room_id: id, user_id, created_at: row.created_at })));
            return id;
          }),
        );
        const room = toRoom({ ...row, id: inserted });
        this.onCreated?.(room);
        return room;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 4) throw error;
        // Two first visitors of a page race to create its room: the one that lost joins the winner's.
        const existing = key === undefined ? undefined : await this.findByKey(key, appId);
        if (existing) return existing;
      }
    }
  }

  /** The room with this code, or undefined for an unknown or malformed code. */
  async find(code: string, appId = DEFAULT_APP_ID): Promise<RoomRecord | undefined> {
    const normalized = normalizeRoomCode(code);
    if (!VALID_CODE.test(normalized)) return undefined;
    const row = await this.#db<RoomRow>('rooms').where({ app_id: appId, code: normalized }).first();
    return row && toRoom(row);
  }

  /** The app's room with this key (keys are per app: another app's key is as unknown as none). */
  async findByKey(key: string, appId = DEFAULT_APP_ID): Promise<RoomRecord | undefined> {
    const row = await this.#db<RoomRow>('rooms').where({ app_id: appId, key }).first();
    return row && toRoom(row);
  }

  /** Gives the room a fresh code; the old one opens nothing from then on (docs/moderation.md). */
  async rotateCode(room: RoomRecord): Promise<RoomRecord> {
    for (let attempt = 0; ; attempt++) {
      const code = this.#newCode();
      try {
        await this.#db('rooms').where({ id: room.id }).update({ code });
        return { ...room, code };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 4) throw error;
      }
    }
  }

  /** Like find, but throws ROOM_NOT_FOUND. */
  async get(code: string, appId = DEFAULT_APP_ID): Promise<RoomRecord> {
    const room = await this.find(code, appId);
    if (!room) throw roomNotFound();
    return room;
  }
}

/** The one answer for every code that does not open a room, whatever the reason. */
export function roomNotFound(): ChatError {
  return new ChatError(ErrorCode.ROOM_NOT_FOUND, 'No room has that code');
}

/**
 * Sets a room's own retention period, in days (retention.ts): null follows its app's setting,
 * 0 keeps its history forever whatever the app's.
 */
export async function setRoomRetention(db: Database, room: RoomRecord, days: number | null): Promise<void> {
  await retryingLocks(db, () => db('rooms').where({ id: room.id }).update({ retention_days: days }));
}

/** A room's own retention period: null when it follows its app's. */
export async function roomRetention(db: Database, room: RoomRecord): Promise<number | null> {
  const row = await db<RoomRow>('rooms').where({ id: room.id }).first('retention_days');
  return row?.retention_days ?? null;
}
