import type { Logger } from 'pino';
import { sign, SIGNATURE_HEADER } from '../signing.js';
import { post } from './delivery.js';
import type { WebhookEndpoint, WebhookEndpoints } from './endpoints.js';
import type { QueuedDelivery, WebhookQueue } from './queue.js';

export interface WorkerSettings {
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookMaxAgeMs: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  webhookConcurrency: number;
  webhookConcurrencyPerEndpoint: number;
  webhookPollMs: number;
  webhookAllowPrivateAddresses: boolean;
}

/** The delay before retry number `attempt` (1 for the first retry): doubling, capped, with jitter (half to all of it). */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full / 2 + (full / 2) * random);
}

/** A lease outlives the delivery's timeout by this much, so only a node that died loses its rows to another. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Makes the queue's deliveries: claims what is due (every `webhookPollMs`, and at once when this
 * node enqueues or a slot frees), at most `webhookConcurrency` at a time and
 * `webhookConcurrencyPerEndpoint` per endpoint. Claims go endpoint by endpoint, and an endpoint at
 * its bound is left out, so a slow or dead one waits on its own slots, and its backlog is never
 * read, while the others go on.
 */
export class WebhookWorker {
  readonly #queue: WebhookQueue;
  readonly #endpoints: WebhookEndpoints;
  readonly #settings: WorkerSettings;
  readonly #log: Logger;
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #perEndpoint = new Map<string, number>();
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;
  /** The endpoint claimed for last: the next look starts after it, so endpoints take turns. */
  #lastServed = '';
  /** Set by close: no more claims. */
  #closing = false;

  constructor(queue: WebhookQueue, endpoints: WebhookEndpoints, settings: WorkerSettings, log: Logger) {
    this.#queue = queue;
    this.#endpoints = endpoints;
    this.#settings = settings;
    this.#log = log;
  }

  start(): void {
    this.wake();
  }

  /** Looks for due deliveries now (new ones were queued, or a slot freed). */
  wake(): void {
    if (this.#closing) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = undefined;
      if (this.#closing) return;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#timer = setTimeout(() => this.wake(), this.#settings.webhookPollMs);
        this.#timer.unref();
      }
    });
  }

  /**
   * Stops claiming, waits up to `timeoutMs` for the deliveries under way, then aborts the rest and
   * puts their rows back in the queue unattempted, for the next start (or another node).
   */
  async close(timeoutMs: number): Promise<void> {
    clearTimeout(this.#timer);
    this.#closing = true;
    await this.#ticking;
    const running = () => Promise.allSettled([...this.#inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    // Aborting first would cut deliveries short; the abort only comes after the grace period.
    await Promise.race([running(), deadline]);
    clearTimeout(timer);
    this.#stop.abort();
    await running();
  }

  async #tick(): Promise<void> {
    let free = this.#settings.webhookConcurrency - this.#inFlight.size;
    if (free <= 0) return;
    const perEndpoint = this.#settings.webhookConcurrencyPerEndpoint;
    const busy = [...this.#perEndpoint].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
    const now = Date.now();
    const lease = now + this.#settings.webhookTimeoutMs + LEASE_MARGIN_MS;
    try {
      const asked = free;
      const due = await this.#queue.dueEndpoints(now, busy, asked, this.#lastServed);
      for (const endpointId of due) {
        const slots = Math.min(free, perEndpoint - (this.#perEndpoint.get(endpointId) ?? 0));
        if (slots <= 0) continue;
        const claimed = await this.#queue.claim(endpointId, slots, now, lease);
        this.#lastServed = endpointId;
        if (!claimed.length) continue;
        const endpoint = (await this.#endpoints.byIds([endpointId])).get(endpointId);
        if (!endpoint) {
          await this.#queue.release(claimed.map((d) => d.id));
          continue;
        }
        for (const delivery of claimed) this.#start(delivery, endpoint);
        free -= claimed.length;
      }
      // As many endpoints were due as asked for: others may be waiting, and slots are left.
      if (due.length === asked && free > 0) this.#again = true;
    } catch (err) {
      this.#log.warn({ err }, 'webhooks: could not claim deliveries; trying again later');
    }
  }

  #start(delivery: QueuedDelivery, endpoint: WebhookEndpoint): void {
    this.#perEndpoint.set(delivery.endpointId, (this.#perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    const work = this.#deliver(delivery, endpoint.url, endpoint.secret).finally(() => {
      this.#inFlight.delete(delivery.id);
      const left = (this.#perEndpoint.get(delivery.endpointId) ?? 1) - 1;
      if (left > 0) this.#perEndpoint.set(delivery.endpointId, left);
      else this.#perEndpoint.delete(delivery.endpointId);
      this.wake();
    });
    this.#inFlight.set(delivery.id, work);
  }

  async #deliver(delivery: QueuedDelivery, url: string, secret: string): Promise<void> {
    const started = performance.now();
    const { status, error } = await post(url, delivery.body, {
      headers: {
        [SIGNATURE_HEADER]: sign(secret, delivery.body, Date.now()),
        'Roomchat-Event-Id': delivery.eventId,
        'Roomchat-Event-Type': delivery.type,
        'Roomchat-Delivery-Attempt': String(delivery.attempts + 1),
      },
      timeoutMs: this.#settings.webhookTimeoutMs,
      allowPrivateAddresses: this.#settings.webhookAllowPrivateAddresses,
      signal: this.#stop.signal,
    });
    const durationMs = performance.now() - started;
    try {
      if (this.#stop.signal.aborted && error !== undefined) {
        // Cut short by shutdown: not the receiver's failure, so not an attempt.
        await this.#queue.release([delivery.id]);
        return;
      }
      if (error === undefined) {
        await this.#queue.record(delivery, { outcome: 'delivered', status, error, durationMs }, undefined);
        return;
      }
      const attempts = delivery.attempts + 1;
      const retryAt = Date.now() + retryDelay(attempts, this.#settings.webhookRetryBaseMs, this.#settings.webhookRetryMaxMs);
      const givenUp = attempts >= this.#settings.webhookMaxAttempts || retryAt - delivery.createdAt > this.#settings.webhookMaxAgeMs;
      await this.#queue.record(delivery, { outcome: givenUp ? 'failed' : 'retrying', status, error, durationMs }, givenUp ? undefined : retryAt);
      if (givenUp) this.#log.warn({ endpoint: delivery.endpointId, event: delivery.eventId, attempts, error }, 'webhooks: delivery failed for good');
    } catch (err) {
      // The row keeps its lease and is tried again when it expires: at least once, perhaps twice.
      this.#log.error({ err, delivery: delivery.id }, 'webhooks: could not record an attempt');
    }
  }
}
