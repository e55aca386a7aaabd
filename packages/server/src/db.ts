import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import * as initial from '../migrations/20261125000000_initial.js';
import * as seqFromIndex from '../migrations/20261201000000_seq_from_index.js';
import * as clientIdIndexByTime from '../migrations/20261201120000_client_id_index_by_time.js';
import * as authorId from '../migrations/20261201120100_author_id.js';
import * as presentMembers from '../migrations/20261206120000_present_members.js';
import * as eventLog from '../migrations/20261206230000_event_log.js';
import * as messageSearch from '../migrations/20261207020000_message_search.js';
import * as apps from '../migrations/20261207021000_apps.js';
import * as roomTitle from '../migrations/20261207021500_room_title.js';
import * as roomKeys from '../migrations/20261207030000_room_keys.js';
import * as privateRooms from '../migrations/20261207031000_private_rooms.js';
import * as joinedRooms from '../migrations/20261207032000_joined_rooms.js';
import * as moderation from '../migrations/20261208000000_moderation.js';
import * as webhooks from '../migrations/20261208020000_webhooks.js';
import * as retention from '../migrations/20261208030000_retention.js';
import * as searchIndexer from '../migrations/20261208040000_search_indexer.js';
import * as appendMessagesFunction from '../migrations/20261208041000_append_messages_function.js';
import * as serverSecrets from '../migrations/20261208050000_server_secrets.js';
import * as appendMessagesProbe from '../migrations/20261208060000_append_messages_probe.js';
import { DEFAULT_CONFIG } from './config.js';
import { retryWhileLocked, sqlitePragmas, type SqliteFile } from './sqlite-file.js';
import { cacheStatements } from './sqlite-statement-cache.js';

/** Row shapes, as the database returns them (bigint columns come back as strings from pg). */
export interface RoomRow {
  id: number;
  app_id: string;
  code: string;
  /** Null for a room created without one. */
  title: string | null;
  /** The site's own name for the room (issue #22), unique within the app; null for rooms made by code. */
  key?: string | null;
  /** Whether only the users in room_members may enter (booleans come back as 0/1 from SQLite). */
  is_private?: boolean | number;
  created_at: number | string;
  /** This room's retention period in days: null follows the app's setting, 0 keeps forever. */
  retention_days?: number | null;
  /** Every entry with a seq at or below it was deleted by retention (0: none). */
  purged_seq?: number | string;
}
export interface MessageRow {
  id: number | string;
  room_id: number;
  seq: number | string;
  kind: string;
  author: string;
  author_id: string | null;
  text: string | null;
  image_id: string | null;
  client_id: string | null;
  created_at: number | string;
  /** JSON of the kind's own fields (EntryData); null when there are none. */
  data?: string | null;
  /** A change entry's target message. */
  target_id?: number | string | null;
  edited_at?: number | string | null;
  deleted_at?: number | string | null;
  /** Set while the message is hidden after enough reports (docs/moderation.md), until a moderator decides. */
  hidden_at?: number | string | null;
  /** The seq of the newest entry folded into this row; null: its own. */
  version?: number | string | null;
}
export interface ImageRow {
  id: string;
  room_id: number;
  mime: string;
  width: number;
  height: number;
  size: number;
  etag: string;
  data: Buffer;
  thumbnail: Buffer;
  thumbnail_etag: string;
  created_at: number | string;
}

export type Database = Knex;

/** Migrations are imported, not read from a folder, so they work the same compiled or bundled. */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261125000000_initial': initial,
  '20261201000000_seq_from_index': seqFromIndex,
  '20261201120000_client_id_index_by_time': clientIdIndexByTime,
  '20261201120100_author_id': authorId,
  '20261206120000_present_members': presentMembers,
  '20261206230000_event_log': eventLog,
  '20261207020000_message_search': messageSearch,
  '20261207021000_apps': apps,
  '20261207021500_room_title': roomTitle,
  '20261207030000_room_keys': roomKeys,
  '20261207031000_private_rooms': privateRooms,
  '20261207032000_joined_rooms': joinedRooms,
  '20261208000000_moderation': moderation,
  '20261208020000_webhooks': webhooks,
  '20261208030000_retention': retention,
  '20261208040000_search_indexer': searchIndexer,
  '20261208041000_append_messages_function': appendMessagesFunction,
  '20261208050000_server_secrets': serverSecrets,
  '20261208060000_append_messages_probe': appendMessagesProbe,
};

/** The schema's migrations, for knex's migrator (`db.migrate.up({ migrationSource })` steps through them one at a time). */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name]!,
};

export const SQLITE_FILE_NAME = 'roomchat.sqlite';

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests isolate runs with it). */
  searchPath?: string;
  /** SQLite: how long a write waits for another connection's write lock. */
  busyTimeoutMs?: number;
  /** PostgreSQL: false turns synchronous_commit off for the server's connections (config.ts). */
  postgresSynchronousCommit?: boolean;
  /** Where knex's own warnings go (a lost PostgreSQL connection...); unset, knex prints them with console.log. */
  log?: Logger;
}

/**
 * knex's warnings and errors through the server's logger. Left to itself knex prints them as bare
 * (on a terminal, coloured) lines with console.log, such as "Connection Error: Connection ended
 * unexpectedly" when PostgreSQL drops a pooled connection, which breaks a JSON log's one object a line.
 */
function knexLog(log: Logger): Knex.Config['log'] {
  const to = (level: 'debug' | 'warn' | 'error') => (message: unknown) => {
    if (typeof message !== 'string') return log[level]({ source: 'knex', detail: message }, 'knex');
    // "Acquire connection error: SqliteError: ...\n    at ...": the first line is the message.
    const [first, ...stack] = message.split('\n');
    log[level]({ source: 'knex', ...(stack.length ? { stack: stack.join('\n') } : {}) }, first!);
  };
  return { debug: to('debug'), warn: to('warn'), error: to('error'), deprecate: to('warn') };
}

