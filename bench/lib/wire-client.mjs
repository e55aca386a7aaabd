// A lightweight Socket.IO v4 client that speaks WebSocket (RFC 6455) itself over a plain TCP
// socket (Engine.IO 4, websocket transport only): "40" connects the main namespace, "42[...]" is
// an event, "42<id>[...]" one that wants an ack, "43<id>[...]" the ack, and a "2" ping is answered
// with "3". Thousands of these share one generator process.
//
// Not the `ws` package, because a receive-only member's whole job is to notice each frame, and
// there the generator's CPU is what limits the benchmark: `ws` passes every frame through a stream
// write and its parser and hands it on as a Buffer of its own. Here each socket reads into one
// shared buffer (net's `onread`, no stream) and frames are parsed in place: 18 % less generator
// CPU per delivery, measured side by side (the run is recorded in `git show 2875210:bench/README.md`, "How it measures").
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import net from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * Every socket reads into this one buffer: `onread` callbacks run one at a time, and a client
 * copies out the unfinished end of a read before it returns.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** Masking keys, drawn from a pool refilled when spent (a client's frames must be masked). */
const masks = { pool: Buffer.allocUnsafe(4096), at: 4096 };
function nextMask() {
  if (masks.at + 4 > masks.pool.length) {
    randomFillSync(masks.pool);
    masks.at = 0;
  }
  masks.at += 4;
  return masks.pool.subarray(masks.at - 4, masks.at);
}

/** A masked client frame of `opcode` carrying `payload` (a Buffer). */
function encodeFrame(opcode, payload) {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + lengthBytes + 4 + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) frame[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const maskAt = 2 + lengthBytes;
  nextMask().copy(frame, maskAt);
  for (let i = 0; i < length; i++) frame[maskAt + 4 + i] = payload[i] ^ frame[maskAt + (i & 3)];
  return frame;
}

export class WireClient {
  #socket;
  #acks = new Map();
  #nextAck = 0;
  /** Bytes of a frame (or of the handshake response) that the last read left unfinished. */
  #pending = null;
  #upgraded = false;
  #connected = false;
  #onConnected = null;
  /** The Sec-WebSocket-Accept the server must answer with. */
  #accept = '';
  /**
   * Called with every "42" event frame, as a Buffer over the shared read buffer, before any
   * parsing. That buffer is overwritten by the next read: read what is needed, keep nothing.
   */
  onEvent = undefined;

  /** Opens the socket and completes the Socket.IO connect; resolves when connected. */
  static connect(url, { timeoutMs = 20_000 } = {}) {
    const client = new WireClient();
    return client.#open(new URL(url), timeoutMs).then(() => client);
  }

  #open(url, timeoutMs) {
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      const socket = net.connect({
        host: url.hostname,
        port: Number(url.port),
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback: (length, buffer) => this.#onRead(buffer, length) },
      });
      this.#socket = socket;
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      const fail = (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      this.#onConnected = (error) => {
        if (error) return fail(error);
        clearTimeout(timer);
        resolve();
      };
      this.#accept = createHash('sha1').update(key + WS_GUID).digest('base64');
      socket.on('error', (error) => {
        if (!this.#connected) fail(error);
      });
      socket.on('close', () => {
        if (!this.#connected) fail(new Error('closed before connecting'));
        for (const { reject: rejectAck } of this.#acks.values()) rejectAck(new Error('closed'));
        this.#acks.clear();
      });
      socket.write(
        `GET ${url.pathname.replace(/\/$/, '')}/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n` +
          `Host: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  /** Emits an event with an ack; resolves with the ack's argument. */
  request(event, payload) {
    const id = this.#nextAck++;
    return new Promise((resolve, reject) => {
      this.#acks.set(id, { resolve, reject });
      this.#send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  get bufferedAmount() {
    return this.#socket.writableLength;
  }

  close() {
    if (this.#socket.destroyed) return;
    this.#socket.end(encodeFrame(OP_CLOSE, Buffer.from([0x03, 0xe8]))); // 1000: normal closure
  }

  terminate() {
    this.#socket.destroy();
  }

  #send(text) {
    if (!this.#socket.destroyed) this.#socket.write(encodeFrame(OP_TEXT, Buffer.from(text)));
  }

  #onRead(buffer, length) {
    let data = buffer.subarray(0, length);
    if (this.#pending) {
      data = Buffer.concat([this.#pending, data]);
      this.#pending = null;
    }
    let at = this.#upgraded ? 0 : this.#readHandshake(data);
    if (at < 0) return;
    while (at < data.length && !this.#socket.destroyed) {
      const used = this.#readFrame(data, at);
      if (used === 0) break;
      at += used;
    }
    // The shared buffer is overwritten by the next read of any socket: keep a copy.
    if (at < data.length) this.#pending = Buffer.from(data.subarray(at));
  }

  /** Reads the HTTP response to the upgrade; returns where the frames start, or -1 if it is not all here. */
  #readHandshake(data) {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      this.#pending = Buffer.from(data);
      return -1;
    }
    const [status = '', ...headers] = data.toString('latin1', 0, end).split('\r\n');
    const accept = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-accept:'))?.slice(21).trim();
    if (!status.startsWith('HTTP/1.1 101 ') || accept !== this.#accept) {
      this.#onConnected(new Error(`WebSocket upgrade refused: ${status}`));
      return -1;
    }
    this.#upgraded = true;
    return end + 4;
  }

  /** Handles the frame at `at` if it is all there; returns the bytes it took (0: wait for more). */
  #readFrame(data, at) {
    if (data.length - at < 2) return 0;
    const opcode = data[at] & 0x0f;
    let length = data[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (data.length - at < 4) return 0;
      length = data.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      if (data.length - at < 10) return 0;
      length = Number(data.readBigUInt64BE(at + 2));
      start += 8;
    }
    const end = start + length;
    if (end > data.length) return 0;
    if ((data[at] & 0x80) === 0 || opcode === OP_CONTINUATION || data[at + 1] & 0x80) {
      // A Socket.IO server sends whole, unmasked frames; anything else is a broken peer.
      this.#socket.destroy(new Error('unexpected WebSocket framing (fragmented or masked)'));
      return end - at;
    }
    if (opcode === OP_TEXT || opcode === OP_BINARY) this.#onPacket(data, start, end);
    else if (opcode === OP_PING) this.#socket.write(encodeFrame(OP_PONG, data.subarray(start, end)));
    else if (opcode === OP_CLOSE) this.#socket.end();
    return end - at;
  }

  /** An Engine.IO packet: `data[start..end)`. */
  #onPacket(data, start, end) {
    const type = data[start];
    if (type === 0x32 /* '2' ping */) return this.#send('3');
    if (type === 0x30 /* '0' open */) return this.#send('40');
    if (type !== 0x34 /* '4' message */) return;
    const kind = data[start + 1];
    if (kind === 0x32 /* '2' event */) return this.onEvent?.(data.subarray(start, end));
    if (kind === 0x33 /* '3' ack */) {
      const open = data.indexOf(0x5b /* '[' */, start);
      const id = Number(data.toString('latin1', start + 2, open));
      const pending = this.#acks.get(id);
      if (pending) {
        this.#acks.delete(id);
        pending.resolve(JSON.parse(data.toString('utf8', open, end))[0]);
      }
      return;
    }
    if (kind === 0x30 /* '0' connect */ && !this.#connected) {
      this.#connected = true;
      this.#onConnected(null);
    }
    if (kind === 0x34 /* '4' connect error */) this.#onConnected(new Error(`connect error: ${data.toString('utf8', start, end)}`));
  }
}
