import type { Connection } from './connection.js';
import { ChatError } from './errors.js';
import { ErrorCode, type Ack, type ClientToServerEvents } from './protocol.js';

/** The success shape of an event's ack. */
export type AckData<E extends keyof ClientToServerEvents> =
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends infer A ? Extract<A, { ok: true }> : never;

/**
 * A client's requests to the server: each waits for its ack within a timeout, and fails at once,
 * with a stable code, when the connection drops under it, the client closes, or the server
 * refuses the handshake, instead of waiting out the timeout.
 */
export class Requests {
  readonly #connection: Connection;
  readonly #timeoutMs: number;
  readonly #closed: () => boolean;
  /** Rejecters of requests awaiting an ack, failed at once when the connection drops. */
  readonly #inFlight = new Set<(error: ChatError) => void>();
  /** Rejecters of every request waiting, sent or buffered: failed when the server refuses the handshake. */
  readonly #waiting = new Set<(error: ChatError) => void>();

  constructor(connection: Connection, timeoutMs: number, closed: () => boolean) {
    this.#connection = connection;
    this.#timeoutMs = timeoutMs;
    this.#closed = closed;
  }

  /** The connection dropped or the client closed: requests that went out can get no answer. */
  dropped(error: ChatError): void {
    for (const reject of this.#inFlight) reject(error);
  }

  /** The server refused the handshake: no request waiting, sent or buffered, will be answered. */
  refused(error: ChatError): void {
    for (const reject of this.#waiting) reject(error);
  }

  async request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<AckData<E>> {
    if (this.#closed()) throw new ChatError(ErrorCode.DISCONNECTED, 'The client is closed');
    let res: Ack;
    let rejectOnDisconnect: ((error: ChatError) => void) | undefined;
    try {
      // socket.io-client buffers emits made while disconnected and sends them on reconnect; the
      // timeout bounds the wait either way, and a drop of the connection ends it at once (an ack
      // can no longer come).
      const dropped = new Promise<never>((_, reject) => (rejectOnDisconnect = reject));
      if (this.#connection.connected) this.#inFlight.add(rejectOnDisconnect!);
      this.#waiting.add(rejectOnDisconnect!);
      res = await Promise.race([this.#connection.request(event, payload, this.#timeoutMs), dropped]);
    } catch (cause) {
      if (cause instanceof ChatError) throw cause;
      if (this.#closed()) throw new ChatError(ErrorCode.DISCONNECTED, 'The client was closed', { cause });
      // socket.io-client's own answer when the connection drops after the request went out (one
      // made before the first connect is not in #inFlight): not a timeout (realtime.test.ts).
      if (cause instanceof Error && cause.message === 'socket has been disconnected') {
        throw new ChatError(ErrorCode.DISCONNECTED, 'The connection was lost before the answer came', { cause });
      }
      throw new ChatError(ErrorCode.TIMEOUT, `No answer to ${event} within ${this.#timeoutMs} ms`, { cause });
    } finally {
      if (rejectOnDisconnect) {
        this.#inFlight.delete(rejectOnDisconnect);
        this.#waiting.delete(rejectOnDisconnect);
      }
    }
    if (!res.ok) throw ChatError.fromPayload(res.error);
    return res as AckData<E>;
  }
}
