/**
 * What a hostile or broken client can try against a live server, and what it gets: a clear error,
 * never a hang, a crash, a bypassed limit or unbounded memory. Each case is one that once got
 * through (issue #19).
 */
import assert from 'node:assert/strict';
import { createServer as createNetServer, connect as netConnect, type Socket as NetSocket } from 'node:net';
import { after, afterEach, describe, test } from 'node:test';
import { pino } from 'pino';
import { io as rawSocket, type Socket } from 'socket.io-client';
import { ChatError, memoryOutboxStore, type ChatClient, type OutboxEntry } from '@roomchat/sdk';
import type { ChatServerOptions } from './index.js';
import { connect, createStorage, eventually, startServer, TcpProxy, type RunningServer, type TestStorage } from './testing.js';

type Ack = { ok: true; [key: string]: unknown } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

const opened: Array<{ close(): unknown }> = [];
const servers: Array<{ running: RunningServer; storage: TestStorage }> = [];

async function serve(options: ChatServerOptions = {}): Promise<RunningServer> {
  const storage = await createStorage('sqlite');
  const running = await startServer({ ...storage.options, ...options });
  servers.push({ running, storage });
  return running;
}

function client(url: string, options?: Parameters<typeof connect>[1]): ChatClient {
  const c = connect(url, options);
  opened.push(c);
  return c;
}

/** A bare Socket.IO connection, as a script would open one, with any headers it likes. */
async function raw(url: string, headers: Record<string, string> = {}): Promise<Socket> {
  const socket = rawSocket(url, { transports: ['websocket'], reconnection: false, extraHeaders: headers, forceNew: true });
  opened.push({ close: () => socket.disconnect() });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const ask = (socket: Socket, event: string, payload: unknown): Promise<Ack> => socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;

function errorCode(ack: Ack): string | undefined {
  return ack.ok ? undefined : ack.error.code;
}

afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
});
after(async () => {
  for (const { running, storage } of servers.splice(0)) {
    await running.server.close();
    await storage.dispose();
  }
});

describe('the outbox cannot be poisoned', () => {
  test('a message over the limit is refused at once with MESSAGE_TOO_LONG, and later sends go', async () => {
    const { url } = await serve();
    const room = await client(url).createRoom({ name: 'Ann' });
    await assert.rejects(room.send('x'.repeat(100_000)), { code: 'MESSAGE_TOO_LONG' });
    assert.equal(room.pending.length, 0, 'nothing was queued');
    assert.equal((await room.send('after')).text, 'after');
  });

  test('an entry kept from an earlier page that is over the limit is dropped, not sent for ever', async () => {
    const { url } = await serve();
    const first = await client(url).createRoom({ name: 'Ann' });
    const store = memoryOutboxStore();
    const stale: OutboxEntry = { roomCode: first.code, clientId: 'stale-1', text: 'y'.repeat(100_000), queuedAt: new Date().toISOString() };
    store.save([stale]);
    const again = client(url, { outboxStore: store });
    const failed = new Promise<ChatError>((resolve) => {
      void again.joinRoom(first.code, { name: 'Bo' }).then((room) => room.on('send-failed', (_entry, error) => resolve(error)));
    });
    assert.equal((await failed).code, 'MESSAGE_TOO_LONG');
    const room = again.joinedRooms[0]!;
    assert.equal((await room.send('next')).text, 'next', 'the room sends again');
    assert.equal(store.load().length, 0);
  });

  test('a send that makes the connection drop each time is failed with PAYLOAD_TOO_LARGE and dropped', async () => {
    const { url } = await serve();
    // A network path that cuts any connection carrying the marker: what a packet over the
    // server's limit does (the server closes such a connection without an answer).
    // Long-polling, whose request bodies are plain text (WebSocket frames from a client are masked).
    const cutter = await CuttingProxy.start(url, 'POISON-MARK');
    const sdk = client(cutter.url, { socket: { transports: ['polling'] } });
    const room = await sdk.createRoom({ name: 'Ann' });
    const poisoned = room.send('POISON-MARK');
    const later = room.send('after the poison');
    await assert.rejects(poisoned, { code: 'PAYLOAD_TOO_LARGE' });
    assert.equal((await later).text, 'after the poison', 'the sends behind it are not held up');
    assert.ok(cutter.cuts >= 3, `cut ${cutter.cuts} times`);
    assert.deepEqual(room.pending, []);
    await cutter.close();
  });
});

