/**
 * Rooms a site addresses by its own key (issue #22): `openRoom({ key })` joins the app's room with
 * that key, creating it on first use where the app's roomCreation allows; keys are per app.
 * On SQLite and PostgreSQL, as the unique index on (app_id, key) is what settles a race.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { io as rawSocket } from 'socket.io-client';
import { ErrorCode, ROOM_KEY_MAX_LENGTH } from '@roomchat/protocol';
import { ChatError, type ChatClient } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, signFor, engines, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';

for (const engine of engines()) {
  describe(`rooms by key on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    let blog: App;
    let siteOnly: App;
    let verifiedOnly: App;
    const clients: ChatClient[] = [];
    const client = (app: App, token?: string) => {
      const c = connect(running.url, { app: app.id, ...(token ? { token } : {}), socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c;
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0 });
      const { apps } = running.server;
      shop = await apps.create('Shop', [SHOP]);
      blog = await apps.create('Blog', [SHOP]);
      siteOnly = await apps.create('Site only', [SHOP], { roomCreation: 'none' });
      verifiedOnly = await apps.create('Verified only', [SHOP], { roomCreation: 'verified' });
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('the first visitor of a page creates its room and the next ones join the same room, with its messages', async () => {
      const ann = await client(shop).openRoom({ key: 'product-123', name: 'Ann' });
      assert.equal(ann.key, 'product-123');
      await ann.send('is it waterproof?');
      const bob = await client(shop).openRoom({ key: 'product-123', name: 'Bob' });
      assert.equal(bob.code, ann.code, 'one room per key');
      assert.deepEqual(
        bob.messages.filter((m) => m.kind === 'text').map((m) => m.text),
        ['is it waterproof?'],
      );
      const other = await client(shop).openRoom({ key: 'product-124', name: 'Cy' });
      assert.notEqual(other.code, ann.code);
    });

    test('visitors opening a new key at once all end up in one room', async () => {
      const rooms = await Promise.all(['A', 'B', 'C', 'D'].map((name) => client(shop).openRoom({ key: 'launch-day', name })));
      assert.equal(new Set(rooms.map((r) => r.code)).size, 1);
    });

    test("a key names a room within its app only: another app's same key is another room", async () => {
      const inShop = await client(shop).openRoom({ key: 'home', name: 'Ann' });
      await inShop.send('shop only');
      const inBlog = await client(blog).openRoom({ key: 'home', name: 'Bob' });
      assert.notEqual(inBlog.code, inShop.code);
      assert.deepEqual(
        inBlog.messages.filter((m) => m.kind === 'text'),
        [],
      );
      // And the shop room's code does not open it from the blog app either.
      await assert.rejects(client(blog).joinRoom(inShop.code, { name: 'Eve' }), (e: ChatError) => e.code === ErrorCode.ROOM_NOT_FOUND);
    });

    test("where the app's site creates the rooms, an unknown key is ROOM_NOT_FOUND and a key the site created opens", async () => {
      await assert.rejects(client(siteOnly).openRoom({ key: 'not-yet', name: 'Ann' }), (e: ChatError) => e.code === ErrorCode.ROOM_NOT_FOUND);
      await running.server.chat.rooms.create(siteOnly.id, { key: 'made-by-site' });
      const room = await client(siteOnly).openRoom({ key: 'made-by-site', name: 'Ann' });
      assert.equal(room.key, 'made-by-site');
    });

    test('where only signed-in users create rooms, a guest cannot create one by key and a verified user can', async () => {
      await assert.rejects(client(verifiedOnly).openRoom({ key: 'topic-1', name: 'Guest' }), (e: ChatError) => e.code === ErrorCode.ROOM_NOT_FOUND);
      const room = await client(verifiedOnly, await signFor(verifiedOnly, 'u1')).openRoom({ key: 'topic-1' });
      const guest = await client(verifiedOnly).openRoom({ key: 'topic-1', name: 'Guest' });
      assert.equal(guest.code, room.code, 'once it exists, a guest joins it');
    });

    test('a malformed key is INVALID_PAYLOAD, from the SDK and from the server', async () => {
      const bad = ['', 'a'.repeat(ROOM_KEY_MAX_LENGTH + 1), 'has space', '../etc', '-leading', 'naïve', '<script>', 42];
      const c = client(shop);
      for (const key of bad) {
        await assert.rejects(
          c.openRoom({ key: key as string, name: 'Ann' }),
          (e: ChatError) => e instanceof ChatError && e.code === ErrorCode.INVALID_PAYLOAD,
          `SDK: ${key}`,
        );
      }
      const socket = rawSocket(running.url, { auth: { app: shop.id }, transports: ['websocket'], extraHeaders: { origin: SHOP } });
      try {
        for (const key of bad) {
          const ack = (await socket.timeout(5000).emitWithAck('room:open', { key, name: 'Ann' })) as { ok: boolean; error?: { code: string } };
          assert.equal(ack.error?.code, ErrorCode.INVALID_PAYLOAD, `server: ${key}`);
        }
        const longest = (await socket.timeout(5000).emitWithAck('room:open', { key: `k${'x'.repeat(ROOM_KEY_MAX_LENGTH - 1)}`, name: 'Ann' })) as {
          ok: boolean;
        };
        assert.equal(longest.ok, true, 'a key of the maximum length opens');
      } finally {
        socket.close();
      }
    });
  });
}
