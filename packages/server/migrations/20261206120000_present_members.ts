import type { Knex } from 'knex';

/**
 * Who was present in which room, for a single node (several nodes keep presence in Redis). A
 * restarted node reads it back, so members who return within the grace period are not announced
 * again, and those who do not return get their leave line.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('present_members', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('member_id', 32).notNullable();
    t.string('name', 200).notNullable();
    t.primary(['room_id', 'member_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('present_members');
}
