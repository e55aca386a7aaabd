import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode } from '@roomchat/protocol';
import { AdminTokens } from '../auth/admin-tokens.js';
import type { App, Apps } from '../auth/apps.js';
import { verifyToken, type Identity, type TokenLimits } from '../auth/tokens.js';
import { ChatError } from '../errors.js';
import { DEFAULT_APP_ID } from '../rooms.js';

const API_PREFIX = '/v1/';

/** What a request carries once `identifyRequests` has run. */
export interface RequestState {
  app: App;
  /** The user of `Authorization: Bearer <token>`, when one was given. */
  identity: Identity | undefined;
  /** Whether the request is the app's own backend: `Authorization: Roomchat-Secret <the app's secret>`. */
  asApp: boolean;
  /** Set for an admin token (docs/admin.md): `server` when it grants every app, not just this one. */
  admin?: { server: boolean };
}

/** The app and user of a request, as set by {@link identifyRequests}. */
export function requestState(ctx: Context): RequestState {
  return ctx.state as RequestState;
}

/**
 * Finds the request's app (the `Roomchat-App` header; the default app without it) and, given
 * `Authorization: Bearer <token>` on a REST API path (`/v1/...`), its verified user, by the same
 * rules as a socket's handshake.
 * An unknown app or a bad token is refused here, before any route reads a body.
 */
export function identifyRequests(apps: Apps, limits: TokenLimits, adminTokens?: AdminTokens): Middleware {
  return async (ctx, next) => {
    // Only the REST API's bearer is a user's token; elsewhere (GET /metrics) it is the operator's.
    const authorization = ctx.path.startsWith(API_PREFIX) ? ctx.get('Authorization') : '';
    const [, scheme, credential] = /^(\S+)\s+(\S+)$/.exec(authorization) ?? [];
    // An admin token (its audience says so) acts as the app's backend: a server admin's for the app
    // the header names, an app admin's for its own app only.
    if (adminTokens && scheme?.toLowerCase() === 'bearer' && AdminTokens.claimsAdmin(credential!)) {
      const grant = await adminTokens.verify(credential!);
      const named = ctx.get(APP_HEADER);
      if (grant.app !== undefined && named && named !== grant.app) throw new ChatError(ErrorCode.FORBIDDEN, `This admin token is for the app ${grant.app} only`);
      const app = await apps.get(grant.app ?? (named || DEFAULT_APP_ID));
      Object.assign(ctx.state, { app, identity: undefined, asApp: true, admin: { server: grant.app === undefined } } satisfies RequestState);
      return next();
    }
    const app = await apps.get(ctx.get(APP_HEADER) || DEFAULT_APP_ID);
    let identity: Identity | undefined;
    let asApp = false;
    if (authorization && scheme?.toLowerCase() === APP_SECRET_SCHEME.toLowerCase()) {
      if (!sameSecret(credential!, app.secret)) throw new ChatError(ErrorCode.AUTH_INVALID, `Not this app's secret (the ${APP_HEADER} header names the app)`);
      asApp = true;
    } else if (authorization) {
      if (scheme?.toLowerCase() !== 'bearer') throw new ChatError(ErrorCode.AUTH_INVALID, `Authorization is "Bearer <user token>" or "${APP_SECRET_SCHEME} <app secret>"`);
      // A secret pasted where a user's token goes would fail as a malformed token; say what it is.
      if (sameSecret(credential!, app.secret)) throw new ChatError(ErrorCode.AUTH_INVALID, `That is the app secret: send it as "${APP_SECRET_SCHEME} <secret>", from your backend only`);
      identity = await verifyToken(app, credential!, limits);
    }
    Object.assign(ctx.state, { app, identity, asApp } satisfies RequestState);
    await next();
  };
}

/** Compares a credential with the app's secret in constant time, so the comparison leaks nothing of it. */
function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a request that is not the app's backend, for the server-to-server routes: AUTH_REQUIRED
 * without credentials, FORBIDDEN with a user's token (a user may not do what only the site may).
 */
export function requireApp({ asApp, identity }: RequestState): void {
  if (asApp) return;
  if (identity) throw new ChatError(ErrorCode.FORBIDDEN, `Only the app's backend may do this: send Authorization: ${APP_SECRET_SCHEME} <app secret>, not a user's token`);
  throw new ChatError(ErrorCode.AUTH_REQUIRED, `Send Authorization: ${APP_SECRET_SCHEME} <app secret> (from your backend)`);
}

/** Refuses a guest (a request without a token) where the app admits no guests: AUTH_REQUIRED. */
export function requireGuestsOrUser({ app, identity, asApp }: RequestState): void {
  if (!identity && !asApp && !app.settings.guestsAllowed) throw new ChatError(ErrorCode.AUTH_REQUIRED, 'This app admits signed-in users only: send Authorization: Bearer <token>');
}

/** Guards a router for the site's backend: every route needs the app secret (or an admin token). */
export const appOnly: Middleware = (ctx, next) => {
  requireApp(requestState(ctx));
  return next();
};
