import type { Database } from '../db.js';

/** A delivery to make: one event for one endpoint. */
export interface QueuedDelivery {
  id: number;
  endpointId: string;
  eventId: string;
  type: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: number;
}

export interface NewDelivery {
  endpointId: string;
  eventId: string;
  type: string;
  body: string;
}

/** How an attempt ended, for the log. */
export interface Attempt {
  outcome: 'delivered' | 'retrying' | 'failed';
  status: number | undefined;
  error: string | undefined;
  durationMs: number;
}

interface QueueRow {
  id: number | string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number | string;
  created_at: number | string;
}

const toDelivery = (row: QueueRow): QueuedDelivery => ({
  id: Number(row.id),
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  type: row.event_type,
  body: row.body,
  attempts: Number(row.attempts),
  createdAt: Number(row.created_at),
});

/** Rows per INSERT: far below PostgreSQL's 65,535 bound parameters and SQLite's 32,766 (7 columns each). */
const INSERT_CHUNK = 500;

/**
 * The durable queue of deliveries (docs/decisions/0010-webhook-queue.md): rows wait in the
 * database until delivered or given up, so a restart loses none; `next_attempt_at` is the
 * schedule and, once claimed, the lease that keeps other nodes off a row being delivered.
 */
export class WebhookQueue {
  readonly #db: Database;
  readonly #postgres: boolean;
  readonly #logPerEndpoint: number;

  constructor(db: Database, logPerEndpoint: number) {
    this.#db = db;
    this.#postgres = db.client.config.client === 'pg';
    this.#logPerEndpoint = logPerEndpoint;
  }

  /** Adds deliveries in one statement per chunk; an (endpoint, event) already queued is left as it is. */
  async add(deliveries: readonly NewDelivery[], now = Date.now()): Promise<void> {
    const rows = deliveries.map((d) => ({ endpoint_id: d.endpointId, event_id: d.eventId, event_type: d.type, body: d.body, attempts: 0, next_attempt_at: now, created_at: now }));
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
      await this.#db('webhook_queue')
        .insert(rows.slice(at, at + INSERT_CHUNK))
        .onConflict(['endpoint_id', 'event_id'])
        .ignore();
    }
  }

  /**
   * Claims up to `limit` deliveries due at `now`, of enabled endpoints not in `busy`, and leases
   * them until `leaseUntil`. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets workers of several
   * nodes claim at once without taking the same row or waiting on each other; SQLite has one node.
   */
  async claim(limit: number, now: number, leaseUntil: number, busy: readonly string[]): Promise<QueuedDelivery[]> {
    const db = this.#db;
    const due = db('webhook_queue')
      .select('id')
      .where('next_attempt_at', '<=', now)
      .whereIn('endpoint_id', db('webhook_endpoints').select('id').where({ enabled: true }))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (busy.length) due.whereNotIn('endpoint_id', [...busy]);
    if (this.#postgres) due.forUpdate().skipLocked();
    const rows = await db('webhook_queue')
      .whereIn('id', due)
      .where('next_attempt_at', '<=', now)
      .update({ next_attempt_at: leaseUntil })
      .returning<QueueRow[]>(['id', 'endpoint_id', 'event_id', 'event_type', 'body', 'attempts', 'created_at']);
    return rows.map(toDelivery);
  }

  /** Puts claimed rows back, due at once, without counting an attempt (the node is stopping). */
  async release(ids: readonly number[], now = Date.now()): Promise<void> {
    if (ids.length) await this.#db('webhook_queue').whereIn('id', [...ids]).update({ next_attempt_at: now });
  }

  /** Records an attempt: the row leaves the queue when delivered or failed, else waits until `retryAt`. */
  async record(delivery: QueuedDelivery, attempt: Attempt, retryAt: number | undefined, now = Date.now()): Promise<void> {
    await this.#db.transaction(async (trx) => {
      if (attempt.outcome === 'retrying') {
        await trx('webhook_queue')
          .where({ id: delivery.id })
          .update({ attempts: delivery.attempts + 1, next_attempt_at: retryAt, last_status: attempt.status ?? null, last_error: attempt.error ?? null });
      } else {
        await trx('webhook_queue').where({ id: delivery.id }).delete();
      }
      await trx('webhook_deliveries').insert({
        endpoint_id: delivery.endpointId,
        event_id: delivery.eventId,
        event_type: delivery.type,
        attempt: delivery.attempts + 1,
        outcome: attempt.outcome,
        status: attempt.status ?? null,
        error: attempt.error?.slice(0, 500) ?? null,
        duration_ms: Math.round(attempt.durationMs),
        at: now,
      });
      // The log keeps the newest webhookLogPerEndpoint attempts: whatever is older than the last of them goes.
      const oldestKept = trx('webhook_deliveries').select('id').where({ endpoint_id: delivery.endpointId }).orderBy('id', 'desc').offset(this.#logPerEndpoint - 1).limit(1);
      await trx('webhook_deliveries').where({ endpoint_id: delivery.endpointId }).where('id', '<', oldestKept).delete();
    });
  }

  /** How many deliveries wait (for tests and the operator). */
  async pending(endpointId?: string): Promise<number> {
    const query = this.#db('webhook_queue').count<{ n: number | string }[]>({ n: '*' });
    if (endpointId) query.where({ endpoint_id: endpointId });
    return Number((await query)[0]!.n);
  }
}
