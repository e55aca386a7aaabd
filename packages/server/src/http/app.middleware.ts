import type { Context, Middleware } from 'koa';
import { APP_HEADER, ErrorCode } from '@roomchat/protocol';
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
export function identifyRequests(apps: Apps, limits: TokenLimits): Middleware {
  return async (ctx, next) => {
    const app = await apps.get(ctx.get(APP_HEADER) || DEFAULT_APP_ID);
    // Only the REST API's bearer is a user's token; elsewhere (GET /metrics) it is the operator's.
    const authorization = ctx.path.startsWith(API_PREFIX) ? ctx.get('Authorization') : '';
    let identity: Identity | undefined;
    if (authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token) throw new ChatError(ErrorCode.AUTH_INVALID, 'Authorization is "Bearer <token>"');
      identity = await verifyToken(app, token, limits);
    }
    Object.assign(ctx.state, { app, identity } satisfies RequestState);
    await next();
  };
}

/** Refuses a guest (a request without a token) where the app admits no guests: AUTH_REQUIRED. */
export function requireGuestsOrUser({ app, identity }: RequestState): void {
  if (!identity && !app.settings.guestsAllowed) throw new ChatError(ErrorCode.AUTH_REQUIRED, 'This app admits signed-in users only: send Authorization: Bearer <token>');
}
