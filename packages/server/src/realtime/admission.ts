import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ChatServerConfig } from '../config.js';
import { clientAddress } from '../client-address.js';
import type { ChatIo } from './socket-types.js';

/** The client address of a Socket.IO handshake request, by the same rule as HTTP's. */
export function handshakeAddress(req: IncomingMessage, trustProxy: number): string {
  return clientAddress(req.headers['x-forwarded-for'], req.socket.remoteAddress ?? '', trustProxy);
}

/**
 * Decides which handshakes become connections: one address may hold at most
 * `connectionsPerAddress` connections on this node. (Browsers do not apply CORS to WebSocket
 * upgrades, so origins are checked too: per app, in realtime/identify.ts, where the app is known.) A refused handshake fails like a network
 * error, so clients retry with socket.io's own backoff and get in once connections free up.
 */
export function admitConnections(io: ChatIo, config: ChatServerConfig, log: Logger): void {
  const open = new Map<string, number>();

  io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
    const address = handshakeAddress(conn.request, config.trustProxy);
    open.set(address, (open.get(address) ?? 0) + 1);
    conn.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });

  io.engine.opts.allowRequest = (req, callback) => {
    const address = handshakeAddress(req, config.trustProxy);
    if ((open.get(address) ?? 0) >= config.connectionsPerAddress) {
      log.debug({ address }, 'connection refused: connectionsPerAddress reached');
      callback(`TOO_MANY_CONNECTIONS: at most ${config.connectionsPerAddress} connections per address`, false);
      return;
    }
    callback(null, true);
  };
}
