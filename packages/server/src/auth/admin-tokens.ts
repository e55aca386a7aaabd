import { randomBytes } from 'node:crypto';
import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import { ErrorCode } from '@roomchat/protocol';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';

/** The row of server_secrets that holds the admin signing key. */
const SECRET_NAME = 'admin-token-key';
/** The audience that tells an admin token from a user's (which an app signs, with no such audience). */
export const ADMIN_AUDIENCE = 'roomchat-admin';
const ISSUER = 'roomchat-server';

/** What an admin token grants: every app (`app` undefined, a server admin), or one app's. */
export interface AdminGrant {
  app: string | undefined;
}

/**
 * Admin tokens for /admin and the admin API (docs/admin.md): HS256 JWTs signed with a key that
 * the server generates once and keeps in server_secrets (shared by every node, never logged),
 * printed by `roomchat-server admin token`. Rotating the row's value revokes every token.
 */
export class AdminTokens {
  #key: Uint8Array | undefined;

  /** Takes the stored key, generating and storing it on first use (race-safe, like ImageUrls). */
  async load(db: Database): Promise<void> {
    await db('server_secrets')
      .insert({ name: SECRET_NAME, value: randomBytes(32).toString('base64url'), created_at: Date.now() })
      .onConflict('name')
      .ignore();
    const row = await db('server_secrets').where({ name: SECRET_NAME }).first('value');
    this.#key = new TextEncoder().encode(String(row.value));
  }

  /** A token for every app (no `app`) or for one, valid for `ttlMs`. */
  issue(grant: AdminGrant, ttlMs: number, now = Date.now()): Promise<string> {
    const claims = grant.app === undefined ? {} : { app: grant.app };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(ADMIN_AUDIENCE)
      .setSubject('admin')
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor((now + ttlMs) / 1000))
      .sign(this.#requireKey());
  }

  /** Whether `token` claims to be an admin token (unverified: only to pick how to verify it). */
  static claimsAdmin(token: string): boolean {
    try {
      const { aud } = decodeJwt(token);
      return aud === ADMIN_AUDIENCE || (Array.isArray(aud) && aud.includes(ADMIN_AUDIENCE));
    } catch {
      return false;
    }
  }

  /** The grant of a valid admin token: AUTH_EXPIRED past its time, AUTH_INVALID when forged or malformed. */
  async verify(token: string): Promise<AdminGrant> {
    try {
      const { payload } = await jwtVerify(token, this.#requireKey(), { algorithms: ['HS256'], issuer: ISSUER, audience: ADMIN_AUDIENCE, requiredClaims: ['exp'] });
      const app = payload.app;
      if (app !== undefined && (typeof app !== 'string' || !app)) throw new ChatError(ErrorCode.AUTH_INVALID, 'The admin token names no valid app');
      return { app };
    } catch (error) {
      if (error instanceof ChatError) throw error;
      if (error instanceof errors.JWTExpired) throw new ChatError(ErrorCode.AUTH_EXPIRED, 'The admin token has expired: print a new one with `roomchat-server admin token`');
      throw new ChatError(ErrorCode.AUTH_INVALID, 'Not an admin token of this server');
    }
  }

  #requireKey(): Uint8Array {
    if (!this.#key) throw new Error('AdminTokens.load() was not called');
    return this.#key;
  }
}

/** Parses a duration such as `90m`, `12h`, `7d` (or plain milliseconds) for the CLI's --ttl. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
