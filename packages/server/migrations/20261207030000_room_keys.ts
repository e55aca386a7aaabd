import type { Knex } from 'knex';

/**
 * Rooms a site addresses by its own key (issue #22: a room per page, `room-key="product-123"`).
 * A key is unique within its app only: two apps may both have a room `product-123`. Rooms
 * created by code have no key (null), which the unique index allows any number of.
 */
export async function up(knex: Knex): Promise<void> {
  // Raw statements: knex's alterTable rebuilds a SQLite table for some changes, and rooms is
  // referenced by messages, images and the search index.
  await knex.raw('alter table rooms add column key text');
  await knex.raw('create unique index rooms_app_id_key_unique on rooms (app_id, key)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index rooms_app_id_key_unique');
  await knex.raw('alter table rooms drop column key');
}