describe('a packet over the limit', () => {
  test('closes only its own connection, and the operator sees why in the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const { url } = await serve({ logger });
    const socket = await raw(url);
    const created = (await ask(socket, 'room:create', { name: 'Big' })) as { ok: true; room: { code: string } };
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('message:send', { code: created.room.code, clientId: 'big-1', text: 'x'.repeat(100_000) }, () => undefined);
    assert.match(await closed, /transport (close|error)/);
    await eventually(() => lines.some((l) => /larger than socketMaxPayloadBytes/.test(l)), 'the warning in the log');
    const other = await raw(url);
    assert.ok((await ask(other, 'room:create', { name: 'Small' })).ok, 'the server goes on');
  });
});

describe('a client cannot choose its address', () => {
  test('with one trusted proxy, HTTP limits count the address the proxy saw, whatever the client wrote', async () => {
    const { url } = await serve({ trustProxy: 1, roomCreatesPerWindow: 2 });
    const create = (spoofed: string) => fetch(`${url}/v1/rooms`, { method: 'POST', headers: { 'X-Forwarded-For': `${spoofed}, 203.0.113.7` } });
    assert.equal((await create('1.1.1.1')).status, 201);
    assert.equal((await create('2.2.2.2')).status, 201);
    const third = await create('3.3.3.3');
    assert.equal(third.status, 429, 'a fresh left-most entry does not buy a fresh budget');
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.equal((await fetch(`${url}/v1/rooms`, { method: 'POST', headers: { 'X-Forwarded-For': '203.0.113.8' } })).status, 201, 'another address has its own');
  });

  test('sockets follow the same rule: guessing codes from behind forged entries still spends one budget', async () => {
    const { url } = await serve({ trustProxy: 1, joinFailuresPerWindow: 2 });
    const codes: Array<string | undefined> = [];
    for (const spoofed of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      const socket = await raw(url, { 'X-Forwarded-For': `${spoofed}, 203.0.113.9` });
      codes.push(errorCode(await ask(socket, 'room:join', { code: 'ZZZZZZZZ', name: 'Guess' })));
      socket.disconnect();
    }
    assert.deepEqual(codes, ['ROOM_NOT_FOUND', 'ROOM_NOT_FOUND', 'RATE_LIMITED']);
  });

  test('without a trusted proxy, X-Forwarded-For is ignored', async () => {
    const { url } = await serve({ roomCreatesPerWindow: 1 });
    assert.equal((await fetch(`${url}/v1/rooms`, { method: 'POST', headers: { 'X-Forwarded-For': '1.1.1.1' } })).status, 201);
    assert.equal((await fetch(`${url}/v1/rooms`, { method: 'POST', headers: { 'X-Forwarded-For': '2.2.2.2' } })).status, 429);
  });
});

