import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@roomchat/protocol';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import { isPrivateHost } from './addresses.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events.js';

/** An app's webhook endpoint. The secret signs every delivery (signing.ts); shown only when created. */
export interface WebhookEndpoint {
  id: string;
  appId: string;
  url: string;
  secret: string;
  /** The event types it gets; empty: every type. */
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
}

/** One attempt at a delivery, as the log keeps it. */
export interface WebhookDelivery {
  eventId: string;
  type: string;
  attempt: number;
  /** delivered; retrying (another attempt is scheduled); failed (given up). */
  outcome: 'delivered' | 'retrying' | 'failed';
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

interface EndpointRow {
  id: string;
  app_id: string;
  url: string;
  secret: string;
  events: string;
  enabled: boolean | number;
  created_at: number | string;
}

const URL_MAX_LENGTH = 2048;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    appId: row.app_id,
    url: row.url,
    secret: row.secret,
    events: JSON.parse(row.events) as WebhookEventType[],
    enabled: Boolean(row.enabled),
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** An endpoint without its secret, for listings. */
export function publicEndpoint({ secret: _secret, ...rest }: WebhookEndpoint): Omit<WebhookEndpoint, 'secret'> {
  return rest;
}

/** Whether an endpoint wants events of `type` (a ping goes to whichever endpoint it is sent to). */
export function wants(endpoint: WebhookEndpoint, type: WebhookEventType): boolean {
  return endpoint.enabled && (endpoint.events.length === 0 || endpoint.events.includes(type as never));
}

export interface EndpointRules {
  endpointsPerApp: number;
  allowPrivateAddresses: boolean;
}

export interface NewEndpoint {
  url: string;
  events?: readonly string[] | undefined;
  enabled?: boolean | undefined;
}

/**
 * The apps' webhook endpoints, with a short per-app cache (`appsCacheMs`), so that the send path
 * knows without a query whether an app has any: most have none, and then an event costs nothing.
 */
export class WebhookEndpoints {
  readonly #db: Database;
  readonly #rules: EndpointRules;
  readonly #cacheMs: number;
  readonly #byId = new Map<string, { endpoint: WebhookEndpoint; until: number }>();
  readonly #cache = new Map<string, { endpoints: WebhookEndpoint[] | undefined; loading: Promise<WebhookEndpoint[]>; until: number }>();

  constructor(db: Database, rules: EndpointRules, cacheMs: number) {
    this.#db = db;
    this.#rules = rules;
    this.#cacheMs = cacheMs;
  }

  /** The app's endpoints as last read, if that was within the cache's time; undefined otherwise. */
  cached(appId: string): WebhookEndpoint[] | undefined {
    const entry = this.#cache.get(appId);
    return entry && entry.until > Date.now() ? entry.endpoints : undefined;
  }

