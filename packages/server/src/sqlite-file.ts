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
 * Each connection keeps SQLite's automatic checkpoint (every 1,000 pages of WAL, after its own
 * commits): a connection that writes without checkpointing lets the WAL grow without bound (seen:
 * 83 GB in minutes when only such a connection wrote). journal_size_limit then shrinks the WAL
 * file back after a burst.
 */
export function sqlitePragmas(file: SqliteFile): string[] {
  return [
    'journal_mode = WAL',
    'synchronous = NORMAL',
    `busy_timeout = ${Math.max(0, Math.floor(file.busyTimeoutMs))}`,
    'foreign_keys = ON',
    `journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`,
  ];
}

/** The size the WAL file is truncated back to after a checkpoint (it may grow past it during a burst). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
