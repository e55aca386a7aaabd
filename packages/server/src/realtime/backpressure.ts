import type { Logger } from 'pino';
import type { ChatIo } from './socket-types.js';

/** How often connections are checked. A reader that stopped can gain at most this long's traffic past the cap. */
const CHECK_INTERVAL_MS = 200;

interface QueuedPacket {
  data?: unknown;
  options?: { wsPreEncodedFrame?: Array<{ length: number }> };
}
interface EngineConnection {
  writeBuffer: QueuedPacket[];
  transport: { name: string; socket?: { _socket?: { writableLength?: number }; terminate?: () => void } };
  request: { socket: { remoteAddress?: string } };
  close(discard?: boolean): void;
}

/**
 * Bytes the server holds for one connection: packets engine.io queued while the transport was busy,
 * and what the TCP socket has not handed to the kernel. Counting stops once past `cap`, so a
 * check costs at most one connection's buffer, however long it grew.
 */
export function bufferedBytes(conn: EngineConnection, cap: number): number {
  let total = conn.transport.socket?._socket?.writableLength ?? 0;
  for (const packet of conn.writeBuffer) {
    if (total > cap) break;
    const frame = packet.options?.wsPreEncodedFrame;
    if (frame) for (const part of frame) total += part.length;
    else if (typeof packet.data === 'string') total += packet.data.length;
    else if (packet.data instanceof Uint8Array) total += packet.data.byteLength;
    else total += 16;
  }
  return total;
}

/**
 * Closes connections that hold more than `maxBytes` unsent: a client that stops reading would
 * otherwise make the server keep everything broadcast to it. The connection is dropped at once,
 * not closed politely (a close frame would queue behind the backlog); the client reconnects and
 * catches up from the log. Returns a function that stops the checks.
 */
export function watchBackpressure(io: ChatIo, maxBytes: number, log: Logger): () => void {
  const timer = setInterval(() => {
    // engine.io keeps its connections in a plain object by session id (typed as protected).
    const clients = (io.engine as unknown as { clients: Record<string, EngineConnection> }).clients;
    for (const conn of Object.values(clients)) {
      // Most connections hold nothing: skip them without counting.
      if (conn.writeBuffer.length === 0 && !conn.transport.socket?._socket?.writableLength) continue;
      const held = bufferedBytes(conn, maxBytes);
      if (held <= maxBytes) continue;
      log.warn({ held, maxBytes, address: conn.request.socket.remoteAddress }, 'connection closed: it stopped reading (socketMaxBufferedBytes)');
      const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
      if (ws?.terminate) ws.terminate();
      else conn.close(true);
    }
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
