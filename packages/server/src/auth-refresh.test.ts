// `auth:refresh` (realtime/connection.ts): a connection opened with a token takes a fresh one for
// the same user and is told the new expiry; a guest connection, another user's token and an
// invalid token are refused with AUTH_INVALID, and the connection stays as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import type { App } from './auth/apps.js';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

const SITE = 'https://site.example';
let storage: TestStorage;
let running: RunningServer;
let app: App;
const sockets: Socket[] = [];

before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer(storage.options);
  app = await running.server.apps.create('Site', [SITE]);
});
after(async () => {
  for (const s of sockets) s.close();
  await running.server.close();
  await storage.dispose();
});

const tokenFor = (sub: string, expiresAt: number) =>
  new SignJWT({ name: sub }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(expiresAt).sign(new TextEncoder().encode(app.secret));
const open = async (token?: string) => {
  const socket = io(running.url, { auth: { app: app.id, ...(token ? { token } : {}) }, transports: ['websocket'], reconnection: false, extraHeaders: { origin: SITE } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
};
const refresh = (socket: Socket, token: string) => socket.timeout(5000).emitWithAck('auth:refresh', { token });

test('a fresh token for the same user is taken and its expiry told; another user, a bad token and a guest connection are refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const socket = await open(await tokenFor('ann', now + 600));
  const later = now + 1200;
  assert.deepEqual(await refresh(socket, await tokenFor('ann', later)), { ok: true, expiresAt: new Date(later * 1000).toISOString() });
  const other = await refresh(socket, await tokenFor('bob', later));
  assert.deepEqual([other.ok, other.error.code, other.error.message], [false, 'AUTH_INVALID', 'A refresh must be for the same user (sub)']);
  const bad = await refresh(socket, 'not.a.token');
  assert.deepEqual([bad.ok, bad.error.code], [false, 'AUTH_INVALID']);
  assert.equal((await socket.timeout(5000).emitWithAck('room:create', {})).ok, true, 'still connected as Ann');

  const guest = await open();
  const refused = await refresh(guest, await tokenFor('ann', later));
  assert.deepEqual([refused.ok, refused.error.code], [false, 'AUTH_INVALID']);
  assert.match(refused.error.message, /without a token/);
});
