import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

/** Where a SQLite database lives and how each connection to it is set up. */
export interface SqliteFile {
  filename: string;
  /** How long a statement waits for another connection's write lock before failing. */
  busyTimeoutMs: number;
}

/**
 * Settings every SQLite connection gets. WAL: readers do not block the writer. synchronous=NORMAL
 * in WAL mode keeps every committed transaction through a process crash (SIGKILL); only an OS
 * crash or power loss may drop the last few, which FULL would prevent at a fsync per commit.
 * busy_timeout: wait for another connection's write lock instead of failing at once.
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
    `busy_timeout = ${Math.max(0, Math.floor(file.busyTimeoutMs))}`,
    'foreign_keys = ON',
    `wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`,
    `journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`,
  ];
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
