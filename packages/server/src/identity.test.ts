/**
 * Apps and signed identity (issue #22), over a real server, real sockets and tokens signed with
 * jose: HS256 with an app's secret, RS256 and ES256 with key pairs published by a small JWKS
 * server of the test's own.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { APP_HEADER, ErrorCode } from '@roomchat/protocol';
import { ChatError, type ChatClient, type ChatClientOptions } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, eventually, startServer, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';
const BLOG = 'https://blog.example';

let storage: TestStorage;
let running: RunningServer;
let shop: App;
let blog: App;
let members: App;
let jwks: Server;
let jwksUrl: string;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const keys = {} as Record<'RS256' | 'ES256', PrivateKey>;
const clients: ChatClient[] = [];

before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer({ ...storage.options, tokenClockToleranceMs: 0, tokenMaxLifetimeMs: 60 * 60_000, appsCacheMs: 0 });
  const published: object[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const pair = await generateKeyPair(alg);
    keys[alg] = pair.privateKey;
    published.push({ ...(await exportJWK(pair.publicKey)), kid: alg, alg, use: 'sig' });
  }
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  jwks.listen(0, '127.0.0.1');
  await once(jwks, 'listening');
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  const { apps } = running.server;
  shop = await apps.create('Shop', [SHOP], {}, jwksUrl);
  blog = await apps.create('Blog', [BLOG]);
  members = await apps.create('Members only', [SHOP], { guestsAllowed: false });
});

after(async () => {
  for (const client of clients) client.close();
  await running.server.close();
  jwks.close();
  await storage.dispose();
});

/** A token as a host's backend signs it: HS256 with the app's secret unless told otherwise. */
async function sign(app: App, claims: JWTPayload = {}, { alg = 'HS256', exp = '10m', key }: { alg?: string; exp?: string | number | null; key?: PrivateKey | Uint8Array } = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'u-42', name: 'Ada Lovelace', ...claims }).setProtectedHeader({ alg, ...(alg === 'HS256' ? {} : { kid: alg }) }).setIssuedAt();
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(key ?? (alg === 'HS256' ? new TextEncoder().encode(app.secret) : keys[alg as 'RS256' | 'ES256']));
}

/** A client of `app` as a page of `origin` would connect. */
function client(app: App | undefined, origin: string, options: Partial<ChatClientOptions> = {}): ChatClient {
  const c = connect(running.url, { ...(app ? { app: app.id } : {}), ...options, socket: { extraHeaders: { origin } } });
  clients.push(c);
  return c;
}

/** The code of the first refusal a client reports (its handshake's connect_error). */
async function refusal(c: ChatClient): Promise<string> {
  const error = await new Promise<ChatError>((resolve) => c.once('error', resolve));
  assert.ok(error instanceof ChatError);
  return error.code;
}