const sqliteFiles = new WeakMap<Database, SqliteFile>();

/** The SQLite file behind `db` (for a second connection to it), or undefined for PostgreSQL. */
export function sqliteFileOf(db: Database): SqliteFile | undefined {
  return sqliteFiles.get(db);
}

/**
 * Opens the database: PostgreSQL when `databaseUrl` is a postgres URL, else one SQLite file in
 * `dataDir`, created on first use.
 */
export function openDatabase(options: DatabaseOptions): Database {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return knex({
      client: 'pg',
      // synchronous_commit as a startup option of each connection: no statement of its own.
      connection: options.postgresSynchronousCommit === false ? { connectionString: url, options: '-c synchronous_commit=off' } : url,
      ...(options.log ? { log: knexLog(options.log) } : {}),
      pool: { min: 0, max: 10 },
      ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
    });
  }
  if (url) throw new Error(`Unsupported DATABASE_URL (expected postgres://...): ${url.replace(/\/\/[^@]*@/, '//***@')}`);
  mkdirSync(options.dataDir, { recursive: true });
  const file: SqliteFile = { filename: path.join(options.dataDir, SQLITE_FILE_NAME), busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_CONFIG.sqliteBusyTimeoutMs };
  // better-sqlite3 is synchronous: this connection serves reads (index lookups of well under a
  // millisecond) and rare writes (rooms, images: through `retryingLocks`) on the event loop.
  // Its statements stay prepared between queries (sqlite-statement-cache.ts). Message appends, the
  // hot write path, have a connection of their own (sqlite-message-writer.ts).
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file.filename },
    useNullAsDefault: true,
    ...(options.log ? { log: knexLog(options.log) } : {}),
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: BetterSqlite.Database, done: (err: Error | null, conn: BetterSqlite.Database) => void) => {
        try {
          for (const pragma of sqlitePragmas(file)) conn.pragma(pragma);
          cacheStatements(conn);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  sqliteFiles.set(db, file);
  return db;
}

/**
 * Brings the schema up to date, from one process; several at once go through `migrateConcurrently`
 * (migrate.ts). On SQLite the migrations may wait in SQLite's busy handler for another connection's
 * write lock (up to the busy timeout): they run before the server serves anyone, and knex's
 * migrator could not be retried halfway through.
 */
export async function migrate(db: Database): Promise<string[]> {
  const sqlite = sqliteFileOf(db);
  if (sqlite) await db.raw(`pragma busy_timeout = ${Math.max(0, Math.floor(sqlite.busyTimeoutMs))}`);
  try {
    const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
    return applied;
  } finally {
    if (sqlite) await db.raw('pragma busy_timeout = 0');
  }
}

/**
 * Runs one write (a statement or a whole transaction) on `db`. On SQLite, another connection's
 * write lock is waited for on a timer, for up to the busy timeout, instead of in SQLite's busy
 * handler, which would hold the whole server up (sqlite-file.ts, retryWhileLocked).
 */
export function retryingLocks<T>(db: Database, write: () => Promise<T>): Promise<T> {
  const sqlite = sqliteFileOf(db);
  return sqlite ? retryWhileLocked(sqlite, write) : write();
}

/** Whether the error is a unique-constraint violation, in either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' || (e?.code?.startsWith('SQLITE_CONSTRAINT') ?? false);
}

/** Whether the database is reachable and answering. */
export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * One line for an operator when the database cannot be opened or written at start-up: which file
 * or server, what went wrong, and what to do; undefined for errors that are not about storage.
 * better-sqlite3 says only "unable to open database file" and knex adds a stack, which named
 * neither the data directory nor the fix.
 */
export function describeStorageProblem(error: unknown, options: Pick<DatabaseOptions, 'databaseUrl' | 'dataDir'>): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return undefined;
  const first = typeof message === 'string' ? message.split('\n')[0]! : 'failed';
  const reason = first.startsWith(code) ? first : `${first} (${code})`;
  if (options.databaseUrl) {
    const pg = /^(E[A-Z]+|\d{2}[0-9A-Z]{3})$/.test(code);
    if (!pg) return undefined;
    return `cannot use the PostgreSQL database ${options.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}: ${reason}. Check DATABASE_URL (--database-url) and that the server is up and accepts this user.`;
  }
  const dir = path.resolve(options.dataDir);
  const where = `the SQLite database ${path.join(dir, SQLITE_FILE_NAME)} (data directory ${dir})`;
  const elsewhere = 'choose another directory with --data-dir (DATA_DIR)';
  let advice: string;
  if (code === 'ENOTDIR' || code === 'EEXIST') advice = `Part of that path is a file, not a directory: ${elsewhere}`;
  else if (code === 'ENOSPC' || code.startsWith('SQLITE_FULL')) advice = `The disk is full: free some space, or ${elsewhere}`;
  else if (['EACCES', 'EPERM', 'EROFS'].includes(code) || /^SQLITE_(CANTOPEN|READONLY|PERM)/.test(code)) {
    advice = `Make the directory (and the file, if it exists) writable by this user, or ${elsewhere}`;
  } else if (code.startsWith('SQLITE_IOERR')) advice = `The disk reported an I/O error: check it, or ${elsewhere}`;
  else if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) advice = `That file is not a SQLite database, or is damaged: restore it, or ${elsewhere}`;
  else return undefined;
  return `cannot use ${where}: ${reason}. ${advice}.`;
}
