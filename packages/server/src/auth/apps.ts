import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@roomchat/protocol';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import { applyModerationPatch, NO_MODERATION, withoutHookSecret, type ModerationPatch, type ModerationSettings } from '../moderation/settings.js';
import { MAX_RETENTION_DAYS } from '../retention.js';

/** Who may create rooms in an app: anyone (guests too), only verified users, or nobody over the client API. */
export type RoomCreation = 'anyone' | 'verified' | 'none';
export const ROOM_CREATION: readonly RoomCreation[] = ['anyone', 'verified', 'none'];

/**
 * An app's settings. Stored as JSON, so a later setting needs no migration: add it here with its
 * default. Its filters and pre-publish hook are in moderation/settings.ts.
 */
export interface AppSettings extends ModerationSettings {
  /** Whether visitors without a token may connect (as guests with a name of their choosing). */
  guestsAllowed: boolean;
  roomCreation: RoomCreation;
  /** Whether `POST /v1/rooms/:code/messages` accepts posts under any `name` without credentials. */
  anonymousRestPosting: boolean;
  /**
   * Days after which messages and their images are deleted (retention.ts); absent or null: kept
   * forever. A room may override it (`PUT /v1/rooms/:code/retention`).
   */
  retentionDays?: number | null;
  /** How many members' reports hide a message from members until a moderator decides (docs/moderation.md). */
  reportsToHide: number;
}

/** Settings of an app created with `apps create`: guests and rooms as before, anonymous REST posts off. */
export const NEW_APP_SETTINGS: AppSettings = { guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: false, reportsToHide: 3, ...NO_MODERATION };

/** An app (a tenant: one embedding site) as the server uses it. */
export interface App {
  id: string;
  name: string;
  /** The HS256 key of its tokens. Never logged: see {@link publicApp}. */
  secret: string;
  /** The origins its pages may be served from; undefined: the server's `corsOrigins`. */
  origins: string[] | undefined;
  /** Where its RS256/ES256 public keys are published, when it signs with a key pair. */
  jwksUrl: string | undefined;
  settings: AppSettings;
  createdAt: string;
}

interface AppRow {
  id: string;
  name: string;
  secret: string;
  origins: string | null;
  jwks_url: string | null;
  settings: string | null;
  created_at: number | string;
}

/** Ids of apps: short, URL-safe, and so safe in a header and in logs. */
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

function toApp(row: AppRow): App {
  return {
    id: row.id,
    name: row.name,
    secret: row.secret,
    origins: row.origins === null ? undefined : (JSON.parse(row.origins) as string[]),
    jwksUrl: row.jwks_url ?? undefined,
    settings: { ...NEW_APP_SETTINGS, ...(JSON.parse(row.settings ?? '{}') as Partial<AppSettings>) },
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** Whether the app's `roomCreation` setting lets this client (a verified user, or a guest) create rooms. */
export function mayCreateRooms(app: App, identity: unknown): boolean {
  const { roomCreation } = app.settings;
  return roomCreation === 'anyone' || (roomCreation === 'verified' && identity !== undefined);
}

/** An app without its secret (nor its hook's), for listings and logs. */
export function publicApp({ secret: _secret, ...rest }: App): Omit<App, 'secret'> {
  return { ...rest, settings: withoutHookSecret(rest.settings) };
}

/** A new app secret: 32 random bytes, base64url (an HS256 key of 256 bits, as RFC 7518 §3.2 asks). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Checks an origin as a browser sends it (`scheme://host[:port]`), so a typo fails at `apps create`, not at the first visit. */
export function checkOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`Not an origin: "${origin}" (expected e.g. https://shop.example)`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
    throw new Error(`Not an origin: "${origin}" (scheme and host only, e.g. https://shop.example, no path or trailing slash)`);
  }
  return origin;
}

export interface AppChanges {
  name?: string;
  origins?: string[];
  jwksUrl?: string | null;
  settings?: Partial<AppSettings>;
}

/**
 * The apps of this server's database: managed by the CLI, read by the server with a short cache
 * (`appsCacheMs`), so that a change made by `roomchat-server apps ...` in another process reaches
 * running servers without a restart.
 */
export class Apps {
  readonly #db: Database;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { app: Promise<App | undefined>; until: number }>();
  #allOrigins: { origins: Promise<Set<string>>; until: number } | undefined;

  constructor(db: Database, cacheMs = 0) {
    this.#db = db;
    this.#cacheMs = cacheMs;
  }