describe('signed identity', () => {
  test('a verified user joins under its token name and picture, marked verified; the join name is ignored', async () => {
    const token = await sign(shop, { picture: 'https://shop.example/ada.png', roles: ['staff'] });
    const room = await client(shop, SHOP, { token }).createRoom({ name: 'Mallory' });
    // Its creator owns the room (docs/moderation.md).
    assert.deepEqual({ ...room.self, id: undefined }, { id: undefined, name: 'Ada Lovelace', verified: true, userId: 'u-42', avatarUrl: 'https://shop.example/ada.png', role: 'owner' });
    const guest = await client(shop, SHOP).joinRoom(room.code, { name: 'Guest' });
    assert.equal(guest.self.verified, undefined, 'guests are unchanged');
    assert.deepEqual(
      guest.members.map((m) => [m.name, m.verified ?? false]),
      [['Ada Lovelace', true], ['Guest', false]],
    );
  });

  test('RS256 and ES256 tokens are verified with the keys at the app JWKS URL', async () => {
    for (const alg of ['RS256', 'ES256']) {
      const room = await client(shop, SHOP, { token: await sign(shop, { sub: `k-${alg}`, name: alg }, { alg }) }).createRoom();
      assert.deepEqual([room.self.name, room.self.verified, room.self.userId], [alg, true, `k-${alg}`]);
    }
  });

  test('every bad token is refused at the handshake with its code', async () => {
    const forged = await sign(shop, {}, { key: new TextEncoder().encode('not the secret of this app, 32 bytes!') });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', name: 'n', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url')}.`;
    const cases: Array<[string, string | Promise<string>, App, string]> = [
      ['forged signature', forged, shop, ErrorCode.AUTH_INVALID],
      ['expired', sign(shop, {}, { exp: Math.floor(Date.now() / 1000) - 10 }), shop, ErrorCode.AUTH_EXPIRED],
      ["another app's token", sign(blog), shop, ErrorCode.AUTH_INVALID],
      ['alg none', none, shop, ErrorCode.AUTH_INVALID],
      ['HS384, not allowed', sign(shop, {}, { alg: 'HS384', key: new TextEncoder().encode(shop.secret) }), shop, ErrorCode.AUTH_INVALID],
      ['RS256 where the app has no JWKS URL', sign(blog, {}, { alg: 'RS256' }), blog, ErrorCode.AUTH_INVALID],
      ['no exp', sign(shop, {}, { exp: null }), shop, ErrorCode.AUTH_INVALID],
      ['a lifetime over tokenMaxLifetimeMs', sign(shop, {}, { exp: '2h' }), shop, ErrorCode.AUTH_INVALID],
      ['a javascript: picture', sign(shop, { picture: 'javascript:alert(1)' }), shop, ErrorCode.AUTH_INVALID],
      ['not a JWT', 'hello', shop, ErrorCode.AUTH_INVALID],
    ];
    for (const [what, token, app, code] of cases) {
      const c = client(app, app === blog ? BLOG : SHOP, { token: await token });
      const joining = c.createRoom().then(
        () => 'joined',
        (e: ChatError) => e.code,
      );
      assert.equal(await refusal(c), code, what);
      assert.equal(await joining, code, `${what}: the waiting request fails with it too`);
      assert.equal(c.state, 'disconnected');
    }
  });

  test('a guest where the app admits none gets AUTH_REQUIRED; with a token it gets in', async () => {
    assert.equal(await refusal(client(members, SHOP)), ErrorCode.AUTH_REQUIRED);
    const room = await client(members, SHOP, { token: await sign(members) }).createRoom();
    assert.equal(room.self.verified, true);
  });

  test('the same user in two connections is one member', async () => {
    const token = await sign(shop, { sub: 'twice', name: 'Twice' });
    const first = await client(shop, SHOP, { token }).createRoom();
    const observer = await client(shop, SHOP).joinRoom(first.code, { name: 'Observer' });
    const second = await client(shop, SHOP, { token: await sign(shop, { sub: 'twice', name: 'Twice' }) }).joinRoom(first.code);
    assert.equal(second.self.id, first.self.id);
    assert.deepEqual(observer.members.map((m) => m.name).sort(), ['Observer', 'Twice']);
    assert.deepEqual(second.members.map((m) => m.name).sort(), ['Observer', 'Twice'], 'counted once');
  });

  test('getToken is called again before expiry and the refreshed connection outlives the first token', async () => {
    let calls = 0;
    const getToken = async () => {
      calls++;
      return sign(shop, { sub: 'long', name: 'Long session' }, { exp: Math.floor(Date.now() / 1000) + 3 });
    };
    const c = client(shop, SHOP, { getToken });
    const room = await c.createRoom();
    let drops = 0;
    c.on('state', (s) => s === 'connecting' && drops++);
    await eventually(() => calls >= 2, 'a refresh', 6000);
    // Past the first token's expiry: the server would have closed a connection not refreshed.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(drops, 0, 'never disconnected');
    assert.equal((await room.send('still here')).text, 'still here');
  });

  test('an upload to a private room takes a current token from getToken, also when the one in hand has expired', async () => {
    await running.server.chat.rooms.create(shop.id, { key: 'uploads-private', private: true, members: ['uploader'] });
    // 1: the first handshake's token, short-lived; 2 and 3 (the refresh before expiry, the reconnect
    // after the server closed the connection at expiry) never answer, as when the host's backend is
    // slow: the client holds an expired token. 4 on: a good one.
    let calls = 0;
    const getToken = async () => {
      calls++;
      if (calls === 1) return sign(shop, { sub: 'uploader', name: 'Uploader' }, { exp: Math.floor(Date.now() / 1000) + 2 });
      if (calls <= 3) return new Promise<string>(() => undefined);
      return sign(shop, { sub: 'uploader', name: 'Uploader' });
    };
    const c = client(shop, SHOP, { getToken });
    const room = await c.openRoom({ key: 'uploads-private' });
    await eventually(() => calls >= 3, 'the token expired and the reconnect asked for a new one', 6000);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0a0' } }).png().toBuffer();
    const image = await room.uploadImage(new Uint8Array(png));
    assert.equal(image.width, 4);
    assert.equal(calls, 4, 'the upload asked getToken for a current token');
  });

  test('a connection whose token expires without a refresh is closed, and the reconnect gets AUTH_EXPIRED', async () => {
    const c = client(shop, SHOP, { token: await sign(shop, { sub: 'short' }, { exp: Math.floor(Date.now() / 1000) + 2 }) });
    await c.createRoom();
    assert.equal(await refusal(c), ErrorCode.AUTH_EXPIRED);
  });
});

describe('apps kept apart', () => {
  test("one app's room code does not open a room of another app", async () => {
    const room = await client(shop, SHOP).createRoom({ name: 'Shopper' });
    await assert.rejects(client(blog, BLOG).joinRoom(room.code, { name: 'Blogger' }), { code: ErrorCode.ROOM_NOT_FOUND });
    await assert.rejects(client(undefined, SHOP).joinRoom(room.code, { name: 'Default' }), { code: ErrorCode.ROOM_NOT_FOUND }, 'nor of the default app');
    const res = await fetch(`${running.url}/v1/rooms/${room.code}`, { headers: { [APP_HEADER]: blog.id } });
    assert.equal(res.status, 404);
  });

  test("one app's origin cannot use another app: ORIGIN_NOT_ALLOWED on the handshake and on HTTP writes", async () => {
    assert.equal(await refusal(client(blog, SHOP)), ErrorCode.ORIGIN_NOT_ALLOWED);
    const post = (app: App, origin: string) => fetch(`${running.url}/v1/rooms`, { method: 'POST', headers: { [APP_HEADER]: app.id, origin } });
    const refused = await post(blog, SHOP);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, ErrorCode.ORIGIN_NOT_ALLOWED);
    assert.equal((await post(blog, BLOG)).status, 201, 'its own origin may');
  });

  test('an unknown app is AUTH_INVALID', async () => {
    assert.equal(await refusal(client({ ...blog, id: 'no-such-app' }, BLOG)), ErrorCode.AUTH_INVALID);
  });

  test("anonymous REST posting is off for a new app; a user's token posts as that verified member", async () => {
    const room = await client(blog, BLOG).createRoom({ name: 'Host' });
    const post = (headers: Record<string, string>) =>
      fetch(`${running.url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { [APP_HEADER]: blog.id, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'Anon', text: 'hi' }) });
    const anonymous = await post({});
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, ErrorCode.AUTH_REQUIRED);
    const signed = await post({ authorization: `Bearer ${await sign(blog, { name: 'Poster' })}` });
    assert.equal(signed.status, 201);
    assert.equal(((await signed.json()) as { message: { author: string } }).message.author, 'Poster');
  });
});
