// The SQLite checkpointer's thread: a connection of its own that checkpoints when the message
// writer asks. See SqliteCheckpointer for why it exists and when it asks for which mode.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerData, CheckpointerMessage, CheckpointRequest } from './sqlite-checkpointer.js';
import { sqlitePragmas } from './sqlite-file.js';

const { file, readerWaitMs } = workerData as CheckpointerData;
const db = new Database(file.filename);
for (const pragma of sqlitePragmas(file)) db.pragma(pragma);
// PASSIVE copies what it can into the database (with its fsyncs) without waiting for anyone.
// RESTART, while the writer waits, copies the rest, waits for readers of the old frames (an HTTP
// history read, say: briefly, they are short) and starts the WAL over, so that it is overwritten
// from the start instead of growing.
db.pragma(`busy_timeout = ${readerWaitMs}`);
const checkpoints = {
  PASSIVE: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
  RESTART: db.prepare('PRAGMA wal_checkpoint(RESTART)'),
};

parentPort!.on('message', ({ id, mode }: CheckpointRequest) => {
  let busy = true;
  try {
    busy = (checkpoints[mode].get() as { busy: number }).busy !== 0;
  } catch {
    // A lock held elsewhere or a passing I/O error: the writer asks again at a later commit, and
    // the connections' fallback bounds the WAL meanwhile.
  }
  parentPort!.postMessage({ id, busy } satisfies CheckpointerMessage);
});
parentPort!.postMessage({ ready: true } satisfies CheckpointerMessage);
