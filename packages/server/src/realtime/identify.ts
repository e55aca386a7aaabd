import type { Logger } from 'pino';
import { ErrorCode, type ConnectErrorData, type HandshakeAuth } from '@roomchat/protocol';
import type { Apps } from '../auth/apps.js';
import { verifyToken, type TokenLimits } from '../auth/tokens.js';
import type { ChatServerConfig } from '../config.js';
import { ChatError, toChatError } from '../errors.js';
import { originAllowed } from '../http/origin.middleware.js';
import { DEFAULT_APP_ID } from '../rooms.js';
import type { ChatIo } from './socket-types.js';

/**
 * Decides who a connection is, before it may emit anything: its app (handshake `auth.app`,
 * default app when absent), whether the page's origin is one of that app's, and its user when
 * `auth.token` is given (verified with the app's keys, auth/tokens.ts). A refusal reaches the
 * client as `connect_error` with `data: { code, message }` (Socket.IO's middleware errors,
 * https://socket.io/docs/v4/middlewares/#handling-middleware-error), which socket.io-client does
 * not retry by itself: retrying the same credentials would fail the same way.
 */
export function identifyConnections(io: ChatIo, apps: Apps, config: ChatServerConfig, log: Logger): void {
  const limits: TokenLimits = config;
  io.use(async (socket, next) => {
    try {
      const { app: appId, token } = (socket.handshake.auth ?? {}) as HandshakeAuth;
      if ((appId !== undefined && typeof appId !== 'string') || (token !== undefined && typeof token !== 'string')) {
        throw new ChatError(ErrorCode.AUTH_INVALID, 'auth.app and auth.token are strings');
      }
      const app = await apps.get(appId ?? DEFAULT_APP_ID);
      const { origin, host } = socket.request.headers;
      // The same rule as for HTTP writes, so a page this server serves (the demo) connects too.
      if (!originAllowed(app.origins ?? config.corsOrigins, origin, { host: host ?? '' })) {
        throw new ChatError(ErrorCode.ORIGIN_NOT_ALLOWED, 'This origin may not connect to this app');
      }
      socket.data.app = app;
      if (token) socket.data.identity = await verifyToken(app, token, limits);
      else if (!app.settings.guestsAllowed) throw new ChatError(ErrorCode.AUTH_REQUIRED, 'This app admits signed-in users only: connect with a token');
      next();
    } catch (error) {
      const chatError = toChatError(error, log);
      const refused = new Error(chatError.message) as Error & { data: ConnectErrorData };
      refused.data = { code: chatError.code, message: chatError.message };
      next(refused);
    }
  });
}
