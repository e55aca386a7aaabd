import type { Knex } from 'knex';

/**
 * A room becomes an event log (issue #21): besides messages, its `messages` rows hold entries that
 * change an earlier message (kinds `edit`, `delete`, `reaction`), in the same seq space, so that
 * catching up by seq brings every change. Each message row also keeps what those entries made of
 * it, for history pages that show messages as they are now:
 * - `data`: JSON of the kind's own fields (a reply's `replyTo`, `mentions`, a reaction's emoji and
 *   resulting count), so a new kind needs no migration of its own;
 * - `target_id`: the message a change entry changes (indexed for the entries of a message);
 * - `edited_at`, `deleted_at`: a deleted message is a tombstone, its text and image erased;
 * - `version`: the seq of the newest entry folded into the row (null: its own seq), which clients
 *   compare with an entry's seq to apply each change once and in order.
 * Reactions are rows of their own, one per member and emoji; read positions one per member and room.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table messages add column data text');
  await knex.raw('alter table messages add column target_id bigint');
  await knex.raw('alter table messages add column edited_at bigint');
  await knex.raw('alter table messages add column deleted_at bigint');
  await knex.raw('alter table messages add column version bigint');
  // Partial: plain messages (the hot path) add no entry to it.
  await knex.raw('create index messages_target_id on messages (target_id) where target_id is not null');
  // A delete erases an image's bytes once no other message shows it.
  await knex.raw('create index messages_image_id on messages (image_id) where image_id is not null');
  await knex.schema.createTable('reactions', (t) => {
    t.bigInteger('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.string('member_id', 32).notNullable();
    t.string('emoji', 64).notNullable();
    t.primary(['message_id', 'emoji', 'member_id']);
  });
  await knex.schema.createTable('read_positions', (t) => {
    t.integer('room_id').notNullable().references('rooms.id').onDelete('CASCADE');
    t.string('member_id', 32).notNullable();
    t.bigInteger('seq').notNullable();
    t.primary(['room_id', 'member_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('read_positions');
  await knex.schema.dropTable('reactions');
  // The log's change entries mean nothing to the older schema.
  await knex('messages').whereIn('kind', ['edit', 'delete', 'reaction']).delete();
  await knex.raw('drop index messages_image_id');
  await knex.raw('drop index messages_target_id');
  for (const column of ['version', 'deleted_at', 'edited_at', 'target_id', 'data']) await knex.raw(`alter table messages drop column ${column}`);
}
