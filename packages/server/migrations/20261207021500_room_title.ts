import type { Knex } from 'knex';

/**
 * An optional title for each room, set when it is created (issue #24); null for rooms without one.
 * Raw `alter table`: knex's builder would rebuild the SQLite table to drop the column, and dropping
 * the old `rooms` would cascade to its messages; SQLite (3.35+) and PostgreSQL both drop it in place.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table rooms add column title varchar(400)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table rooms drop column title');
}
