// A lightweight Socket.IO v4 client over a raw `ws` socket (Engine.IO 4, websocket transport
// only): "40" connects the main namespace, "42[...]" is an event, "42<id>[...]" one that wants an
// ack, "43<id>[...]" the ack, and a "2" ping is answered with "3". Thousands of these fit in one
// generator process, so the generator is not what a fan-out benchmark measures.
import WebSocket from 'ws';

export class WireClient {
  #ws;
  #acks = new Map();
  #nextAck = 0;
  /** Called with the raw text of every "42" event frame (before any JSON parsing). */
  onEvent = undefined;

  /** Opens the socket and completes the Socket.IO connect; resolves when connected. */
  static connect(url, { timeoutMs = 20_000 } = {}) {
    const client = new WireClient();
    return client.#open(url, timeoutMs).then(() => client);
  }

  #open(url, timeoutMs) {
    const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      this.#ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      let connected = false;
      ws.on('error', (err) => {
        if (!connected) {
          clearTimeout(timer);
          reject(err);
        }
      });
      ws.on('close', () => {
        for (const { reject: rejectAck } of this.#acks.values()) rejectAck(new Error('closed'));
        this.#acks.clear();
      });
      ws.on('message', (data) => {
        const frame = data.toString();
        const type = frame.charCodeAt(0);
        if (type === 50 /* '2' ping */) return ws.send('3');
        if (type === 48 /* '0' open */) return ws.send('40');
        if (type !== 52 /* '4' message */) return;
        const kind = frame.charCodeAt(1);
        if (kind === 50 /* '2' event */) return this.onEvent?.(frame);
        if (kind === 51 /* '3' ack */) {
          const open = frame.indexOf('[');
          const id = Number(frame.slice(2, open));
          const pending = this.#acks.get(id);
          if (pending) {
            this.#acks.delete(id);
            pending.resolve(JSON.parse(frame.slice(open))[0]);
          }
          return;
        }
        if (kind === 48 /* '0' connect */ && !connected) {
          connected = true;
          clearTimeout(timer);
          resolve();
        }
        if (kind === 52 /* '4' connect error */) reject(new Error(`connect error: ${frame}`));
      });
    });
  }

  /** Emits an event with an ack; resolves with the ack's argument. */
  request(event, payload) {
    const id = this.#nextAck++;
    return new Promise((resolve, reject) => {
      this.#acks.set(id, { resolve, reject });
      this.#ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  get bufferedAmount() {
    return this.#ws.bufferedAmount;
  }

  close() {
    this.#ws.close();
  }

  terminate() {
    this.#ws.terminate();
  }
}
