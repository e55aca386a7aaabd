import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@roomchat/protocol';
import type { Database } from './db.js';
import { ChatError } from './errors.js';

/** The row of server_secrets that holds the generated key, when the operator sets none. */
const SECRET_NAME = 'image-url-key';

/**
 * Capability URLs for the images of private rooms (issue #22). An `<img>` cannot send a bearer
 * header, so the URL itself carries the right to fetch: `?exp=<unix seconds>&sig=<HMAC-SHA256 of
 * the path and exp>`, handed only to members (history, live events, upload answers), refused
 * after `exp`. Open rooms' images keep plain URLs. The key is `imageUrlSecret`, or one generated
 * once and stored in the database (every node shares it); it is never logged.
 */
export class ImageUrls {
  readonly #ttlMs: number;
  #key: Buffer | undefined;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** Takes the operator's secret, or the stored one, generating and storing it on first start (race-safe). */
  async load(db: Database, configured: string | undefined): Promise<void> {
    if (configured) {
      this.#key = Buffer.from(configured, 'utf8');
      return;
    }
    await db('server_secrets')
      .insert({ name: SECRET_NAME, value: randomBytes(32).toString('base64url'), created_at: Date.now() })
      .onConflict('name')
      .ignore();
    const row = await db('server_secrets').where({ name: SECRET_NAME }).first('value');
    this.#key = Buffer.from(String(row.value), 'utf8');
  }

  /**
   * `path` with a signature that expires between ttl and 1.25 ttl from now: rounded up to a
   * quarter of the ttl, so that a member who loads the room again soon gets the same URL (and
   * its browser's cached copy).
   */
  sign(path: string, now = Date.now()): string {
    const step = Math.max(1000, Math.floor(this.#ttlMs / 4));
    const exp = Math.ceil((now + this.#ttlMs) / step) * step;
    const seconds = Math.ceil(exp / 1000);
    return `${path}?exp=${seconds}&sig=${this.#mac(path, seconds)}`;
  }

  /** Checks a request for `path`: IMAGE_URL_EXPIRED without a valid signature or past `exp`. Returns the seconds left. */
  verify(path: string, exp: unknown, sig: unknown, now = Date.now()): number {
    const refused = (why: string) =>
      new ChatError(
        ErrorCode.IMAGE_URL_EXPIRED,
        `${why}: images of private rooms are served by the URLs the room hands its members; load the room again for fresh ones`,
      );
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) throw refused('No valid signature');
    const expected = Buffer.from(this.#mac(path, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused('No valid signature');
    const left = Number(exp) * 1000 - now;
    if (left <= 0) throw refused('The URL has expired');
    return Math.floor(left / 1000);
  }

  #mac(path: string, exp: number): string {
    if (!this.#key) throw new Error('ImageUrls.load() was not called');
    return createHmac('sha256', this.#key).update(`${path}\n${exp}`).digest('base64url');
  }
}
