import type { Knex } from 'knex';

/**
 * Retention (issue #25). A room may override its app's retention period (`retention_days`: null
 * follows the app's `retentionDays` setting, 0 keeps forever), and remembers how far retention
 * has deleted its log (`purged_seq`: every entry with a seq at or below it is gone), so catch-up
 * from before that point is answered with where the history now starts instead of looking like a
 * gap (retention.ts, docs/operating.md#retention).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table rooms add column retention_days integer');
  await knex.raw('alter table rooms add column purged_seq bigint not null default 0');
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN (SQLite 3.35+): a rebuild of `rooms` would cascade-delete its messages.
  await knex.raw('alter table rooms drop column purged_seq');
  await knex.raw('alter table rooms drop column retention_days');
}