describe('floods are bounded per address, not only per connection', () => {
  test('many connections from one address share one message budget', async () => {
    const { url } = await serve({ messagesPerWindow: 100, messagesPerAddressPerWindow: 10, messageWindowMs: 60_000 });
    const owner = await client(url).createRoom({ name: 'Owner' });
    const sockets = await Promise.all(Array.from({ length: 5 }, () => raw(url)));
    await Promise.all(sockets.map((s, i) => ask(s, 'room:join', { code: owner.code, name: `Flood ${i}` })));
    const acks = await Promise.all(sockets.flatMap((s, i) => Array.from({ length: 6 }, (_, k) => ask(s, 'message:send', { code: owner.code, clientId: `f${i}-${k}`, text: 'spam' }))));
    assert.equal(acks.filter((a) => a.ok).length, 10, 'ten stored in all');
    assert.ok(acks.filter((a) => !a.ok).every((a) => errorCode(a) === 'RATE_LIMITED'));
  });

  test('join and leave loops are budgeted, so they cannot fill the log with lines', async () => {
    const { url } = await serve({ joinsPerWindow: 5 });
    const owner = await client(url).createRoom({ name: 'Owner' });
    const socket = await raw(url);
    const answers: Array<string | undefined> = [];
    for (let i = 0; i < 8; i++) {
      const joined = errorCode(await ask(socket, 'room:join', { code: owner.code, name: `Loop ${i}`, memberId: `loop-${i}` }));
      answers.push(joined);
      if (joined === undefined) assert.ok((await ask(socket, 'room:leave', { code: owner.code })).ok, 'leaving is always allowed');
    }
    assert.deepEqual(answers, [undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    const page = await owner.history();
    assert.equal(page.messages.filter((m) => m.kind === 'join').length, 1 + 5);
  });

  test('the joins of all connections from one address share a budget too', async () => {
    const { url } = await serve({ joinsPerWindow: 10, joinsPerAddressPerWindow: 4 });
    const owner = await client(url).createRoom({ name: 'Owner' });
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      const socket = await raw(url);
      codes.push(errorCode(await ask(socket, 'room:join', { code: owner.code, name: `Tab ${i}` })));
    }
    // The owner's create spent one of the four.
    assert.deepEqual(codes, [undefined, undefined, undefined, 'RATE_LIMITED']);
  });

  test('one address holds at most connectionsPerAddress connections; a closed one frees a place', async () => {
    const { url } = await serve({ connectionsPerAddress: 3 });
    const held = [await raw(url), await raw(url), await raw(url)];
    await assert.rejects(raw(url), (error: Error) => {
      assert.match(error.message, /websocket error|TOO_MANY_CONNECTIONS/);
      return true;
    });
    const polled = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(polled.status, 403);
    assert.match(await polled.text(), /TOO_MANY_CONNECTIONS/);
    held[0]!.disconnect();
    await eventually(async () => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).status === 200, 'a place to free up');
  });

  test('one connection is in at most roomsPerConnection rooms', async () => {
    const { url } = await serve({ roomsPerConnection: 2 });
    const socket = await raw(url);
    assert.ok((await ask(socket, 'room:create', { name: 'A' })).ok);
    assert.ok((await ask(socket, 'room:create', { name: 'A' })).ok);
    assert.equal(errorCode(await ask(socket, 'room:create', { name: 'A' })), 'TOO_MANY_ROOMS');
  });
});

describe('a re-join the server refuses for now', () => {
  test('is tried again, so the room does not hold its sends for ever', async () => {
    const { url } = await serve({ joinsPerAddressPerWindow: 2, joinWindowMs: 1000 });
    const proxy = await TcpProxy.start(url);
    opened.push({ close: () => void proxy.close() });
    const ann = await client(proxy.url).createRoom({ name: 'Ann' });
    const bo = await client(proxy.url).joinRoom(ann.code, { name: 'Bo' });
    // Both reconnect at once: one re-join fits the address's budget, the other is RATE_LIMITED.
    proxy.cut();
    const sent = await Promise.all([ann.send('from Ann'), bo.send('from Bo')]);
    assert.deepEqual(sent.map((m) => m.text), ['from Ann', 'from Bo']);
  });
});

describe('a member is who it is', () => {
  test("another member's clientId is refused, and its message is not handed over", async () => {
    const { url } = await serve();
    const ann = await client(url).createRoom({ name: 'Ann' });
    await ann.send('private to the ack', { clientId: 'ann-0001' });
    const intruder = await raw(url);
    await ask(intruder, 'room:join', { code: ann.code, name: 'Eve' });
    const ack = await ask(intruder, 'message:send', { code: ann.code, clientId: 'ann-0001', text: 'mine now?' });
    assert.equal(errorCode(ack), 'INVALID_PAYLOAD');
    assert.doesNotMatch(JSON.stringify(ack), /private to the ack/);
    // The author's own retry still answers with the original.
    assert.equal((await ann.send('again', { clientId: 'ann-0001' })).text, 'private to the ack');
  });

  test('names with invisible characters are refused; emoji built with joiners are fine', async () => {
    const { url } = await serve();
    const socket = await raw(url);
    for (const name of ['Al\u200Bice', '\u2060Bob', 'Carol\u00AD', '\u3164', '\u2800\u2800', 'Dan\u202Eevil']) {
      assert.equal(errorCode(await ask(socket, 'room:create', { name })), 'NAME_INVALID', JSON.stringify(name));
    }
    const ok = await ask(socket, 'room:create', { name: '👩‍💻  Dev' });
    assert.ok(ok.ok && (ok.room as { self: { name: string } }).self.name === '👩‍💻 Dev');
  });

  test('two members present at once never share a name: the second Alice is told apart', async () => {
    const { url } = await serve();
    const first = await client(url).createRoom({ name: 'Alice' });
    const second = await client(url).joinRoom(first.code, { name: 'ALICE' });
    assert.equal(second.self.name, 'ALICE (2)');
    await eventually(() => first.members.length === 2, 'the first to see the second');
    assert.deepEqual(first.members.map((m) => m.name), ['Alice', 'ALICE (2)']);
  });

  test('a lone surrogate is stored as U+FFFD, and the ack says what was stored', async () => {
    const { url } = await serve();
    const socket = await raw(url);
    const created = (await ask(socket, 'room:create', { name: 'Sur' })) as { ok: true; room: { code: string } };
    const ack = (await ask(socket, 'message:send', { code: created.room.code, clientId: 'sur-1', text: 'a\uD800b' })) as { ok: true; message: { text: string } };
    assert.equal(ack.message.text, 'a\uFFFDb');
    const page = (await ask(socket, 'message:history', { code: created.room.code })) as { ok: true; messages: Array<{ text?: string }> };
    assert.equal(page.messages.at(-1)!.text, 'a\uFFFDb');
  });
});

