import type { Logger } from 'pino';
import { ErrorCode, type ErrorPayload } from '@roomchat/protocol';

/** HTTP status for each error code; socket acks carry the code alone. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  ROOM_NOT_FOUND: 404,
  NAME_INVALID: 400,
  MESSAGE_TOO_LONG: 400,
  MESSAGE_EMPTY: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  NOT_A_MEMBER: 403,
  MEMBER_NOT_FOUND: 404,
  IMAGE_URL_EXPIRED: 403,
  TOO_MANY_ROOMS: 403,
  TOO_MANY_CONNECTIONS: 429,
  IMAGE_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  FORBIDDEN: 403,
  EDIT_WINDOW_CLOSED: 403,
  TOO_MANY_REACTIONS: 409,
  MESSAGE_BLOCKED: 403,
  BANNED: 403,
  MUTED: 403,
  ROOM_LOCKED: 403,
  SLOW_MODE: 429,
  ROOM_CLOSED: 410,
  UNKNOWN_EVENT: 400,
  NOT_FOUND: 404,
  UNAVAILABLE: 503,
  ORIGIN_NOT_ALLOWED: 403,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  INTERNAL: 500,
  TIMEOUT: 504,
  DISCONNECTED: 503,
};

/** An error meant for the client: a stable code and a message safe to show. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

/**
 * Turns anything thrown into what the client may see. ChatErrors pass as they are; anything else
 * is logged and becomes INTERNAL (or UNAVAILABLE when the database is out of reach), with a
 * generic message, so internals never leak.
 */
export function toChatError(error: unknown, log: Logger): ChatError {
  if (error instanceof ChatError) return error;
  if (isStorageUnavailable(error)) {
    log.error({ err: error }, 'storage unavailable');
    return new ChatError(ErrorCode.UNAVAILABLE, 'Storage is unavailable; try again shortly');
  }
  log.error({ err: error }, 'unexpected error');
  return new ChatError(ErrorCode.INTERNAL, 'Internal server error');
}

export function toErrorPayload(error: ChatError): ErrorPayload {
  return {
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/** Storage failures a retry may cure: connection loss, a locked, read-only or full database. */
function isStorageUnavailable(error: unknown): boolean {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  // node-postgres reports a connection dropped mid-query without a code, and knex a pool that
  // could not get a connection in time by the error's name (http.test.ts, PostgreSQL out of reach).
  if (name === 'KnexTimeoutError' || (typeof message === 'string' && /^Connection terminated\b/.test(message))) return true;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code) ||
    // better-sqlite3 reports extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, ...).
    /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN)(_|$)/.test(code) ||
    code.startsWith('08') || // PostgreSQL connection exceptions
    code === '57P01' || // admin shutdown
    code === '53100' // disk full
  );
}
