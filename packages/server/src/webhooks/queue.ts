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
  /** Log rows written per endpoint since this node last pruned its log. */
  readonly #sincePrune = new Map<string, number>();

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
   * Enabled endpoints with a delivery due at `now`, not among `busy`, at most `limit`: one index
   * probe per endpoint (webhook_queue_endpoint_due_index), however long another's backlog is.
   * Those after `after` come first, so that endpoints take turns when there are more than slots.
   */
  async dueEndpoints(now: number, busy: readonly string[], limit: number, after = ''): Promise<string[]> {
    const db = this.#db;
    const query = db('webhook_endpoints as e')
      .select('e.id')
      .where('e.enabled', true)
      .whereExists(db('webhook_queue as q').select(db.raw('1')).whereRaw('q.endpoint_id = e.id').where('q.next_attempt_at', '<=', now))
      .orderByRaw('case when e.id > ? then 0 else 1 end, e.id', [after])
      .limit(limit);
    if (busy.length) query.whereNotIn('e.id', [...busy]);
    return (await query).map((row: { id: string }) => row.id);
  }

  /**
   * Claims up to `limit` of the endpoint's deliveries due at `now` and leases them until
   * `leaseUntil`, in one statement. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets the workers of
   * several nodes claim at once without taking the same row or waiting on each other; SQLite has
   * one node (and one writer at a time).
   */
  async claim(endpointId: string, limit: number, now: number, leaseUntil: number): Promise<QueuedDelivery[]> {
    const db = this.#db;
    const due = db('webhook_queue').select('id').where({ endpoint_id: endpointId }).where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit);
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

  /**
   * Records an attempt: the row leaves the queue when delivered or failed, else waits until
   * `retryAt`; the attempt goes to the log. Separate statements, not one transaction: on SQLite a
   * transaction held across awaits keeps the file's write lock from the message writer, whose
   * batches then wait on a timer (sqlite-message-writer.ts). The queue row is what counts; a crash
   * between the two statements loses at most one line of the log.
   */
  async record(delivery: QueuedDelivery, attempt: Attempt, retryAt: number | undefined, now = Date.now()): Promise<void> {
    const db = this.#db;
    const changed =
      attempt.outcome === 'retrying'
        ? await db('webhook_queue')
            .where({ id: delivery.id })
            .update({ attempts: delivery.attempts + 1, next_attempt_at: retryAt, last_status: attempt.status ?? null, last_error: attempt.error?.slice(0, 500) ?? null })
        : await db('webhook_queue').where({ id: delivery.id }).delete();
    // The row is gone: its endpoint was removed meanwhile, and with it its log.
    if (changed === 0) return;
    await db('webhook_deliveries').insert({
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
    // The log keeps the newest webhookLogPerEndpoint attempts: whatever is older than the last of
    // them goes, checked every tenth of that many writes (so it may briefly hold a tenth more).
    const written = (this.#sincePrune.get(delivery.endpointId) ?? 0) + 1;
    if (written < Math.max(1, Math.floor(this.#logPerEndpoint / 10))) {
      this.#sincePrune.set(delivery.endpointId, written);
      return;
    }
    this.#sincePrune.delete(delivery.endpointId);
    const oldestKept = db('webhook_deliveries').select('id').where({ endpoint_id: delivery.endpointId }).orderBy('id', 'desc').offset(this.#logPerEndpoint - 1).limit(1);
    await db('webhook_deliveries').where({ endpoint_id: delivery.endpointId }).where('id', '<', oldestKept).delete();
  }

  /** How many deliveries wait (for tests and the operator). */
  async pending(endpointId?: string): Promise<number> {
    const query = this.#db('webhook_queue').count<{ n: number | string }[]>({ n: '*' });
    if (endpointId) query.where({ endpoint_id: endpointId });
    return Number((await query)[0]!.n);
  }
}