describe('guessing codes does not lock out the neighbours', () => {
  test('after an address is locked out, a member of a room still gets back in; a newcomer does not', async () => {
    const { url } = await serve({ joinFailuresPerWindow: 3 });
    const member = client(url, { memberId: 'member-of-the-room' });
    const room = await member.createRoom({ name: 'Resident' });
    member.close();
    const guesser = await raw(url);
    for (let i = 0; i < 3; i++) await ask(guesser, 'room:join', { code: `WRONG${i}AB`, name: 'Guess' });
    assert.equal(errorCode(await ask(guesser, 'room:join', { code: room.code, name: 'Guess' })), 'RATE_LIMITED', 'a right code from a stranger: still limited');
    assert.equal(errorCode(await ask(guesser, 'room:join', { code: 'NOTAROOM', name: 'Guess', memberId: 'member-of-the-room' })), 'RATE_LIMITED');
    const back = await client(url, { memberId: 'member-of-the-room' }).joinRoom(room.code, { name: 'Resident' });
    assert.equal(back.code, room.code);
  });
});

describe('presence survives a restart of a single node', () => {
  test('a member who comes back within the grace period is not announced again; one who does not is shown leaving', async () => {
    const storage = await createStorage('sqlite');
    const options = { ...storage.options, presenceGraceMs: 1500 };
    let running = await startServer(options);
    const port = Number(new URL(running.url).port);
    const sam = client(running.url, { memberId: 'sam-member' });
    const room = await sam.createRoom({ name: 'Sam' });
    const kim = client(running.url, { memberId: 'kim-member' });
    await kim.joinRoom(room.code, { name: 'Kim' });
    kim.close();
    await running.server.close();
    const { createChatServer } = await import('./index.js');
    const server = createChatServer({ logLevel: 'silent', ...options });
    await server.listen({ port, host: '127.0.0.1' });
    running = { server, url: running.url };
    servers.push({ running, storage });
    await eventually(() => sam.state === 'connected' && room.members.some((m) => m.name === 'Sam'), 'Sam to reconnect', 10_000);
    await eventually(() => room.messages.some((m) => m.kind === 'leave' && m.author === 'Kim'), 'Kim, who did not come back, to leave', 10_000);
    const lines = room.messages.filter((m) => m.kind === 'join' || m.kind === 'leave').map((m) => `${m.kind}:${m.author}`);
    assert.deepEqual(lines, ['join:Sam', 'join:Kim', 'leave:Kim'], 'Sam joined once');
  });
});

/** Relays TCP to a server, and cuts any connection whose client sends `marker`. */
class CuttingProxy {
  cuts = 0;
  url = '';
  readonly #server = createNetServer((inbound: NetSocket) => {
    const outbound = netConnect(this.#port, '127.0.0.1');
    inbound.on('data', (chunk: Buffer) => {
      if (chunk.includes(this.#marker)) {
        this.cuts++;
        inbound.destroy();
        outbound.destroy();
      } else outbound.write(chunk);
    });
    outbound.pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  readonly #port: number;
  readonly #marker: string;

  private constructor(port: number, marker: string) {
    this.#port = port;
    this.#marker = marker;
  }

  static async start(url: string, marker: string): Promise<CuttingProxy> {
    const proxy = new CuttingProxy(Number(new URL(url).port), marker);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.#server.address() as { port: number }).port}`;
    return proxy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
