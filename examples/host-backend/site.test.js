// The example against a real Roomchat server: its product page embeds a signed token and the
// page's room key, and the token it signs is accepted by the server (a verified member of the
// app's room with that key). Run by the root `npm test` (scripts/test.mjs) and `npm test` here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ChatClient } from '@roomchat/sdk';
import { createChatServer } from '@roomchat/server';
import { createSite } from './site.js';

let dataDir;
let chat;
let chatUrl;
let site;
let siteUrl;
let app;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomchat-host-backend-'));
  chat = createChatServer({ dataDir, logLevel: 'silent' });
  ({ url: chatUrl } = await chat.listen({ port: 0, host: '127.0.0.1' }));
  app = await chat.apps.create('Host backend test', ['http://127.0.0.1']);
  site = createSite({ chatUrl, appId: app.id, appSecret: app.secret });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${site.address().port}`;
  await chat.apps.update(app.id, { origins: [siteUrl] });
});

after(async () => {
  site?.close();
  await chat?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("a signed-in visitor's product page embeds the widget with the page's room key and a token the server accepts", async () => {
  const login = await fetch(`${siteUrl}/login`, { method: 'POST', body: new URLSearchParams({ name: 'Grace Hopper' }), redirect: 'manual' });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const page = await (await fetch(`${siteUrl}/products/123`, { headers: { cookie } })).text();
  assert.match(page, /<chat-room [^>]*room-key="product-123"/);
  assert.match(page, new RegExp(`app="${app.id}"`));
  assert.match(page, new RegExp(`<script src="${chatUrl}/widget.js"`));
  const token = /token="([\w.-]+)"/.exec(page)?.[1];
  assert.ok(token, 'the page carries a token');

  const client = new ChatClient({ url: chatUrl, app: app.id, token, socket: { transports: ['websocket'], extraHeaders: { origin: siteUrl } } });
  try {
    const room = await client.openRoom({ key: 'product-123' });
    assert.deepEqual([room.self.name, room.self.verified, room.self.userId, room.key], ['Grace Hopper', true, 'user-grace-hopper', 'product-123']);
    // The refresh endpoint signs for the same user.
    const fresh = await (await fetch(`${siteUrl}/chat-token`, { headers: { cookie } })).json();
    const again = new ChatClient({ url: chatUrl, app: app.id, token: fresh.token, socket: { transports: ['websocket'], extraHeaders: { origin: siteUrl } } });
    try {
      assert.equal((await again.openRoom({ key: 'product-123' })).self.id, room.self.id, 'the same member');
    } finally {
      again.close();
    }
  } finally {
    client.close();
  }
});

test('without signing in, the page embeds no token and the token endpoint refuses', async () => {
  const page = await (await fetch(`${siteUrl}/products/456`)).text();
  assert.match(page, /room-key="product-456"/);
  assert.doesNotMatch(page, /token="/);
  assert.equal((await fetch(`${siteUrl}/chat-token`)).status, 401);
});
