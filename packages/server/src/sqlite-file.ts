import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where a SQLite database lives and how each connection to it is set up. */
export interface SqliteFile {
  filename: string;
  /** How long a write waits for another connection's write lock before failing (retryWhileLocked). */
  busyTimeoutMs: number;
}

/**
 * Settings every SQLite connection gets. WAL: readers do not block the writer. synchronous=NORMAL
 * in WAL mode keeps every committed transaction through a process crash (SIGKILL); only an OS
 * crash or power loss may drop the last few, which FULL would prevent at a fsync per commit.
 * busy_timeout = 0: SQLite's busy handler would wait for another connection's write lock by
 * sleeping the thread, i.e. the whole server; writes on the event loop wait on a timer instead
 * (retryWhileLocked). Migrations (db.ts) and the checkpoint thread, which may sleep, set their own.
 * Checkpoints (the only fsyncs) are the checkpoint thread's work (sqlite-checkpointer.ts), so
 * each connection's own automatic checkpoint is raised from SQLite's 1,000 pages to a fallback,
 * reached only if that thread has stopped or fallen far behind. It is never turned off: a
 * connection that writes without checkpointing lets the WAL grow without bound (seen: 83 GB in
 * minutes). journal_size_limit shrinks the WAL file back after such a checkpoint.
 */
export function sqlitePragmas(file: SqliteFile): string[] {
  return [
    'journal_mode = WAL',
    'synchronous = NORMAL',
    'busy_timeout = 0',
    'foreign_keys = ON',
    `wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`,
    `journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`,
  ];
}

/** Longest pause between two tries to take a write lock that another connection holds. */
const MAX_LOCK_RETRY_MS = 50;

/**
 * Runs `write` until it gets past another connection's write lock (SQLITE_BUSY), tried again on
 * a timer with pauses doubling from 1 ms, for up to the file's busyTimeoutMs; then the last
 * SQLITE_BUSY is thrown (UNAVAILABLE to clients). Meanwhile the event loop goes on serving.
 * `write` must be a whole transaction (or a single statement), so that a retry starts afresh.
 */
export async function retryWhileLocked<T>(file: SqliteFile, write: () => T | Promise<T>): Promise<T> {
  const deadline = performance.now() + file.busyTimeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_LOCK_RETRY_MS)) {
    try {
      return await write();
    } catch (error) {
      if (!isLocked(error) || performance.now() + pause > deadline) throw error;
    }
    await sleep(pause);
  }
}

/** SQLITE_BUSY (and its extended codes): another connection holds the write lock. */
export function isLocked(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The WAL length (in pages) at which a connection's own commit checkpoints: the fallback above. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 4_000;

/** The size the WAL file is truncated back to after a checkpoint (it may grow past it during a burst). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The WAL's length, read from the wal-index header at the start of the `-shm` file that every
 * connection maps: `mxFrame`, a native-endian u32 at byte 16, after `iVersion` (3007000) at byte 0
 * (https://www.sqlite.org/walformat.html#the_wal_index_file_format). better-sqlite3 has no
 * sqlite3_wal_hook, and this is one pread instead of a checkpoint call.
 */
export class WalIndex {
  static readonly VERSION = 3_007_000;
  readonly #fd: number;
  readonly #buffer = Buffer.alloc(20);
  readonly #read = endianness() === 'LE' ? (offset: number) => this.#buffer.readUInt32LE(offset) : (offset: number) => this.#buffer.readUInt32BE(offset);

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** The wal-index of the database at `filename`, or undefined if it is not there or not of this format. */
  static open(filename: string): WalIndex | undefined {
    let fd: number;
    try {
      fd = openSync(`${filename}-shm`, 'r');
    } catch {
      return undefined;
    }
    const index = new WalIndex(fd);
    if (index.#header() && index.#read(0) === WalIndex.VERSION) return index;
    index.close();
    return undefined;
  }

  /** Frames in the WAL (0 when it cannot be read). */
  frames(): number {
    return this.#header() ? this.#read(16) : 0;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #header(): boolean {
    try {
      return readSync(this.#fd, this.#buffer, 0, 20, 0) === 20;
    } catch {
      return false;
    }
  }
}