  /** The app with this id; AUTH_INVALID for an unknown or malformed one (the client named it). */
  async get(id: string): Promise<App> {
    const app = APP_ID.test(id) ? await this.find(id) : undefined;
    if (!app) throw new ChatError(ErrorCode.AUTH_INVALID, 'Unknown app');
    return app;
  }

  /** The app with this id, cached for `appsCacheMs`. */
  find(id: string): Promise<App | undefined> {
    const now = Date.now();
    const cached = this.#cache.get(id);
    if (cached && cached.until > now) return cached.app;
    const app = this.#db<AppRow>('apps')
      .where({ id })
      .first()
      .then((row) => row && toApp(row));
    // A failed read is not cached: the next request tries again.
    app.catch(() => this.#cache.delete(id));
    this.#cache.set(id, { app, until: now + this.#cacheMs });
    return app;
  }

  /** Every origin some app lists, for CORS headers: a preflight does not say which app it is for. */
  origins(): Promise<Set<string>> {
    const now = Date.now();
    if (this.#allOrigins && this.#allOrigins.until > now) return this.#allOrigins.origins;
    const origins = this.#db<AppRow>('apps')
      .whereNotNull('origins')
      .select('origins')
      .then((rows) => new Set(rows.flatMap((r) => JSON.parse(r.origins!) as string[])));
    origins.catch(() => (this.#allOrigins = undefined));
    this.#allOrigins = { origins, until: now + this.#cacheMs };
    return origins;
  }

  async list(): Promise<App[]> {
    return (await this.#db<AppRow>('apps').orderBy('created_at').select()).map(toApp);
  }

  async create(name: string, origins: string[], settings: Partial<AppSettings> = {}, jwksUrl?: string): Promise<App> {
    if (settings.retentionDays != null) checkRetentionDays(settings.retentionDays);
    const row: AppRow = {
      id: `app_${randomBytes(9).toString('base64url')}`,
      name,
      secret: newSecret(),
      origins: JSON.stringify(origins.map(checkOrigin)),
      jwks_url: jwksUrl === undefined ? null : checkJwksUrl(jwksUrl),
      settings: JSON.stringify({ ...NEW_APP_SETTINGS, ...settings }),
      created_at: Date.now(),
    };
    await this.#db('apps').insert(row);
    return toApp(row);
  }

  async update(id: string, changes: AppChanges): Promise<App> {
    const app = await this.#require(id);
    const update: Partial<AppRow> = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.origins !== undefined) update.origins = JSON.stringify(changes.origins.map(checkOrigin));
    if (changes.jwksUrl !== undefined) update.jwks_url = changes.jwksUrl === null ? null : checkJwksUrl(changes.jwksUrl);
    if (changes.settings) {
      if (changes.settings.retentionDays != null) checkRetentionDays(changes.settings.retentionDays);
      update.settings = JSON.stringify({ ...app.settings, ...changes.settings });
    }
    if (Object.keys(update).length) await this.#db('apps').where({ id }).update(update);
    this.#cache.delete(id);
    return this.#require(id);
  }

  /** Changes the app's filters and hook (a patch checked by moderationPatchSchema); a first hook URL gets a secret. */
  async setModeration(id: string, patch: ModerationPatch): Promise<App> {
    const app = await this.#require(id);
    return this.update(id, { settings: applyModerationPatch(app.settings, patch) });
  }

  /** Gives the app a new secret; tokens signed with the old one are AUTH_INVALID from then on. */
  async rotateSecret(id: string): Promise<App> {
    await this.#require(id);
    await this.#db('apps').where({ id }).update({ secret: newSecret() });
    this.#cache.delete(id);
    return this.#require(id);
  }

  /** Deletes an app that has no rooms left; the default app stays. */
  async delete(id: string): Promise<void> {
    await this.#require(id);
    if (id === 'default') throw new Error('The default app cannot be deleted');
    const rooms = await this.#db('rooms').where({ app_id: id }).count<{ n: number | string }[]>({ n: '*' });
    if (Number(rooms[0]!.n) > 0) throw new Error(`App ${id} still has ${rooms[0]!.n} rooms; it is kept`);
    await this.#db('apps').where({ id }).delete();
    this.#cache.delete(id);
  }

  async #require(id: string): Promise<App> {
    const row = await this.#db<AppRow>('apps').where({ id }).first();
    if (!row) throw new Error(`No app has the id "${id}"`);
    return toApp(row);
  }
}

function checkJwksUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`A JWKS URL is http or https: "${url}"`);
  return url;
}

/** A retention period in whole days, 1 to MAX_RETENTION_DAYS (keeping forever is no period at all). */
export function checkRetentionDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) throw new Error(`A retention period is a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${days}`);
  return days;
}
