import type { Knex } from 'knex';

/**
 * Private rooms (issue #22): a room that admits only the users listed for it, by the `sub` their
 * host signs (a user of the room's app). `is_private` is on the room, so that an open room costs
 * no lookup; the list is a table, so that adding or removing one user is one row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table rooms add column is_private boolean not null default false');
  await knex.schema.createTable('room_members', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('user_id', 255).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['room_id', 'user_id']);
    // rooms() lists a user's rooms: by user first.
    t.index(['user_id', 'room_id'], 'room_members_user_id_room_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('room_members');
  await knex.raw('alter table rooms drop column is_private');
}
