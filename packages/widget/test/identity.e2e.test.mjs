// End to end: a host site's page (its own origin, its own app) embeds <chat-room> with a token its
// backend signed; Chromium shows the chat without asking a name, under the token's name, with the
// verified mark, beside a guest who joined the same room by code through the SDK.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { chromium } from 'playwright-core';
import { ChatClient } from '@roomchat/sdk';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

describe('widget with a signed token', { timeout: 60_000 }, () => {
  let chat;
  let browser;
  let site;
  let siteUrl;
  let app;
  const clients = [];

  before(async () => {
    chat = await startChatServer({ appsCacheMs: 0 });
    // The host site: one page, served from its own origin.
    site = createServer((req, res) => {
      const token = new URL(req.url, 'http://x').searchParams.get('token');
      const room = new URL(req.url, 'http://x').searchParams.get('room');
      const roomKey = new URL(req.url, 'http://x').searchParams.get('room-key');
      const address = roomKey ? `room-key="${roomKey}"` : `room="${room}"`;
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html lang="en"><body>
        <chat-room app="${app.id}" ${address} token="${token}" style="display:block;height:600px"></chat-room>
        <script src="${chat.url}/widget.js" defer></script></body></html>`);
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    siteUrl = `http://127.0.0.1:${site.address().port}`;
    app = await chat.server.apps.create('Shop', [siteUrl]);
    browser = await chromium.launch(chromiumLaunchOptions);
  });

  after(async () => {
    for (const client of clients) client.close();
    await browser?.close();
    site?.close();
    await chat?.close();
  });

  it('joins under the token name without asking one, and shows the verified mark in the member list and on its messages', async () => {
    const guestClient = new ChatClient({ url: chat.url, app: app.id });
    clients.push(guestClient);
    {
      const guestRoom = await guestClient.createRoom({ name: 'Guest' });
      const token = await new SignJWT({ name: 'Ada Verified', picture: `${siteUrl}/ada.png` })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('user-1')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(app.secret));
      const page = await browser.newPage();
      const problems = await watch(page);
      await page.goto(`${siteUrl}/?room=${guestRoom.code}&token=${token}`);

      await w(page, '#input').waitFor();
      assert.equal(await w(page, '#name').count(), 0, 'no name field');
      const arrived = new Promise((resolve) => guestRoom.on('message', (m) => m.text === 'Hello, signed in' && resolve(m)));
      await w(page, '#input').fill('Hello, signed in');
      await w(page, '#input').press('Enter');
      const seen = await arrived;
      assert.equal(seen.author, 'Ada Verified');
      const ada = guestRoom.members.find((m) => m.name === 'Ada Verified');
      assert.deepEqual([ada?.verified, ada?.userId], [true, 'user-1']);

      await guestRoom.send('Hi Ada');
      const row = w(page, 'li.msg').filter({ hasText: 'Hi Ada' });
      await row.waitFor();
      assert.equal(await row.locator('.verified').count(), 0, "a guest's message has no mark");
      assert.equal(await w(page, 'li.msg').filter({ hasText: 'Hello, signed in' }).locator('.verified').count(), 1, 'the verified author is marked');
      await w(page, 'button.members').click();
      const adaItem = w(page, '.member').filter({ hasText: 'Ada Verified' });
      await adaItem.locator('.verified').waitFor();
      assert.equal(await adaItem.locator('img.avatar').getAttribute('src'), `${siteUrl}/ada.png`);
      assert.equal(await w(page, '.member').filter({ hasText: 'Guest' }).locator('.verified').count(), 0);
      await page.locator('chat-room').screenshot({ path: new URL('../test-artifacts/identity.widget.png', import.meta.url).pathname });
      assert.deepEqual(problems, []);
    }
  });

  it('with room-key, a page opens its own room (created on first use) and a later visitor of the page is in the same room', async () => {
    const sign = (sub, name) =>
      new SignJWT({ name }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('10m').sign(new TextEncoder().encode(app.secret));
    const first = await browser.newPage();
    const problems = await watch(first);
    await first.goto(`${siteUrl}/?room-key=product-123&token=${await sign('user-2', 'Bea')}`);
    await w(first, '#input').fill('First on this page');
    await w(first, '#input').press('Enter');
    await w(first, 'li.msg').filter({ hasText: 'First on this page' }).waitFor();

    // A script on the server's side sees the same room by its key, and a second visitor too.
    const sdk = new ChatClient({ url: chat.url, app: app.id });
    clients.push(sdk);
    const byKey = await sdk.openRoom({ key: 'product-123', name: 'Script' });
    assert.ok(byKey.messages.some((m) => m.text === 'First on this page'));
    const second = await browser.newPage();
    await second.goto(`${siteUrl}/?room-key=product-123&token=${await sign('user-3', 'Cy')}`);
    await w(second, 'li.msg').filter({ hasText: 'First on this page' }).waitFor();
    assert.equal(await second.locator('chat-room').evaluate((el) => el.room), byKey.code, 'the element reports the code of the keyed room');
    assert.deepEqual(problems, []);
  });
});
