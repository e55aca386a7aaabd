import type { Knex } from 'knex';

/**
 * The client-id index keyed by client id first, and only over messages that have one. Keyed by
 * (room_id, client_id), a batch of messages to n rooms changed n of its leaves; the SDK's client
 * ids start with the time they were made (timeOrderedId), so keyed by (client_id, room_id) a
 * batch's new entries share the index's last leaf whatever their rooms, as the table's rows do.
 * A commit then writes about one page per room instead of two (bench/README.md, finding 3).
 * Join and leave lines have no client id and no longer get an entry at all.
 *
 * Which message a client id names is unchanged: one per (room, client id).
 */
export async function up(knex: Knex): Promise<void> {
  if (isSqlite(knex)) await knex.raw('drop index messages_room_id_client_id_unique');
  else await knex.raw('alter table messages drop constraint messages_room_id_client_id_unique');
  await knex.raw('create unique index messages_client_id_room_id_unique on messages (client_id, room_id) where client_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index messages_client_id_room_id_unique');
  // As the initial migration made it: an index on SQLite, a constraint on PostgreSQL.
  if (isSqlite(knex)) await knex.raw('create unique index messages_room_id_client_id_unique on messages (room_id, client_id)');
  else await knex.raw('alter table messages add constraint messages_room_id_client_id_unique unique (room_id, client_id)');
}

function isSqlite(knex: Knex): boolean {
  return knex.client.config.client !== 'pg';
}
