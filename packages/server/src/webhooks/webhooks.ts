import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RoomEvent } from '../chat/events.js';
import type { ChatServerConfig } from '../config.js';
import type { Database } from '../db.js';
import type { RoomRecord } from '../rooms.js';
import { wants, WebhookEndpoints, type WebhookEndpoint } from './endpoints.js';
import { webhookEventOf, webhookRoom, type WebhookEvent } from './events.js';
import { WebhookQueue, type NewDelivery } from './queue.js';
import { WebhookWorker } from './worker.js';

/**
 * Webhooks of every app (docs/webhooks.md): a room-event subscriber that queues, in the database,
 * one delivery per event and endpoint that wants it, and the worker that delivers them.
 *
 * Queued on the node that committed the event: RoomEvents publishes each committed entry once,
 * on that node only (docs/decisions/0010-webhook-queue.md), so each endpoint gets it once even
 * with several nodes. Events of an app without endpoints (known from a cache) cost one map
 * lookup; the others are gathered and inserted once per turn of the event loop.
 */
export class Webhooks {
  readonly endpoints: WebhookEndpoints;
  readonly queue: WebhookQueue;
  readonly #worker: WebhookWorker;
  readonly #log: Logger;
  readonly #shutdownTimeoutMs: number;
  #batch: NewDelivery[] = [];
  readonly #writes = new Set<Promise<void>>();

  constructor(db: Database, config: ChatServerConfig, log: Logger) {
    this.#log = log;
    this.#shutdownTimeoutMs = config.shutdownTimeoutMs;
    this.endpoints = new WebhookEndpoints(db, { endpointsPerApp: config.webhookEndpointsPerApp, allowPrivateAddresses: config.webhookAllowPrivateAddresses }, config.appsCacheMs);
    this.queue = new WebhookQueue(db, config.webhookLogPerEndpoint);
    this.#worker = new WebhookWorker(this.queue, this.endpoints, config, log);
  }

  /** The RoomEvents subscriber: room events that are webhook events are queued. */
  readonly onRoomEvent = (event: RoomEvent): void => {
    if (event.type !== 'entry-appended' && event.type !== 'room-created' && event.type !== 'report-created') return;
    // The hot path: an app known to have no endpoints costs nothing more.
    if (this.endpoints.cached(event.room.appId)?.length === 0) return;
    const webhookEvent = webhookEventOf(event);
    if (webhookEvent) this.enqueue(webhookEvent);
  };

  /**
   * Queues `event` for each of its app's endpoints that wants it. Synchronous for the caller: the
   * insert happens in the background and shutdown waits for it.
   */
  enqueue(event: WebhookEvent): void {
    const known = this.endpoints.cached(event.appId);
    if (known) this.#gather(known, event);
    else this.#track(this.endpoints.forApp(event.appId).then((endpoints) => this.#gather(endpoints, event)));
  }

  /** Queues a `ping` for one endpoint (the API's test), whatever its event types; resolves with the event's id once queued. */
  async ping(endpoint: WebhookEndpoint): Promise<string> {
    const event: WebhookEvent = { id: `evt_ping_${randomBytes(9).toString('base64url')}`, type: 'ping', createdAt: new Date().toISOString(), appId: endpoint.appId, room: null, data: {} };
    await this.queue.add([{ endpointId: endpoint.id, eventId: event.id, type: event.type, body: JSON.stringify(event) }]);
    this.#worker.wake();
    return event.id;
  }

  /** Starts delivering (createChatServer's listen). */
  start(): void {
    this.#worker.start();
  }

  /** Writes what is gathered, then stops the worker: see WebhookWorker.close. */
  async close(): Promise<void> {
    await this.#settled();
    await this.#worker.close(this.#shutdownTimeoutMs);
  }

  #gather(endpoints: readonly WebhookEndpoint[], event: WebhookEvent): void {
    const targets = endpoints.filter((endpoint) => wants(endpoint, event.type));
    if (!targets.length) return;
    const body = JSON.stringify(event);
    if (!this.#batch.length) this.#track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flush()));
    for (const endpoint of targets) this.#batch.push({ endpointId: endpoint.id, eventId: event.id, type: event.type, body });
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    await this.queue.add(batch);
    this.#worker.wake();
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.#log.error({ err }, 'webhooks: could not queue events'));
    this.#writes.add(tracked);
    void tracked.finally(() => this.#writes.delete(tracked));
  }

  async #settled(): Promise<void> {
    while (this.#writes.size) await Promise.all([...this.#writes]);
  }
}
