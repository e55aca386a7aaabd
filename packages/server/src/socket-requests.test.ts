// A connection's requests beyond sending (realtime/connection.ts), each answered by its ack:
// typing goes to the others and is budgeted, read positions and searches are the member's own,
// a connection's rooms are bounded, and a room is created only where the app allows it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { App } from './auth/apps.js';
import { ask, createStorage, openSocket, startServer, type RunningServer, type TestStorage } from './testing.js';

const SITE = 'https://site.example';

describe('socket requests', () => {
  let storage: TestStorage;
  let running: RunningServer;
  let closed: App;
  const sockets: Socket[] = [];
  const open = async (auth: Record<string, string> = {}) => {
    const socket = await openSocket(running.url, { auth, origin: SITE });
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, roomsPerConnection: 2, typingPerWindow: 3, readMarksPerWindow: 3 });
    closed = await running.server.apps.create('Closed', [SITE], { roomCreation: 'none' });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await running.server.close();
    await storage.dispose();
  });

  test('a send repeated with its client id is answered with the original and reaches the others once', async () => {
    const [ann, bob] = [await open(), await open()];
    const { room } = await ask(ann, 'room:create', { name: 'Ann' });
    await ask(bob, 'room:join', { code: room.code, name: 'Bob' });
    const heard: string[] = [];
    bob.on('message:created', (m) => heard.push(m.text));
    const first = await ask(ann, 'message:send', { code: room.code, clientId: 'retry-1', text: 'once' });
    const again = await ask(ann, 'message:send', { code: room.code, clientId: 'retry-1', text: 'once' });
    assert.deepEqual([again.message.id, again.message.seq], [first.message.id, first.message.seq]);
    // Broadcasts keep the room's order: once the next message is heard, a repeat would have been.
    const next = new Promise((resolve) => bob.on('message:created', (m) => m.text === 'next' && resolve(m)));
    await ask(ann, 'message:send', { code: room.code, clientId: 'retry-2', text: 'next' });
    await next;
    assert.deepEqual(heard, ['once', 'next']);
  });

  test('typing reaches the other members, not the typist, and is budgeted per connection', async () => {
    const [ann, bob] = [await open(), await open()];
    const { room } = await ask(ann, 'room:create', { name: 'Ann' });
    await ask(bob, 'room:join', { code: room.code, name: 'Bob' });
    const seen: string[] = [];
    ann.on('member:typing', (e) => seen.push(`ann saw ${e.member.name}`));
    bob.on('member:typing', (e) => seen.push(`bob saw ${e.member.name}`));
    const heard = new Promise((resolve) => ann.once('member:typing', resolve));
    assert.deepEqual(await ask(bob, 'typing:start', { code: room.code }), { ok: true });
    await heard;
    assert.deepEqual(seen, ['ann saw Bob']);
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await ask(bob, 'typing:start', { code: room.code }));
    assert.deepEqual(acks.map((a) => a.ok || a.error.code), [true, true, 'RATE_LIMITED'], 'typingPerWindow (3) signals');
    assert.equal((await ask(ann, 'typing:start', { code: room.code })).ok, true, "another connection's budget is its own");
    assert.equal((await ask(bob, 'typing:start', { code: 'NOTJOINED' })).error.code, 'NOT_A_MEMBER');
  });

  test("read:mark answers the member's stored position; a search answers from the member's room", async () => {
    const ann = await open();
    const { room } = await ask(ann, 'room:create', { name: 'Ann' });
    const sent = await ask(ann, 'message:send', { code: room.code, clientId: 'c1', text: 'findable words' });
    assert.deepEqual(await ask(ann, 'read:mark', { code: room.code, seq: 99 }), { ok: true, seq: sent.message.seq });
    const found = await ask(ann, 'message:search', { code: room.code, query: 'findable' });
    assert.deepEqual(found.messages.map((m: { text: string }) => m.text), ['findable words']);
    const other = await open();
    assert.equal((await ask(other, 'message:search', { code: room.code, query: 'findable' })).error.code, 'NOT_A_MEMBER');
    assert.equal((await ask(other, 'read:mark', { code: room.code, seq: 1 })).error.code, 'NOT_A_MEMBER');
  });

  test('a connection is in roomsPerConnection rooms at most; joining one of them again, or leaving one, makes room', async () => {
    const socket = await open();
    const first = await ask(socket, 'room:create', { name: 'Ann' });
    await ask(socket, 'room:create', { name: 'Ann' });
    const third = await ask(socket, 'room:create', { name: 'Ann' });
    assert.deepEqual([third.ok, third.error.code], [false, 'TOO_MANY_ROOMS']);
    assert.match(third.error.message, /at most 2 rooms/);
    const again = await ask(socket, 'room:join', { code: first.room.code, name: 'Ann' });
    assert.deepEqual([again.ok, again.room.self.id], [true, first.room.self.id], 'the same member again');
    await ask(socket, 'room:leave', { code: first.room.code });
    assert.equal((await ask(socket, 'room:create', { name: 'Ann' })).ok, true);
  });

  test('a guest needs a name, and creates rooms only where its app allows it', async () => {
    const guest = await open();
    assert.equal((await ask(guest, 'room:create', {})).error.code, 'NAME_INVALID');
    const inClosed = await open({ app: closed.id });
    const refused = await ask(inClosed, 'room:create', { name: 'Ann' });
    assert.deepEqual([refused.error.code, /created by its site/.test(refused.error.message)], ['FORBIDDEN', true]);
    const page = await ask(inClosed, 'room:open', { key: 'page-1', name: 'Ann' });
    assert.equal(page.error.code, 'ROOM_NOT_FOUND');
  });
});
