import type { Knex } from 'knex';

/**
 * Apps (embedding sites), rooms, messages and images. Rooms belong to an app so that serving many
 * sites is an addition (more app rows, keys), not a schema rewrite; a `default` app always exists.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('apps', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex('apps').insert({ id: 'default', name: 'Default app', created_at: Date.now() });

  await knex.schema.createTable('rooms', (t) => {
    t.increments('id').primary();
    t.string('app_id', 64).notNullable().references('id').inTable('apps');
    t.string('code', 32).notNullable();
    // The last sequence number handed out; bumped in the same transaction as each insert, which
    // serialises writers per room and keeps seq gap-free.
    t.bigInteger('last_seq').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.unique(['app_id', 'code']);
  });

  await knex.schema.createTable('images', (t) => {
    t.string('id', 32).primary();
    t.integer('room_id').notNullable().references('id').inTable('rooms').onDelete('CASCADE');
    t.string('mime', 32).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('size').notNullable();
    t.string('etag', 64).notNullable();
    t.binary('data').notNullable();
    t.binary('thumbnail').notNullable();
    t.string('thumbnail_etag', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['room_id']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.bigIncrements('id').primary();
    t.integer('room_id').notNullable().references('id').inTable('rooms').onDelete('CASCADE');
    t.bigInteger('seq').notNullable();
    t.string('kind', 16).notNullable();
    t.string('author', 200).notNullable();
    t.text('text');
    t.string('image_id', 32).references('id').inTable('images');
    t.string('client_id', 64);
    t.bigInteger('created_at').notNullable();
    // Keyset paging walks this index; it also forbids two messages with one seq.
    t.unique(['room_id', 'seq']);
    // NULLs are distinct in both engines, so only messages with a client id are deduplicated.
    t.unique(['room_id', 'client_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('messages');
  await knex.schema.dropTable('images');
  await knex.schema.dropTable('rooms');
  await knex.schema.dropTable('apps');
}
