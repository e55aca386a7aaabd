// What the socket handlers promise beyond the SDK's happy path: membership is checked on every
// request a raw socket can make, failures carry stable codes (INTERNAL, TIMEOUT, DISCONNECTED),
// a connection that vanishes is detected by the heartbeat, and shutdown waits for writes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { io as rawSocket, type Socket } from 'socket.io-client';
import type { ChatClient, ChatMessage } from '@roomchat/sdk';
import { DEFAULT_CONFIG } from './config.js';
import { openDatabase } from './db.js';
import { createMessageWriter, type MessageWriter } from './message-writer.js';
import { connect, createStorage, eventually, startServer, type RunningServer, type TestStorage } from './testing.js';

type Answer = { ok: boolean; error?: { code: string; message: string }; message?: ChatMessage; room?: { code: string } };

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function server(options: object = {}, storage?: TestStorage): Promise<RunningServer> {
  storage ??= await createStorage('sqlite');
  const running = await startServer({ ...storage.options, ...options });
  cleanups.push(() => storage.dispose(), () => running.server.close());
  return running;
}

function raw(url: string): Socket {
  const s = rawSocket(url, { transports: ['websocket'], reconnection: false });
  cleanups.push(() => void s.close());
  return s;
}

function client(url: string, options: Parameters<typeof connect>[1] = {}): ChatClient {
  const c = connect(url, options);
  cleanups.push(() => c.close());
  return c;
}

const ask = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<Answer>;

describe('membership on a raw socket', () => {
  test('a socket that never joined cannot send to, or read, an existing room: NOT_A_MEMBER, nothing stored or broadcast', async () => {
    const { url } = await server();
    const owner = await client(url).createRoom({ name: 'Owner' });
    const broadcast: string[] = [];
    owner.on('message', (m) => broadcast.push(`${m.kind}:${m.text ?? ''}`));
    const intruder = raw(url);
    const sent = await ask(intruder, 'message:send', { code: owner.code, clientId: 'intrude', text: 'not a member' });
    assert.deepEqual([sent.ok, sent.error?.code], [false, 'NOT_A_MEMBER']);
    const read = await ask(intruder, 'message:history', { code: owner.code });
    assert.deepEqual([read.ok, read.error?.code], [false, 'NOT_A_MEMBER']);
    const lower = await ask(intruder, 'message:send', { code: owner.code.toLowerCase(), clientId: 'intrude2', text: 'lower case' });
    assert.equal(lower.error?.code, 'NOT_A_MEMBER', 'however the code is spelled');
    // A marker the owner does get, sent after the attempts: its arrival shows nothing came before it.
    await owner.send('marker');
    const stored = (await owner.history()).messages.map((m) => `${m.kind}:${m.text ?? ''}`);
    assert.deepEqual(stored, ['join:', 'text:marker']);
    assert.deepEqual(broadcast, ['text:marker'], 'the owner saw its own marker only');
  });

  test("a member of one room cannot send to another room with that room's code, nor after leaving", async () => {
    const { url } = await server();
    const other = await client(url).createRoom({ name: 'Other' });
    const s = raw(url);
    const joined = await ask(s, 'room:create', { name: 'Mine' });
    assert.equal(joined.ok, true);
    const elsewhere = await ask(s, 'message:send', { code: other.code, clientId: 'x1', text: 'wrong room' });
    assert.equal(elsewhere.error?.code, 'NOT_A_MEMBER');
    const mine = joined.room!.code;
    assert.equal((await ask(s, 'message:send', { code: mine, clientId: 'x2', text: 'mine' })).ok, true);
    assert.equal((await ask(s, 'room:leave', { code: mine })).ok, true);
    const afterLeave = await ask(s, 'message:send', { code: mine, clientId: 'x3', text: 'gone' });
    assert.equal(afterLeave.error?.code, 'NOT_A_MEMBER');
    assert.equal((await ask(s, 'room:leave', { code: mine })).error?.code, 'NOT_A_MEMBER', 'leaving twice');
    assert.deepEqual((await other.history()).messages.map((m) => m.kind), ['join']);
  });
});

/** The events the server's sockets receive from now on, in order. */
function requestsSeenBy(running: RunningServer): string[] {
  const seen: string[] = [];
  running.server.io.on('connection', (socket) => socket.onAny((event: string) => seen.push(event)));
  return seen;
}

