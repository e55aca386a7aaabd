/**
 * The answers of the wire protocol: every acknowledgement's shape, and the stable error codes a
 * failed one (or an HTTP error body) carries.
 */

/** Stable error codes. Clients branch on these; the `message` beside them is for people. */
export const ErrorCode = {
  /** The payload does not match the event's or route's schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** No room has that code (also the answer for a malformed code: there is no oracle). */
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** The display name is empty, too long, or holds control, invisible or bidi override characters. */
  NAME_INVALID: 'NAME_INVALID',
  /** The message text is longer than the server's limit. */
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  /** The message text is empty or only white space. */
  MESSAGE_EMPTY: 'MESSAGE_EMPTY',
  /** The upload is not a PNG, JPEG, GIF or WebP image (decided by its bytes, not its label). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The upload is larger than the byte or pixel limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Too many attempts; retry after `retryAfterMs` when given. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The connection has not joined the room it is acting on. */
  NOT_A_MEMBER: 'NOT_A_MEMBER',
  /** The member named (a direct conversation's other one) is not present in the room. */
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  /**
   * An image of a private room asked for without a valid signature (`?exp=&sig=`), or after its
   * URL expired: ask the room again (history) for fresh URLs.
   */
  IMAGE_URL_EXPIRED: 'IMAGE_URL_EXPIRED',
  /** The connection is in as many rooms as the server allows (`roomsPerConnection`); leave one first. */
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  /** The client address holds as many connections as the server allows (`connectionsPerAddress`). */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** The image does not exist or belongs to another room. */
  IMAGE_NOT_FOUND: 'IMAGE_NOT_FOUND',
  /** The event name is not part of this protocol. */
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  /** The HTTP route does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The server cannot serve the request now (storage unavailable, shutting down). */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An unexpected server error; details are logged, never sent. */
  INTERNAL: 'INTERNAL',
  /**
   * A state-changing HTTP request (POST, PUT, PATCH, DELETE), or a Socket.IO handshake, came from
   * a web page whose origin is not among the app's allowed origins (the default app: `corsOrigins`).
   */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** HTTP: the route exists but not for this method; the `Allow` header lists the ones it takes. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** HTTP: the request (headers and body) did not arrive within the server's time limit. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** The message does not exist in this room (or is not one that can be changed: a join line, an edit...). */
  MESSAGE_NOT_FOUND: 'MESSAGE_NOT_FOUND',
  /** The member may not do this: change another member's message, or a moderation action its role does not allow. */
  FORBIDDEN: 'FORBIDDEN',
  /** The message is older than the server's edit window (`editWindowMs`): it can be deleted, no longer edited. */
  EDIT_WINDOW_CLOSED: 'EDIT_WINDOW_CLOSED',
  /** The message already carries as many different reactions as the server allows (`reactionsPerMessage`). */
  TOO_MANY_REACTIONS: 'TOO_MANY_REACTIONS',
  /**
   * The app's filters (blocked words, link policy, mention cap) or its pre-publish hook refused
   * the message or edit; `message` says why, and may be shown to the sender.
   */
  MESSAGE_BLOCKED: 'MESSAGE_BLOCKED',
  /** The app admits no guests, and the connection (or request) carried no identity token. */
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  /**
   * The identity token is not acceptable: malformed, a bad signature (including another app's
   * token), an algorithm the app does not allow (`none`, or RS256/ES256 without a JWKS URL), no
   * `exp`, a lifetime over the server's `tokenMaxLifetimeMs`, or claims of the wrong shape.
   */
  AUTH_INVALID: 'AUTH_INVALID',
  /** The identity token's `exp` has passed: get a fresh one from the host's backend. */
  AUTH_EXPIRED: 'AUTH_EXPIRED',
  /** The member (by its member identity or its user id) is banned from the room (docs/moderation.md). */
  BANNED: 'BANNED',
  /** The member is muted in this room for now; retry after `retryAfterMs`. */
  MUTED: 'MUTED',
  /** The room takes no new members (a moderator locked it); its members may still come back. */
  ROOM_LOCKED: 'ROOM_LOCKED',
  /** The room is in slow mode: one message per member every few seconds; retry after `retryAfterMs`. */
  SLOW_MODE: 'SLOW_MODE',
  /** The room was closed by a moderator: nothing can be sent to it or joined any more. */
  ROOM_CLOSED: 'ROOM_CLOSED',
  /** Client side: the server did not answer in time. */
  TIMEOUT: 'TIMEOUT',
  /** Client side: the client is closed or the connection was lost before an answer. */
  DISCONNECTED: 'DISCONNECTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error part of a failed ack or HTTP response. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** With RATE_LIMITED, MUTED and SLOW_MODE: how long to wait before trying again. */
  retryAfterMs?: number;
}

/** Every acknowledgement: `{ ok: true, ...data }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorPayload };
