import { parseArgs } from 'node:util';
import { DEFAULT_ROOM_CODE_LENGTH } from '@roomchat/protocol';
import { backupSqlite } from './backup.js';
import type { ChatServerConfig } from './config.js';
import { sqliteFileOf, type Database } from './db.js';
import { writeRoomExport } from './exports.js';
import { Messages } from './messages.js';
import { migrateConcurrently } from './migrate.js';
import { DEFAULT_APP_ID, Rooms } from './rooms.js';

export const DATA_HELP = `Data (docs/operating.md#export, #backup):
  export (--room <code>|--key <key>) [--app <id>] --out <dir>
                                  writes the room's log to <dir>/messages.jsonl (one entry a line, in seq
                                  order), its images to <dir>/images/<id>.<ext>, and <dir>/room.json
  backup <file>                   SQLite: a consistent copy of the database, taken while the server runs
                                  (PostgreSQL: use pg_dump, see docs/operating.md#backup)`;

/** `roomchat-server export ...`: a room's log and images into a directory. */
export async function exportCommand(
  db: Database,
  args: string[],
  config: Pick<ChatServerConfig, 'exportPageSize'>,
  print: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: { room: { type: 'string' }, key: { type: 'string' }, app: { type: 'string' }, out: { type: 'string' } },
  });
  if ((values.room === undefined) === (values.key === undefined)) throw new Error('export needs one of --room <code> or --key <key>');
  if (!values.out) throw new Error('export needs --out <dir>');
  const appId = values.app ?? DEFAULT_APP_ID;
  await migrateConcurrently(db);
  const rooms = new Rooms(db, DEFAULT_ROOM_CODE_LENGTH);
  const room = values.room !== undefined ? await rooms.find(values.room, appId) : await rooms.findByKey(values.key!, appId);
  if (!room) throw new Error(`App ${appId} has no room ${values.room !== undefined ? `with the code ${values.room}` : `with the key ${values.key}`}`);
  // Reads only: the writer (for appends) is never started.
  const report = await writeRoomExport(db, new Messages(db), room, values.out, config.exportPageSize);
  print(JSON.stringify({ room: room.code, out: values.out, ...report }));
}

/** `roomchat-server backup FILE`: SQLite's online backup; on PostgreSQL, the pointer to pg_dump. */
export async function backupCommand(db: Database, file: string | undefined, print: (line: string) => void): Promise<void> {
  const sqlite = sqliteFileOf(db);
  if (!sqlite) {
    throw new Error(
      'backup copies a SQLite database; on PostgreSQL use pg_dump: pg_dump --format=custom --file=roomchat.dump "$DATABASE_URL" (docs/operating.md#backup)',
    );
  }
  if (!file) throw new Error('backup needs the file to write: roomchat-server backup <file>');
  const report = await backupSqlite(sqlite, file);
  if (report.integrity !== 'ok') throw new Error(`The copy at ${report.file} failed its integrity check: ${report.integrity}`);
  print(JSON.stringify(report));
}