describe('what a socket gets once it joined', () => {
  test("the snapshot carries the server's limits, and a socket without a member id keeps its member across re-joins", async () => {
    const { url } = await server({ messageMaxLength: 500, nameMaxLength: 20, historyPageSize: 7, historyMaxPageSize: 70, imageMaxBytes: 123_456, imageMaxPixels: 654_321 });
    const s = raw(url);
    const created = (await ask(s, 'room:create', { name: 'Ann' })) as Answer & { room: { code: string; self: { id: string }; limits: Record<string, number> } };
    assert.deepEqual(created.room.limits, { nameMaxLength: 20, messageMaxLength: 500, clientIdMaxLength: 64, historyPageSize: 7, historyMaxPageSize: 70, imageMaxBytes: 123_456, imageMaxPixels: 654_321 });
    const again = (await ask(s, 'room:join', { code: created.room.code, name: 'Ann' })) as typeof created;
    assert.equal(again.room.self.id, created.room.self.id, 'the same member on the same connection');
    const other = (await ask(raw(url), 'room:join', { code: created.room.code, name: 'Ann' })) as typeof created;
    assert.notEqual(other.room.self.id, created.room.self.id, 'another connection without a member id is another member');
    assert.match(created.room.self.id, /^[\w-]{16}$/);
  });

  test('after room:leave a socket gets no more of the room\'s broadcasts', async () => {
    const { url } = await server();
    const host = await client(url).createRoom({ name: 'Host' });
    const s = raw(url);
    const seen: string[] = [];
    s.on('message:created', (m: ChatMessage) => seen.push(m.text ?? m.kind));
    assert.equal((await ask(s, 'room:join', { code: host.code, name: 'Leaver' })).ok, true);
    await host.send('while there');
    await eventually(() => seen.includes('while there'), 'the broadcast while a member');
    assert.equal((await ask(s, 'room:leave', { code: host.code })).ok, true);
    await host.send('after leaving');
    // A second socket that stayed gets this one; by then the first would have too.
    const stayer = raw(url);
    const stayed: string[] = [];
    stayer.on('message:created', (m: ChatMessage) => stayed.push(m.text ?? m.kind));
    await ask(stayer, 'room:join', { code: host.code, name: 'Stayer' });
    await host.send('marker');
    await eventually(() => stayed.includes('marker'), 'the marker');
    assert.deepEqual(seen.filter((t) => t !== 'join' && t !== 'leave'), ['while there']);
  });
});

