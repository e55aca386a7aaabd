import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError } from '../errors.js';
import type { App } from './apps.js';
import { RESERVED_SUB_PREFIX } from './members.js';

/** A user the host site vouched for with a signed token. */
export interface Identity {
  /** The user's id in the host's system (`sub`). */
  sub: string;
  name: string;
  /** An http(s) avatar URL (`picture`). */
  picture: string | undefined;
  /** The host's roles for the user, kept for moderation. */
  roles: string[];
  /** When the token expires (`exp`), in ms since the epoch. */
  expiresAt: number;
}

export interface TokenLimits {
  tokenMaxLifetimeMs: number;
  tokenClockToleranceMs: number;
  nameMaxLength: number;
}

/** Algorithms a key pair published at the app's JWKS URL may sign with. */
const KEY_PAIR_ALGORITHMS = ['RS256', 'ES256'];
const SUB_MAX_LENGTH = 255;
const PICTURE_MAX_LENGTH = 2048;
const ROLES_MAX = 32;

/** One JWKS fetcher per URL: jose's caches the keys and refetches on an unknown `kid` (with a cooldown). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySetAt(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) keySets.set(url, (set = createRemoteJWKSet(new URL(url))));
  return set;
}

const invalid = (message: string) => new ChatError(ErrorCode.AUTH_INVALID, message);

/**
 * Verifies a host's identity token for `app` with jose: HS256 with the app's secret, or RS256 and
 * ES256 with the keys at the app's JWKS URL. Only those algorithms are accepted (never `none`),
 * `exp` is required and at most `tokenMaxLifetimeMs` away. AUTH_EXPIRED for an expired token,
 * AUTH_INVALID for everything else, with a message that says what to fix.
 */
export async function verifyToken(app: App, token: string, limits: TokenLimits): Promise<Identity> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw invalid('The token is not a JWT');
  }
  const pair = alg !== undefined && KEY_PAIR_ALGORITHMS.includes(alg);
  if (alg !== 'HS256' && !(pair && app.jwksUrl)) {
    throw invalid(`Tokens of this app are signed with HS256${app.jwksUrl ? ', RS256 or ES256' : ''}, not ${alg ?? 'nothing'}`);
  }
  const options = { algorithms: [alg!], requiredClaims: ['exp', 'sub'], clockTolerance: Math.round(limits.tokenClockToleranceMs / 1000) };
  let payload: JWTPayload;
  try {
    ({ payload } = pair
      ? await jwtVerify(token, keySetAt(app.jwksUrl!), options)
      : await jwtVerify(token, new TextEncoder().encode(app.secret), options));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new ChatError(ErrorCode.AUTH_EXPIRED, 'The token has expired');
    if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && pair)) {
      throw new ChatError(ErrorCode.UNAVAILABLE, "The app's JWKS URL could not be read; try again shortly", { cause: error });
    }
    if (error instanceof errors.JWTClaimValidationFailed) throw invalid(`The token's ${error.claim} claim is missing or invalid`);
    throw invalid('The token signature is not valid for this app');
  }
  return identityOf(payload, limits);
}

function identityOf(payload: JWTPayload, limits: TokenLimits): Identity {
  const expiresAt = payload.exp! * 1000;
  if (expiresAt - Date.now() > limits.tokenMaxLifetimeMs) {
    throw invalid(`The token lives longer than this server allows (${Math.round(limits.tokenMaxLifetimeMs / 1000)} s); sign shorter ones and refresh`);
  }
  const { sub, name, picture, roles } = payload as JWTPayload & { name?: unknown; picture?: unknown; roles?: unknown };
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUB_MAX_LENGTH) throw invalid(`The token's sub is 1 to ${SUB_MAX_LENGTH} characters`);
  if (sub.startsWith(RESERVED_SUB_PREFIX)) throw invalid(`A sub starting with "${RESERVED_SUB_PREFIX}" is the server's own`);
  if (typeof name !== 'string' || name.trim().length === 0) throw invalid("The token's name claim is missing");
  const shownName = [...name.trim()].slice(0, limits.nameMaxLength).join('');
  if (picture !== undefined && !isWebUrl(picture)) throw invalid("The token's picture is not an http or https URL");
  if (roles !== undefined && !(Array.isArray(roles) && roles.length <= ROLES_MAX && roles.every((r) => typeof r === 'string' && r.length <= 64))) {
    throw invalid(`The token's roles are at most ${ROLES_MAX} strings`);
  }
  return { sub, name: shownName, picture: picture as string | undefined, roles: (roles as string[] | undefined) ?? [], expiresAt };
}

function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > PICTURE_MAX_LENGTH) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
