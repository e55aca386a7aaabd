import type { Knex } from 'knex';

/**
 * A verified user's conversation list (`room:list`, issue #22) holds the rooms it joined: their
 * join lines by its member id. This index finds them without reading every room's messages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("create index messages_joins_by_author on messages (author_id, room_id) where kind = 'join'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index messages_joins_by_author');
}
