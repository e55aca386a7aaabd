/**
 * Direct conversations and the conversation list (issue #22): `openDirect(userId)` is the one
 * private room of two verified users of an app, the same from both sides; `rooms()` lists a
 * verified user's rooms with their last message and unread count. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { io as rawSocket } from 'socket.io-client';
import { ErrorCode } from '@roomchat/protocol';
import type { ChatClient, ChatError, RoomSummary } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, engines, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';

for (const engine of engines()) {
  describe(`direct conversations on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    let blog: App;
    const clients: ChatClient[] = [];
    const as = async (sub: string, app = shop) => {
      const c = connect(running.url, { app: app.id, token: await signFor(app, sub, sub.toUpperCase()), socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c;
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0 });
      shop = await running.server.apps.create('Shop', [SHOP]);
      blog = await running.server.apps.create('Blog', [SHOP]);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('the same private room from both sides, every time, also when both open it at once; others are refused', async () => {
      const [ann, ben] = await Promise.all([as('ann'), as('ben')]);
      const [fromAnn, fromBen] = await Promise.all([ann.openDirect('ben'), ben.openDirect('ann')]);
      assert.equal(fromAnn.code, fromBen.code);
      assert.equal((await (await as('ann')).openDirect('ben')).code, fromAnn.code, 'again, from another tab');
      await fromAnn.send('hi Ben');
      await assert.rejects((await as('cat')).joinRoom(fromAnn.code), (e: ChatError) => e.code === ErrorCode.FORBIDDEN);
      await assert.rejects((await as('ann')).openDirect('ann'), (e: ChatError) => e.code === ErrorCode.INVALID_PAYLOAD);
      // The same two subs in another app are another pair of users.
      const inBlog = await (await as('ann', blog)).openDirect('ben');
      assert.notEqual(inBlog.code, fromAnn.code);
    });

    test('a guest cannot open a direct conversation or list rooms, nor take a direct room’s key', async () => {
      const socket = rawSocket(running.url, { auth: { app: shop.id }, transports: ['websocket'], extraHeaders: { origin: SHOP } });
      try {
        const direct = (await socket.timeout(5000).emitWithAck('direct:open', { userId: 'ann' })) as { error?: { code: string } };
        assert.equal(direct.error?.code, ErrorCode.AUTH_REQUIRED);
        const list = (await socket.timeout(5000).emitWithAck('room:list', {})) as { error?: { code: string } };
        assert.equal(list.error?.code, ErrorCode.AUTH_REQUIRED);
        const squat = (await socket.timeout(5000).emitWithAck('room:open', { key: 'dm:abc', name: 'Squatter' })) as { error?: { code: string } };
        assert.equal(squat.error?.code, ErrorCode.INVALID_PAYLOAD);
      } finally {
        socket.close();
      }
    });

    test('rooms() lists the user’s direct, private and joined rooms with the last message and unread count, newest first', async () => {
      const dee = await as('dee');
      const eli = await as('eli');
      const page = await dee.openRoom({ key: 'product-9' });
      await page.send('question on product 9');
      await running.server.chat.rooms.create(shop.id, { key: 'vip', private: true, members: ['dee'] });
      await (await as('eli')).openRoom({ key: 'not-dees' });
      const withEli = await eli.openDirect('dee');
      await withEli.send('one');
      await withEli.send('two');

      const list = await dee.rooms();
      const byKey = (key: string) => list.find((r: RoomSummary) => r.key === key);
      assert.equal(list.length, 3, 'the direct room, the page she joined, the private room she is listed in; not rooms of others');
      const direct = list.find((r) => r.direct)!;
      assert.deepEqual([direct.code, direct.direct?.userId, direct.private, direct.unread, direct.lastMessage?.text], [withEli.code, 'eli', true, 2, 'two']);
      assert.equal(list[0]!.code, withEli.code, 'the newest activity first');
      assert.deepEqual([byKey('product-9')?.unread, byKey('product-9')?.lastMessage?.text], [0, 'question on product 9'], 'her own messages are not unread');
      assert.deepEqual([byKey('vip')?.private, byKey('vip')?.lastMessage, byKey('vip')?.unread], [true, undefined, 0]);

      const deeInDirect = await dee.openDirect('eli');
      await deeInDirect.markRead();
      const after = (await dee.rooms()).find((r) => r.code === withEli.code);
      assert.equal(after?.unread, 0, 'read up to the newest');
      assert.deepEqual((await (await as('dee', blog)).rooms()), [], "another app's user of the same sub has none of them");
    });
  });
}