  /** The app's endpoints, from the cache or read again. */
  forApp(appId: string): Promise<WebhookEndpoint[]> {
    const entry = this.#cache.get(appId);
    if (entry && entry.until > Date.now()) return entry.loading;
    const fresh = { endpoints: undefined as WebhookEndpoint[] | undefined, loading: this.list(appId), until: Date.now() + this.#cacheMs };
    fresh.loading.then(
      (endpoints) => (fresh.endpoints = endpoints),
      () => this.#cache.delete(appId),
    );
    this.#cache.set(appId, fresh);
    return fresh.loading;
  }

  async list(appId: string): Promise<WebhookEndpoint[]> {
    return (await this.#db<EndpointRow>('webhook_endpoints').where({ app_id: appId }).orderBy('created_at').select()).map(toEndpoint);
  }

  /** The endpoint, if it is the app's; NOT_FOUND otherwise (another app's is as unknown as none). */
  async get(appId: string, id: string): Promise<WebhookEndpoint> {
    const row = await this.#db<EndpointRow>('webhook_endpoints').where({ id, app_id: appId }).first();
    if (!row) throw new ChatError(ErrorCode.NOT_FOUND, 'No webhook endpoint of this app has that id');
    return toEndpoint(row);
  }

  /**
   * Endpoints by id, whichever app they belong to: the delivery worker's lookup, kept for the
   * cache's time like the per-app lists, so a delivery costs no query for its endpoint.
   */
  async byIds(ids: readonly string[]): Promise<Map<string, WebhookEndpoint>> {
    const now = Date.now();
    const found = new Map<string, WebhookEndpoint>();
    const missing = ids.filter((id) => {
      const cached = this.#byId.get(id);
      if (cached && cached.until > now) found.set(id, cached.endpoint);
      return !found.has(id);
    });
    if (missing.length) {
      for (const row of await this.#db<EndpointRow>('webhook_endpoints').whereIn('id', missing).select()) {
        const endpoint = toEndpoint(row);
        found.set(row.id, endpoint);
        this.#byId.set(row.id, { endpoint, until: now + this.#cacheMs });
      }
    }
    return found;
  }

  async create(appId: string, { url, events = [], enabled = true }: NewEndpoint): Promise<WebhookEndpoint> {
    const types = checkEvents(events);
    const existing = await this.#db('webhook_endpoints').where({ app_id: appId }).count<{ n: number | string }[]>({ n: '*' });
    if (Number(existing[0]!.n) >= this.#rules.endpointsPerApp) {
      throw new ChatError(ErrorCode.INVALID_PAYLOAD, `An app may have ${this.#rules.endpointsPerApp} webhook endpoints (webhookEndpointsPerApp); remove one first`);
    }
    const row: EndpointRow = {
      id: `whk_${randomBytes(12).toString('base64url')}`,
      app_id: appId,
      url: checkUrl(url, this.#rules.allowPrivateAddresses),
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      events: JSON.stringify(types),
      enabled,
      created_at: Date.now(),
    };
    await this.#db('webhook_endpoints').insert(row);
    this.#cache.delete(appId);
    return toEndpoint(row);
  }

  async setEnabled(appId: string, id: string, enabled: boolean): Promise<WebhookEndpoint> {
    await this.get(appId, id);
    await this.#db('webhook_endpoints').where({ id, app_id: appId }).update({ enabled });
    this.#cache.delete(appId);
    this.#byId.delete(id);
    return this.get(appId, id);
  }

  /** Deletes the endpoint with its queue and log. */
  async remove(appId: string, id: string): Promise<void> {
    await this.get(appId, id);
    // Explicitly, not only by the foreign keys' cascade: SQLite enforces those only when told to.
    await this.#db.transaction(async (trx) => {
      await trx('webhook_queue').where({ endpoint_id: id }).delete();
      await trx('webhook_deliveries').where({ endpoint_id: id }).delete();
      await trx('webhook_endpoints').where({ id, app_id: appId }).delete();
    });
    this.#cache.delete(appId);
    this.#byId.delete(id);
  }

  /** The endpoint's most recent attempts, newest first. */
  async deliveries(appId: string, id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.get(appId, id);
    const rows = await this.#db('webhook_deliveries').where({ endpoint_id: id }).orderBy('id', 'desc').limit(limit).select();
    return rows.map((row) => ({
      eventId: row.event_id,
      type: row.event_type,
      attempt: Number(row.attempt),
      outcome: row.outcome,
      status: row.status === null ? null : Number(row.status),
      error: row.error,
      durationMs: Number(row.duration_ms),
      at: new Date(Number(row.at)).toISOString(),
    }));
  }
}

/** An http(s) URL, without credentials; a private host only where allowed (checked again after DNS on each delivery). */
export function checkUrl(url: string, allowPrivateAddresses: boolean): string {
  const invalid = (why: string) => new ChatError(ErrorCode.INVALID_PAYLOAD, `Not a webhook URL: ${why}`);
  if (typeof url !== 'string' || url.length > URL_MAX_LENGTH) throw invalid(`a URL of at most ${URL_MAX_LENGTH} characters is expected`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('it does not parse (expected e.g. https://example.com/roomchat-events)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('the scheme must be http or https');
  if (parsed.username || parsed.password) throw invalid('credentials in the URL would be stored and logged: use the signature to authenticate');
  if (!allowPrivateAddresses && isPrivateHost(parsed.hostname)) throw invalid('private and loopback addresses are refused (webhookAllowPrivateAddresses is off)');
  return parsed.href;
}

function checkEvents(events: readonly string[]): WebhookEventType[] {
  const unknown = events.filter((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) throw new ChatError(ErrorCode.INVALID_PAYLOAD, `Unknown event type ${unknown.map((e) => JSON.stringify(e)).join(', ')}: one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  return [...new Set(events)] as WebhookEventType[];
}
