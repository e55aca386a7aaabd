import type { Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from './protocol.js';

/** What a connection tells its client: socket.io's own lifecycle events and the server's events. */
export interface ConnectionEvents extends ServerToClientEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (error: Error & { data?: { code?: string; message?: string } }) => void;
}

/**
 * The one thing ChatClient needs from a Socket.IO connection. A tab's own socket is one
 * ({@link socketConnection}); a connection shared by the tabs of a site is another
 * (shared-connection.ts), so the client above it does not know which it has.
 */
export interface Connection {
  /** Connected now: requests go out at once. */
  readonly connected: boolean;
  /** The last connect restored the rooms (socket.io's connection state recovery): no re-join needed. */
  readonly recovered: boolean;
  connect(): void;
  /** Closes it for this client for good. */
  disconnect(): void;
  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): void;
  /**
   * Emits `event` and resolves with the server's ack; rejects with socket.io's own errors: "socket
   * has been disconnected" when the connection dropped, any other Error when `timeoutMs` passed.
   */
  request(event: string, payload: unknown, timeoutMs: number): Promise<Ack>;
}

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** emitWithAck over a union of event names is beyond TypeScript's inference. */
type UntypedSocket = { emitWithAck(event: string, payload: unknown): Promise<Ack> };

/** A Connection over a socket of this client's own. */
export function socketConnection(socket: ChatSocket): Connection {
  return {
    get connected() {
      return socket.connected;
    },
    get recovered() {
      return socket.recovered;
    },
    connect: () => void socket.connect(),
    disconnect: () => void socket.disconnect(),
    on: (event, listener) => void (socket.on as (event: string, listener: unknown) => void)(event, listener),
    request: (event, payload, timeoutMs) => (socket.timeout(timeoutMs) as unknown as UntypedSocket).emitWithAck(event, payload),
  };
}
