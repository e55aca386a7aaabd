import { ErrorCode, type ErrorPayload } from './protocol.js';

/**
 * The one error type the SDK rejects with. `code` is stable (see {@link ErrorCode}); branch on it,
 * not on `message`.
 *
 * @example
 * try { await client.joinRoom(code, { name }) }
 * catch (e) { if (e instanceof ChatError && e.code === 'ROOM_NOT_FOUND') showUnknownRoom() }
 */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly code: ErrorCode;
  /** With RATE_LIMITED: how long the server asks to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** Builds the error from the `error` of a failed ack or HTTP body. */
  static fromPayload(payload: ErrorPayload): ChatError {
    return new ChatError(payload.code, payload.message, payload.retryAfterMs === undefined ? undefined : { retryAfterMs: payload.retryAfterMs });
  }

  /** Whether retrying the same call later may succeed. */
  get retryable(): boolean {
    return (
      this.code === ErrorCode.TIMEOUT ||
      this.code === ErrorCode.DISCONNECTED ||
      this.code === ErrorCode.UNAVAILABLE ||
      this.code === ErrorCode.RATE_LIMITED
    );
  }
}
