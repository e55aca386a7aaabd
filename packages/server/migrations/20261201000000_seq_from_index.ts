import type { Knex } from 'knex';

/**
 * Fewer pages written per message commit. A SQLite commit writes every page it changed to the WAL
 * (and a checkpoint copies it back later); a one-message batch changed five: the messages table,
 * its two indexes, the room's row (`last_seq`) and `sqlite_sequence` (AUTOINCREMENT's counter).
 * Now it changes three, about a fifth less storage CPU per message at chat's small batches
 * (bench/README.md, finding 3):
 * - a room's last seq is read from the (room_id, seq) index, whose last page the insert writes
 *   anyway, so `rooms.last_seq` goes. Writers to a room are still serialised: by SQLite's one write
 *   lock, and on PostgreSQL by locking the room's row (message-writer.ts).
 * - SQLite's `messages.id` drops AUTOINCREMENT. Its only promise beyond a plain rowid is never to
 *   reuse the id of a deleted newest row, and messages are never deleted one by one. SQLite cannot
 *   alter a column's AUTOINCREMENT, so the table is rebuilt (inside the migration's transaction).
 */
export async function up(knex: Knex): Promise<void> {
  if (isSqlite(knex)) {
    await rebuildSqliteMessages(knex, 'integer not null primary key');
    await knex.raw(`delete from sqlite_sequence where name = 'messages'`);
  }
  // Native DROP COLUMN (SQLite 3.35+, PostgreSQL): knex's own SQLite dropColumn rebuilds the table,
  // and rebuilding `rooms` with foreign keys on would cascade-delete its messages.
  await knex.raw('alter table rooms drop column last_seq');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table rooms add column last_seq bigint not null default 0');
  await knex.raw('update rooms set last_seq = coalesce((select max(seq) from messages where messages.room_id = rooms.id), 0)');
  if (isSqlite(knex)) await rebuildSqliteMessages(knex, 'integer not null primary key autoincrement');
}

function isSqlite(knex: Knex): boolean {
  return knex.client.config.client !== 'pg';
}

/** The messages table as the initial migration made it, with `idColumn` for its id. */
async function rebuildSqliteMessages(knex: Knex, idColumn: string): Promise<void> {
  const columns = 'id, room_id, seq, kind, author, text, image_id, client_id, created_at';
  await knex.raw(`create table messages_rebuilt (
    id ${idColumn},
    room_id integer not null references rooms (id) on delete cascade,
    seq bigint not null,
    kind varchar(16) not null,
    author varchar(200) not null,
    text text,
    image_id varchar(32) references images (id),
    client_id varchar(64),
    created_at bigint not null
  )`);
  await knex.raw(`insert into messages_rebuilt (${columns}) select ${columns} from messages order by id`);
  // Nothing references messages, so dropping it deletes no other rows.
  await knex.raw('drop table messages');
  await knex.raw('alter table messages_rebuilt rename to messages');
  await knex.raw('create unique index messages_room_id_seq_unique on messages (room_id, seq)');
  await knex.raw('create unique index messages_room_id_client_id_unique on messages (room_id, client_id)');
}
