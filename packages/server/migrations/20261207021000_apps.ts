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
  // The apps table exists since the first schema (id, name, created_at), with its `default` row.
  for (const column of ['secret', 'origins', 'jwks_url', 'settings']) await knex.raw(`alter table apps add column ${column} text`);
  // What the server did before apps: guests, anyone creates rooms, REST posts under any name.
  const before = JSON.stringify({ guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: true });
  for (const { id } of await knex('apps').select('id')) {
    await knex('apps').where({ id }).update({ secret: randomBytes(32).toString('base64url'), settings: before });
  }
  await knex.raw('alter table present_members add column profile text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table present_members drop column profile');
  for (const column of ['settings', 'jwks_url', 'origins', 'secret']) await knex.raw(`alter table apps drop column ${column}`);
}
