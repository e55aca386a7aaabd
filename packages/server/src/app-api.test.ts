/**
 * The server-to-server REST API (issue #22): a site's backend, with `Authorization:
 * Roomchat-Secret <app secret>`, creates rooms by key (open or private with users), adds and
 * removes users, posts as a bot, reads history and deletes any message of its app's rooms. Every
 * refusal: no secret, a wrong one, another app's, a user token where the secret is needed and the
 * secret where a user token is, and a room of another app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode, type ChatMessage } from '@roomchat/protocol';
import type { ChatError, ChatClient } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, signFor, startServer, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';
let storage: TestStorage;
let running: RunningServer;
let shop: App;
let blog: App;
const clients: ChatClient[] = [];

before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer({ ...storage.options, appsCacheMs: 0 });
  shop = await running.server.apps.create('Shop', [SHOP]);
  blog = await running.server.apps.create('Blog', [SHOP]);
});
after(async () => {
  for (const c of clients) c.close();
  await running.server.close();
  await storage.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, each asserted field by field.
type Answer = { status: number; body: any };
/** A call of `app`'s backend: with its secret unless `authorization` says otherwise. */
async function call(
  app: App,
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = `${APP_SECRET_SCHEME} ${app.secret}`,
): Promise<Answer> {
  const headers: Record<string, string> = { [APP_HEADER]: app.id };
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${running.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}
const client = (app: App, token?: string) => {
  const c = connect(running.url, { app: app.id, ...(token ? { token } : {}), socket: { extraHeaders: { origin: SHOP } } });
  clients.push(c);
  return c;
};

describe('a site backend with its app secret', () => {
  test('creates a private room by key with its users (again: the same room), which they enter and others may not', async () => {
    const created = await call(shop, 'PUT', '/v1/rooms/by-key/order-1001', { private: true, members: ['alice', 'support-1'] });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { ...created.body.room, code: undefined, createdAt: undefined },
      { code: undefined, key: 'order-1001', private: true, members: ['alice', 'support-1'], createdAt: undefined },
    );
    const again = await call(shop, 'PUT', '/v1/rooms/by-key/order-1001', { private: true });
    assert.deepEqual([again.status, again.body.room.code], [200, created.body.room.code]);

    const alice = await client(shop, await signFor(shop, 'alice')).openRoom({ key: 'order-1001' });
    assert.equal(alice.code, created.body.room.code);
    await assert.rejects(client(shop, await signFor(shop, 'mallory')).openRoom({ key: 'order-1001' }), (e: ChatError) => e.code === ErrorCode.FORBIDDEN);
  });

  test('adds and removes the users of a private room', async () => {
    const { body } = await call(shop, 'PUT', '/v1/rooms/by-key/order-1002', { private: true, members: ['alice'] });
    const code = body.room.code;
    const added = await call(shop, 'POST', `/v1/rooms/${code}/members`, { users: ['bob', 'carol', 'bob'] });
    assert.deepEqual([added.status, added.body.members], [200, ['alice', 'bob', 'carol']]);
    const bobClient = client(shop, await signFor(shop, 'bob'));
    await bobClient.joinRoom(code);
    const refusedOnRejoin = new Promise<ChatError>((resolve) => bobClient.on('error', resolve));
    const removed = await call(shop, 'DELETE', `/v1/rooms/${code}/members/bob`);
    assert.deepEqual(removed.body.members, ['alice', 'carol']);
    // A removed user's live connection is closed; its client re-joins and is refused.
    assert.equal((await refusedOnRejoin).code, ErrorCode.FORBIDDEN);
    await assert.rejects(client(shop, await signFor(shop, 'bob')).joinRoom(code), (e: ChatError) => e.code === ErrorCode.FORBIDDEN);
    const open = await call(shop, 'PUT', '/v1/rooms/by-key/lobby', {});
    assert.equal(open.body.room.private, false);
    const refused = await call(shop, 'POST', `/v1/rooms/${open.body.room.code}/members`, { users: ['bob'] });
    assert.deepEqual([refused.status, refused.body.error.code], [400, ErrorCode.INVALID_PAYLOAD], 'an open room has no list');
    assert.equal((await call(shop, 'PUT', '/v1/rooms/by-key/not ok', {})).body.error.code, ErrorCode.INVALID_PAYLOAD);
    assert.equal((await call(shop, 'PUT', '/v1/rooms/by-key/x', { members: ['a'] })).body.error.code, ErrorCode.INVALID_PAYLOAD, 'members without private');
  });

  test('posts as a bot (marked as one, live to members), reads a private room’s history and deletes any message', async () => {
    const { body } = await call(shop, 'PUT', '/v1/rooms/by-key/order-1003', { private: true, members: ['alice'] });
    const code = body.room.code;
    const alice = await client(shop, await signFor(shop, 'alice')).joinRoom(code);
    const mine = await alice.send('where is my parcel?');
    const heard = new Promise<ChatMessage>((resolve) => alice.on('message', (m) => m.bot && resolve(m)));
    const posted = await call(shop, 'POST', `/v1/rooms/${code}/messages`, { name: 'Order bot', text: 'Your parcel left the warehouse.' });
    assert.equal(posted.status, 201);
    assert.deepEqual([posted.body.message.author, posted.body.message.bot], ['Order bot', true]);
    assert.match(posted.body.message.authorId, /^bot:/);
    const live = await heard;
    assert.deepEqual([live.author, live.bot, live.text], ['Order bot', true, 'Your parcel left the warehouse.']);
    assert.equal(mine.bot, undefined, "a member's message is not a bot's");

    const history = await call(shop, 'GET', `/v1/rooms/${code}/messages`);
    assert.deepEqual(
      history.body.messages.filter((m: ChatMessage) => m.kind === 'text').map((m: ChatMessage) => m.text),
      ['where is my parcel?', 'Your parcel left the warehouse.'],
    );
    const deleted = await call(shop, 'DELETE', `/v1/rooms/${code}/messages/${mine.id}`);
    assert.deepEqual([deleted.status, deleted.body.entry.kind, deleted.body.entry.target], [200, 'delete', mine.id]);
    await new Promise<void>((resolve) =>
      alice.messages.find((m) => m.id === mine.id)?.deletedAt ? resolve() : alice.on('message-updated', (m) => m.id === mine.id && resolve()),
    );
    const missing = await call(shop, 'DELETE', `/v1/rooms/${code}/messages/999999`);
    assert.deepEqual([missing.status, missing.body.error.code], [404, ErrorCode.MESSAGE_NOT_FOUND]);
  });
});

