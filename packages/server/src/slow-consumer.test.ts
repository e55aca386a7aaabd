/**
 * A client that stops reading must not make the server keep everything sent to it. Memory is
 * measured here against a ceiling, not timed: with the cap out of reach, this flood left 33 MB of
 * frames waiting for the readers (all of it; a longer flood, more), with the cap about 5 MB.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io as rawSocket, type Socket } from 'socket.io-client';
import { createStorage, eventually, startServer } from './testing.js';

const SLOW_READERS = 10;
const MESSAGES = 8000;
const TEXT = 'x'.repeat(4000);
const CAP_BYTES = Number(process.env.SLOW_CONSUMER_CAP ?? 512 * 1024);
/** What the server's buffers may grow by while the flood lasts: the readers' caps and some slack. */
const CEILING_BYTES = SLOW_READERS * CAP_BYTES + 10 * 1024 * 1024;

/** A full collection, so freed buffers show as freed (node --test gives no --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const sockets: Socket[] = [];
after(() => {
  for (const s of sockets) s.disconnect();
});

async function open(url: string): Promise<Socket> {
  const socket = rawSocket(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The TCP socket under a socket.io-client WebSocket connection in Node. */
const tcpOf = (socket: Socket) => (socket.io.engine.transport as unknown as { ws: { _socket: import('node:net').Socket } }).ws._socket;

test('readers that stop reading are disconnected at socketMaxBufferedBytes, and the server stays within a memory ceiling', async () => {
  const storage = await createStorage('sqlite');
  const { server, url } = await startServer({
    ...storage.options,
    socketMaxBufferedBytes: CAP_BYTES,
    messagesPerWindow: 100_000,
    messagesPerAddressPerWindow: 100_000,
  });
  try {
    const sender = await open(url);
    const created = (await sender.emitWithAck('room:create', { name: 'Flood' })) as { room: { code: string } };
    const code = created.room.code;
    const slow: Socket[] = [];
    for (let i = 0; i < SLOW_READERS; i++) {
      const s = await open(url);
      await s.emitWithAck('room:join', { code, name: `Slow ${i}` });
      tcpOf(s).pause();
      slow.push(s);
    }
    const closedByServer = new Set<string>();
    for (const [, s] of server.io.of('/').sockets) s.on('disconnect', () => closedByServer.add(s.id));

    // Buffers (outside the JS heap) are where unsent frames wait; the database and the strings the
    // test builds are not in them, so this measures what the server holds for its readers.
    const held = () => process.memoryUsage().arrayBuffers;
    collectGarbage();
    const before = held();
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, held())), 20);
    for (let sent = 0; sent < MESSAGES; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => sender.emitWithAck('message:send', { code, clientId: `m${sent + k}`, text: TEXT })));
    }
    clearInterval(sample);
    const grew = peak - before;
    console.log(`# cap ${CAP_BYTES} B: buffers grew ${(grew / 1048576).toFixed(1)} MB at most; ${closedByServer.size} slow readers disconnected`);
    assert.ok(grew < CEILING_BYTES, `buffers grew by ${(grew / 1048576).toFixed(1)} MB`);
    await eventually(() => closedByServer.size >= SLOW_READERS, `the ${SLOW_READERS} slow readers to be disconnected (${closedByServer.size} so far)`, 20_000);
    // What was held for them is let go: after a collection, the buffers are back near where they were.
    collectGarbage();
    const left = held() - before;
    assert.ok(left < 4 * 1024 * 1024, `buffers still ${(left / 1048576).toFixed(1)} MB above the start after the readers were cut`);
    // The sender, who reads, was not disconnected.
    assert.ok(sender.connected);
  } finally {
    for (const s of sockets) tcpOf(s)?.destroy();
    await server.close();
    await storage.dispose();
  }
});
