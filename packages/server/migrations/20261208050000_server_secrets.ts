import type { Knex } from 'knex';

/**
 * Secrets the server makes for itself when the operator sets none (the key that signs image URLs
 * of private rooms, issue #22): in the database, so that every node of a cluster shares them and a
 * restart keeps URLs already handed out valid.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_secrets', (t) => {
    t.string('name', 64).primary();
    t.string('value', 128).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_secrets');
}