describe('refusals', () => {
  test('no credentials, a wrong secret, another app’s secret, a user token on app routes, each with its code', async () => {
    const { body } = await call(shop, 'PUT', '/v1/rooms/by-key/refusals', { private: true, members: ['alice'] });
    const code = body.room.code;
    const userToken = `Bearer ${await signFor(shop, 'alice')}`;
    const cases: [string, string | null, number, string][] = [
      ['none', null, 401, ErrorCode.AUTH_REQUIRED],
      ['wrong secret', `${APP_SECRET_SCHEME} ${'x'.repeat(43)}`, 401, ErrorCode.AUTH_INVALID],
      ["another app's secret", `${APP_SECRET_SCHEME} ${blog.secret}`, 401, ErrorCode.AUTH_INVALID],
      ['a user token', userToken, 403, ErrorCode.FORBIDDEN],
    ];
    for (const [what, authorization, status, errorCode] of cases) {
      for (const [method, path, payload] of [
        ['PUT', '/v1/rooms/by-key/new-one', {}],
        ['POST', `/v1/rooms/${code}/members`, { users: ['eve'] }],
        ['DELETE', `/v1/rooms/${code}/members/alice`, undefined],
        ['DELETE', `/v1/rooms/${code}/messages/1`, undefined],
      ] as const) {
        const answer = await call(shop, method, path, payload, authorization);
        assert.deepEqual([answer.status, answer.body.error?.code], [status, errorCode], `${what}: ${method} ${path}`);
      }
    }
    assert.equal(await running.server.chat.rooms.findByKey('new-one', shop.id), undefined, 'nothing was created');
    assert.deepEqual(await running.server.chat.access.members((await running.server.chat.rooms.findByKey('refusals', shop.id))!), ['alice']);
  });

  test('the app secret where a user token goes is refused: as a Bearer, and as a socket token', async () => {
    const asBearer = await call(shop, 'GET', '/v1/rooms/by-key/x', undefined, `Bearer ${shop.secret}`);
    assert.deepEqual([asBearer.status, asBearer.body.error.code], [401, ErrorCode.AUTH_INVALID]);
    assert.match(asBearer.body.error.message, /app secret/);
    const c = client(shop, shop.secret);
    const error = await new Promise<ChatError>((resolve) => c.once('error', resolve));
    assert.equal(error.code, ErrorCode.AUTH_INVALID);
  });

  test("a key or a room code of another app does not cross: blog's backend neither sees nor changes shop's room", async () => {
    const inShop = await call(shop, 'PUT', '/v1/rooms/by-key/shared-key', { private: true, members: ['alice'] });
    const inBlog = await call(blog, 'PUT', '/v1/rooms/by-key/shared-key', {});
    assert.equal(inBlog.status, 201, 'a room of its own');
    assert.notEqual(inBlog.body.room.code, inShop.body.room.code);
    const code = inShop.body.room.code;
    for (const [method, path, payload] of [
      ['POST', `/v1/rooms/${code}/members`, { users: ['eve'] }],
      ['GET', `/v1/rooms/${code}/messages`, undefined],
      ['POST', `/v1/rooms/${code}/messages`, { name: 'Intruder', text: 'hi' }],
      ['DELETE', `/v1/rooms/${code}/messages/1`, undefined],
    ] as const) {
      const answer = await call(blog, method, path, payload);
      assert.deepEqual([answer.status, answer.body.error?.code], [404, ErrorCode.ROOM_NOT_FOUND], `${method} ${path}`);
    }
  });

  test('anonymous REST posts: off for a new app, on for the default app (the demo)', async () => {
    const { body } = await call(shop, 'PUT', '/v1/rooms/by-key/public', {});
    const anonymous = await call(shop, 'POST', `/v1/rooms/${body.room.code}/messages`, { name: 'Anon', text: 'hi' }, null);
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, ErrorCode.AUTH_REQUIRED]);
    const demoRoom = await running.server.chat.createRoom('127.0.0.1');
    const res = await fetch(`${running.url}/v1/rooms/${demoRoom.code}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Anon', text: 'hi' }),
    });
    assert.equal(res.status, 201);
  });
});
