import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteFile } from './sqlite-file.js';

export interface BackupReport {
  file: string;
  pages: number;
  ms: number;
  /** `PRAGMA integrity_check` of the copy: "ok" when it is sound. */
  integrity: string;
}

/**
 * Copies the SQLite database into `destination` with SQLite's online backup API (better-sqlite3's
 * `backup`), while the server may go on writing. All pages are copied in one step: a step reads
 * under one read transaction, so the copy is a consistent snapshot, and in WAL mode a reader does
 * not hold writers up. (Many small steps would be restarted by every commit of the running
 * server, and under steady writes might never finish.) The copy is then opened and checked.
 */
export async function backupSqlite(source: SqliteFile, destination: string): Promise<BackupReport> {
  const target = path.resolve(destination);
  if (target === path.resolve(source.filename)) throw new Error('The backup would overwrite the database itself: name another file');
  if (existsSync(target)) throw new Error(`${target} exists already: name a new file (a backup never overwrites one)`);
  if (!existsSync(source.filename)) throw new Error(`There is no database at ${source.filename} (check --data-dir)`);
  const started = performance.now();
  const db = new Database(source.filename, { fileMustExist: true });
  let pages: number;
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(source.busyTimeoutMs))}`);
    const progress = await db.backup(target, { progress: () => 0x7fffffff });
    pages = progress.totalPages;
  } finally {
    db.close();
  }
  const ms = performance.now() - started;
  const copy = new Database(target, { fileMustExist: true });
  try {
    // One self-contained file (no -wal beside it) to store or move; the server turns WAL on again when it opens it.
    copy.pragma('journal_mode = DELETE');
    const integrity = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    return { file: target, pages, ms: Math.round(ms), integrity };
  } finally {
    copy.close();
  }
}
