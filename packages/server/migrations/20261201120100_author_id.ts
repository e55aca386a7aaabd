import type { Knex } from 'knex';

/**
 * Who sent a message, as the server knows it: the member's public id (`Member.id`), set from the
 * connection's membership, never from what a client sends. Clients used to tell their own messages
 * by a member-id prefix of the client id, which any member could copy from the member list to pass
 * a message off as someone else's. Messages stored before, and those posted over HTTP (no member),
 * have none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table messages add column author_id varchar(32)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table messages drop column author_id');
}
