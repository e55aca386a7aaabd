import type { Knex } from 'knex';

/**
 * The moderation kit (issue #23, docs/moderation.md): members' roles in rooms, bans, mutes, the
 * room's own settings (lock, slow mode, closed), reports on messages, and the audit trail. The
 * actions themselves are entries of the room's log (kind `moderation`), which needs no column.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('room_roles', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('member_id', 64).notNullable();
    t.string('role', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['room_id', 'member_id']);
  });
  // A ban names a member id, and a verified user's id too, so it holds under any name.
  await knex.schema.createTable('room_bans', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('member_id', 64).notNullable();
    t.string('user_id', 256).nullable();
    t.bigInteger('until').nullable();
    t.text('reason').nullable();
    t.string('by', 128).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['room_id', 'member_id']);
    t.index(['room_id', 'user_id']);
  });
  await knex.schema.createTable('room_mutes', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('member_id', 64).notNullable();
    t.bigInteger('until').notNullable();
    t.primary(['room_id', 'member_id']);
  });
  await knex.schema.createTable('room_settings', (t) => {
    t.integer('room_id').primary().references('rooms.id').onDelete('CASCADE');
    t.boolean('locked').notNullable().defaultTo(false);
    t.integer('slow_mode_seconds').notNullable().defaultTo(0);
    t.bigInteger('closed_at').nullable();
  });
  await knex.schema.createTable('message_reports', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.bigInteger('message_id').notNullable();
    t.string('reporter_id', 64).notNullable();
    t.text('reason').notNullable();
    t.bigInteger('created_at').notNullable();
    // Set once a moderator decided: a kept message counts new reports from zero.
    t.bigInteger('decided_at').nullable();
    t.primary(['message_id', 'reporter_id']);
    t.index(['room_id', 'decided_at']);
  });
  await knex.schema.createTable('moderation_audit', (t) => {
    t.increments('id').primary();
    t.string('app_id', 64).notNullable();
    t.integer('room_id').notNullable();
    t.string('room_code', 32).notNullable();
    t.string('actor_id', 128).nullable();
    t.string('actor_name', 128).notNullable();
    t.string('action', 32).notNullable();
    t.string('target', 256).nullable();
    t.text('reason').nullable();
    t.text('data').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['app_id', 'id']);
    t.index(['room_id', 'id']);
  });
  // Raw: knex's alterTable may rebuild a SQLite table, and messages has the search index on it.
  await knex.raw('alter table messages add column hidden_at bigint');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table messages drop column hidden_at');
  for (const table of ['moderation_audit', 'message_reports', 'room_settings', 'room_mutes', 'room_bans', 'room_roles']) await knex.schema.dropTable(table);
}