describe('failures with stable codes', () => {
  /** A writer that stores through the real one, or, when `hold` is set, waits until released. */
  function gatedWriter(dataDir: string) {
    let inner: MessageWriter | undefined;
    let gate: Promise<void> | undefined;
    let open = () => {};
    const calls: string[] = [];
    const writer: MessageWriter = {
      start: async () => {
        // Started by listen() once the schema is migrated; a connection of its own to the file.
        const db = openDatabase({ databaseUrl: undefined, dataDir });
        cleanups.push(() => db.destroy());
        inner = createMessageWriter(db);
        await inner.start();
      },
      close: async () => {
        calls.push('close');
        await inner?.close();
      },
      write: async (batch) => {
        calls.push('write');
        if (gate) await gate;
        const outcomes = await inner!.write(batch);
        calls.push('written');
        return outcomes;
      },
    };
    return {
      writer,
      calls,
      hold() {
        gate = new Promise((resolve) => (open = resolve));
      },
      release() {
        gate = undefined;
        open();
      },
    };
  }

  test('a request the server does not answer in time rejects with TIMEOUT; a client closed meanwhile rejects with DISCONNECTED', async () => {
    const storage = await createStorage('sqlite');
    const gated = gatedWriter(storage.options.dataDir!);
    const running = await server({ messageWriter: gated.writer }, storage);
    gated.hold(); // a join records its join line: it waits for the writer
    await assert.rejects(client(running.url, { requestTimeoutMs: 300 }).createRoom({ name: 'Slow' }), { code: 'TIMEOUT' });
    const received = requestsSeenBy(running);
    const closing = client(running.url);
    const pending = closing.createRoom({ name: 'Closed' });
    await eventually(() => received.includes('room:create'), 'the request to reach the server');
    closing.close();
    await assert.rejects(pending, { code: 'DISCONNECTED' });
    gated.release();
  });

  test('the server dropping the connection mid-request rejects it with DISCONNECTED', async () => {
    const storage = await createStorage('sqlite');
    const gated = gatedWriter(storage.options.dataDir!);
    const running = await server({ messageWriter: gated.writer }, storage);
    gated.hold();
    const received = requestsSeenBy(running);
    const c = client(running.url);
    const pending = c.createRoom({ name: 'Dropped' });
    await eventually(() => received.includes('room:create'), 'the request to reach the server');
    running.server.io.disconnectSockets(true);
    await assert.rejects(pending, { code: 'DISCONNECTED' });
    gated.release();
  });

  test('an unexpected failure answers INTERNAL with a generic message, on sockets as over HTTP', async () => {
    const failing: MessageWriter = {
      start: async () => {},
      close: async () => {},
      write: async () => {
        throw new Error('secret internal detail');
      },
    };
    const { url } = await server({ messageWriter: failing });
    const answer = await ask(raw(url), 'room:create', { name: 'Ann' });
    assert.deepEqual(answer, { ok: false, error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  test('shutdown waits for a write in flight: the send is acknowledged and stored before the writer closes', async () => {
    const storage = await createStorage('sqlite');
    const gated = gatedWriter(storage.options.dataDir!);
    const running = await server({ messageWriter: gated.writer }, storage);
    const room = await client(running.url).createRoom({ name: 'Last' });
    gated.hold();
    const sending = room.send('the last word');
    await eventually(() => gated.calls.filter((c) => c === 'write').length === 2, 'the send to reach the writer');
    let closed = false;
    const closing = running.server.close().then(() => (closed = true));
    // close() resolving needs the write to settle: let everything else it does run first.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closed, false, 'close() waits while a write is in flight');
    gated.release();
    assert.equal((await sending).text, 'the last word');
    await closing;
    assert.deepEqual(gated.calls.slice(-3), ['write', 'written', 'close'], 'the writer closed only after the write landed');
  });
});

describe('presence through the heartbeat', () => {
  test("Socket.IO's heartbeat and the grace period add up to the README's \"left within about 60 s\"", async () => {
    const { server: chat } = await server();
    const { pingInterval, pingTimeout } = chat.io.engine.opts as { pingInterval: number; pingTimeout: number };
    assert.deepEqual([pingInterval, pingTimeout, DEFAULT_CONFIG.presenceGraceMs], [25_000, 20_000, 15_000]);
    assert.ok(pingInterval + pingTimeout + DEFAULT_CONFIG.presenceGraceMs <= 60_000);
  });

  test('a member whose process freezes (no close, no pongs) is shown as left once the heartbeat times out and the grace period ends, not before', async (t) => {
    const graceMs = 300;
    const running = await server({ presenceGraceMs: graceMs });
    // The same rule at a test's scale: pings every 300 ms, 1.5 s to answer (the host's own
    // connection must keep answering in time on a loaded machine).
    const engine = running.server.io.engine.opts as { pingInterval: number; pingTimeout: number };
    engine.pingInterval = 300;
    engine.pingTimeout = 1500;
    const host = await client(running.url).createRoom({ name: 'Host' });
    const script = `
      const { io } = await import('socket.io-client');
      const s = io(process.argv[1], { transports: ['websocket'], reconnection: false });
      const res = await s.timeout(5000).emitWithAck('room:join', { code: process.argv[2], name: 'Frozen' });
      console.log(JSON.stringify(res.ok));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, running.url, host.code], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    assert.equal(line.toString().trim(), 'true');
    await eventually(() => host.members.length === 2, 'Frozen to arrive');
    const frozenAt = Date.now();
    child.kill('SIGSTOP');
    const left = await new Promise<number>((resolve) => host.on('member-left', () => resolve(Date.now())));
    const took = left - frozenAt;
    // Not before: the server waits pingTimeout for a pong before it drops the connection, and then
    // the grace period. After: here at all, which a member never shown as left would not be.
    assert.ok(took >= engine.pingTimeout + graceMs - 50, `left ${took} ms after freezing`);
    await eventually(() => host.messages.some((m) => m.kind === 'leave' && m.author === 'Frozen'), 'the leave line');
  });
});
