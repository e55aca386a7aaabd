import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Apps (tenants, issue #22): each embedding site has its own rooms (rooms.app_id existed), secret,
 * allowed origins and settings. The secret is stored as it is, not hashed: it is the HS256 key the
 * server verifies the host's tokens with, so it must be readable (docs/decisions/0006). `origins`
 * is a JSON array, null meaning "the server's corsOrigins setting" (the default app, so the demo
 * keeps working with no set-up); `settings` is JSON so that later settings need no migration.
 *
 * present_members gains `profile`: a verified member's userId and avatar, so a restarted node
 * puts back verified members as they were.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('apps', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('secret', 128).notNullable();
    t.text('origins');
    t.text('jwks_url');
    t.text('settings').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex('apps').insert({
    id: 'default',
    name: 'Default',
    secret: randomBytes(32).toString('base64url'),
    origins: null,
    jwks_url: null,
    // What the server did before apps: guests, anyone creates rooms, REST posts under any name.
    settings: JSON.stringify({ guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: true }),
    created_at: Date.now(),
  });
  await knex.schema.alterTable('present_members', (t) => {
    t.text('profile');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('present_members', (t) => {
    t.dropColumn('profile');
  });
  await knex.schema.dropTable('apps');
}
