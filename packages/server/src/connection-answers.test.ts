// What a connection's refused requests say (realtime/connection.ts): each code comes with a
// message a developer can act on. And what it keeps to itself: one member per room however often
// it joins, a token's far-off expiry that does not close it, its ack latency as the metrics
// report it, and the oversized-packet warning kept for oversized packets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import type { App } from './auth/apps.js';
import { RESERVED_SUB_PREFIX } from './auth/members.js';
import { ask, createStorage, eventually, openSocket, signFor, startServer, type RunningServer, type TestStorage } from './testing.js';

const SITE = 'https://site.example';
const DAY_MS = 24 * 60 * 60_000;

describe("a connection's answers", () => {
  let storage: TestStorage;
  let running: RunningServer;
  let signedOnly: App;
  let shop: App;
  const logged: { msg: string }[] = [];
  const sockets: Socket[] = [];
  const open = async (auth: Record<string, string> = {}) => {
    const socket = await openSocket(running.url, { auth, origin: SITE });
    sockets.push(socket);
    return socket;
  };
  const refusal = async (socket: Socket, event: string, payload: object) => {
    const answer = await ask(socket, event, payload);
    assert.equal(answer.ok, false, JSON.stringify(answer));
    return `${answer.error.code}: ${answer.error.message}`;
  };

  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({
      ...storage.options,
      metricsToken: 'metrics-token',
      // Far-off expiries are allowed here, to show that one past setTimeout's range does not close the connection at once.
      tokenMaxLifetimeMs: 60 * DAY_MS,
      logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    });
    signedOnly = await running.server.apps.create('Signed only', [SITE], { roomCreation: 'verified' });
    shop = await running.server.apps.create('Shop', [SITE]);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await running.server.close();
    await storage.dispose();
  });

  test('each refusal names what to do', async () => {
    const guest = await open();
    assert.equal(await refusal(guest, 'room:create', {}), 'NAME_INVALID: Pick a name');
    assert.equal(await refusal(guest, 'message:send', { code: 'NOTJOINED', clientId: 'c-1', text: 'hi' }), 'NOT_A_MEMBER: Join the room first');
    assert.equal(await refusal(guest, 'direct:open', { userId: 'ann' }), 'AUTH_REQUIRED: Direct conversations are for signed-in users: connect with a token');
    const { room } = await ask(guest, 'room:create', { name: 'Gus' });
    assert.equal(await refusal(guest, 'direct:member', { code: room.code, member: room.self.id }), 'INVALID_PAYLOAD: A direct conversation is with another member');
    assert.equal(await refusal(guest, 'direct:member', { code: room.code, member: 'nobody' }), 'MEMBER_NOT_FOUND: That member is not in this room (any more)');
    const signedOnlyGuest = await open({ app: signedOnly.id });
    assert.equal(await refusal(signedOnlyGuest, 'room:create', { name: 'Gus' }), 'FORBIDDEN: Only signed-in users may create rooms here');
    const user = await open({ app: shop.id, token: await signFor(shop, 'ann') });
    // The payload's schema refuses the server's own ids (schemas.ts), before the request is handled.
    assert.equal(await refusal(user, 'direct:open', { userId: `${RESERVED_SUB_PREFIX}direct:x` }), `INVALID_PAYLOAD: User ids starting with "${RESERVED_SUB_PREFIX}" are the server's (userId)`);
  });

  test('a connection that joins a room again stays the member it was, whatever member id it gives', async () => {
    const socket = await open();
    const first = await ask(socket, 'room:create', { name: 'Ann', memberId: 'first-member-id-0001' });
    const again = await ask(socket, 'room:join', { code: first.room.code, name: 'Ann', memberId: 'other-member-id-0002' });
    assert.equal(again.room.self.id, first.room.self.id);
  });

  test("a connection hears of its member's direct conversations while it is in a room as that member, and not after it left them all", async () => {
    const [ann1, ann2, bob] = [await open({ app: shop.id, token: await signFor(shop, 'ann') }), await open({ app: shop.id, token: await signFor(shop, 'ann') }), await open({ app: shop.id, token: await signFor(shop, 'bob') })];
    const heard = (socket: Socket) => {
      const texts: string[] = [];
      socket.on('direct:message', (e: { message: { text: string } }) => texts.push(e.message.text));
      return texts;
    };
    const [first, second] = [heard(ann1), heard(ann2)];
    await ask(ann1, 'room:open', { key: 'lobby' });
    await ask(ann1, 'room:open', { key: 'desk' });
    await ask(ann1, 'room:leave', { code: (await ask(ann1, 'room:open', { key: 'lobby' })).room.code });
    await ask(ann2, 'room:open', { key: 'porch' });
    const direct = (await ask(bob, 'direct:open', { userId: 'ann' })).room;
    await ask(bob, 'message:send', { code: direct.code, clientId: 'd-1', text: 'still there?' });
    await eventually(() => first.length === 1 && second.length === 1, 'both of Ann\'s connections to hear of it: the first is still in a room');
    await ask(ann1, 'room:leave', { code: (await ask(ann1, 'room:open', { key: 'desk' })).room.code });
    await ask(bob, 'message:send', { code: direct.code, clientId: 'd-2', text: 'gone?' });
    await eventually(() => second.length === 2, 'the connection still in a room to hear of the second');
    // One emit reaches both connections at once: a request answered on the first after that comes after it.
    await ask(ann1, 'room:list', {});
    assert.deepEqual(first, ['still there?'], 'a connection in no room hears no more');
  });

  test('a token that expires further off than a timer can count keeps its connection open', async () => {
    const token = await new SignJWT({ name: 'Ann' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ann-long')
      .setExpirationTime(Math.floor((Date.now() + 30 * DAY_MS) / 1000))
      .sign(new TextEncoder().encode(shop.secret));
    const socket = await open({ app: shop.id, token });
    // Timers past 2^31-1 ms fire at once: the expiry is capped instead, so the connection serves requests.
    assert.equal((await ask(socket, 'room:open', { key: 'long-token' })).ok, true);
    assert.equal(socket.connected, true);
  });

  test('the ack latency in the metrics is in seconds, within what the sender measured', async () => {
    const socket = await open();
    const { room } = await ask(socket, 'room:create', { name: 'Ann' });
    const scrape = async () => {
      const text = await (await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer metrics-token' } })).text();
      const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? Number.NaN);
      return { count: value('roomchat_message_ack_seconds_count'), sum: value('roomchat_message_ack_seconds_sum') };
    };
    const before = await scrape();
    const started = performance.now();
    assert.equal((await ask(socket, 'message:send', { code: room.code, clientId: 'c-timed', text: 'timed' })).ok, true);
    const measured = (performance.now() - started) / 1000;
    const after = await scrape();
    assert.equal(after.count - before.count, 1);
    const observed = after.sum - before.sum;
    assert.ok(observed > 0 && observed <= measured, `observed ${observed} s, the sender measured ${measured} s`);
  });

  test('an ordinary disconnect is not logged as an oversized packet', async () => {
    const socket = await open();
    await ask(socket, 'room:create', { name: 'Ann' });
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.disconnect();
    await closed;
    // The server's own disconnect handling is done once a new connection is served after it.
    await ask(await open(), 'room:create', { name: 'Bo' });
    assert.deepEqual(logged.filter((l) => /larger than socketMaxPayloadBytes/.test(l.msg)), []);
  });
});
