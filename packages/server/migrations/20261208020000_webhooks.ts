import type { Knex } from 'knex';

/**
 * Webhooks (issue #25): an app's endpoints, a durable queue of deliveries to make, and a log of
 * the attempts made (kept to `webhookLogPerEndpoint` rows per endpoint). docs/decisions/0010.
 *
 * The queue holds one row per endpoint and event until it is delivered or given up; unique on
 * (endpoint, event) so an event enqueued twice is delivered once. `next_attempt_at` is both the
 * schedule and the lease: a worker that claims a row moves it past the delivery's timeout, so
 * another node skips it, and a node that dies mid-delivery leaves it to be retried when it expires.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.string('id', 40).primary();
    t.string('app_id', 64).notNullable().references('id').inTable('apps').onDelete('CASCADE');
    t.text('url').notNullable();
    t.string('secret', 80).notNullable();
    // A JSON array of event types; empty: every type.
    t.text('events').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.bigInteger('created_at').notNullable();
    t.index(['app_id'], 'webhook_endpoints_app_id_index');
  });
  await knex.schema.createTable('webhook_queue', (t) => {
    t.bigIncrements('id').primary();
    t.string('endpoint_id', 40).notNullable().references('id').inTable('webhook_endpoints').onDelete('CASCADE');
    t.string('event_id', 64).notNullable();
    t.string('event_type', 40).notNullable();
    t.text('body').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.integer('last_status');
    t.text('last_error');
    t.bigInteger('created_at').notNullable();
    t.unique(['endpoint_id', 'event_id'], { indexName: 'webhook_queue_endpoint_event_unique' });
    // Claims go endpoint by endpoint (queue.ts): a backlog of one is never scanned for another's.
    t.index(['endpoint_id', 'next_attempt_at'], 'webhook_queue_endpoint_due_index');
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.string('endpoint_id', 40).notNullable().references('id').inTable('webhook_endpoints').onDelete('CASCADE');
    t.string('event_id', 64).notNullable();
    t.string('event_type', 40).notNullable();
    t.integer('attempt').notNullable();
    // delivered, retrying (another attempt is scheduled) or failed (given up).
    t.string('outcome', 16).notNullable();
    t.integer('status');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.bigInteger('at').notNullable();
    t.index(['endpoint_id', 'id'], 'webhook_deliveries_endpoint_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_queue');
  await knex.schema.dropTable('webhook_endpoints');
}
