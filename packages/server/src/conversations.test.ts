/**
 * Direct conversations and the conversation list (issue #22): `openDirect(userId)` is the one
 * private room of two verified users of an app, the same from both sides; `rooms()` lists a
 * verified user's rooms with their last message and unread count. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io as rawSocket } from 'socket.io-client';
import sharp from 'sharp';
import { APP_HEADER, ErrorCode, MEMBER_HEADER } from '@roomchat/protocol';
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

    test('a guest cannot open a direct conversation by user id, nor take a direct room’s key', async () => {
      const socket = rawSocket(running.url, { auth: { app: shop.id }, transports: ['websocket'], extraHeaders: { origin: SHOP } });
      try {
        const direct = (await socket.timeout(5000).emitWithAck('direct:open', { userId: 'ann' })) as { error?: { code: string } };
        assert.equal(direct.error?.code, ErrorCode.AUTH_REQUIRED);
        const list = (await socket.timeout(5000).emitWithAck('room:list', {})) as { rooms?: unknown[] };
        assert.deepEqual(list.rooms, [], 'a guest naming no member ids has no rooms');
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
      assert.deepEqual([direct.code, (direct.direct as { userId?: string } | undefined)?.userId, direct.private, direct.unread, direct.lastMessage?.text], [withEli.code, 'eli', true, 2, 'two']);
      assert.equal(list[0]!.code, withEli.code, 'the newest activity first');
      assert.deepEqual([byKey('product-9')?.unread, byKey('product-9')?.lastMessage?.text], [0, 'question on product 9'], 'her own messages are not unread');
      assert.deepEqual([byKey('vip')?.private, byKey('vip')?.lastMessage, byKey('vip')?.unread], [true, undefined, 0]);

      const deeInDirect = await dee.openDirect('eli');
      await deeInDirect.markRead();
      const after = (await dee.rooms()).find((r) => r.code === withEli.code);
      assert.equal(after?.unread, 0, 'read up to the newest');
      assert.deepEqual((await (await as('dee', blog)).rooms()), [], "another app's user of the same sub has none of them");
    });

    test('guests of a code room open a direct conversation from the member list: the other hears of it, only the two enter it, after a reload too', async () => {
      const guest = (memberId: string) => {
        const c = connect(running.url, { app: shop.id, memberId, socket: { extraHeaders: { origin: SHOP } } });
        clients.push(c);
        return c;
      };
      const [ann, bea, cid] = [guest('ann-private-1'), guest('bea-private-1'), guest('cid-private-1')];
      const lobby = await ann.createRoom({ name: 'Ann' });
      const beaInLobby = await bea.joinRoom(lobby.code, { name: 'Bea' });
      const cidInLobby = await cid.joinRoom(lobby.code, { name: 'Cid' });
      const heard = new Promise<{ roomCode: string; message: { text?: string }; memberId: string }>((resolve) => bea.once('direct-message', resolve));

      const direct = await lobby.openDirect(beaInLobby.self.id);
      assert.equal(direct.self.id, lobby.self.id, 'Ann is the same member in the direct room');
      await direct.send('psst, Bea');
      const news = await heard;
      assert.deepEqual([news.roomCode, news.message.text, news.memberId], [direct.code, 'psst, Bea', beaInLobby.self.id], 'Bea hears of it without having joined it, as the member she is in the room');
      const listed = (await bea.rooms()).find((r) => r.code === direct.code);
      assert.deepEqual([listed?.private, listed?.unread, listed?.direct, listed?.lastMessage?.text], [true, 1, { memberId: lobby.self.id, name: 'Ann' }, 'psst, Bea']);
      assert.equal((await beaInLobby.openDirect(lobby.self.id)).code, direct.code, 'the same room from her side');

      await assert.rejects(cid.joinRoom(direct.code, { name: 'Cid' }), (e: ChatError) => e.code === ErrorCode.FORBIDDEN, 'a third member of the room is refused');
      assert.ok(!(await cid.rooms()).some((r) => r.code === direct.code), "nor is it in the third one's list");
      const reloaded = guest('ann-private-1');
      const back = await reloaded.joinRoom(direct.code, { name: 'Ann' });
      assert.deepEqual(back.messages.filter((m) => m.kind === 'text').map((m) => m.text), ['psst, Bea'], 'Ann gets back in after a reload, with the same member id');

      // Images: a guest uploads by its member id (Roomchat-Member), and gets signed URLs; another guest's id is refused.
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#0af' } }).png().toBuffer();
      const image = await direct.uploadImage(new Uint8Array(png));
      assert.match(image.url, /\?exp=\d+&sig=/, "a direct room's image URL is signed");
      const upload = (memberId: string) =>
        fetch(`${running.url}/v1/rooms/${direct.code}/images`, { method: 'POST', body: new Uint8Array(png), headers: { [APP_HEADER]: shop.id, [MEMBER_HEADER]: memberId } });
      assert.equal((await upload('cid-private-1')).status, 403, "another member's id does not open it");
      assert.equal((await upload('bea-private-1')).status, 201, "the other member's does");

      const raw = async (payload: unknown) => {
        const socket = rawSocket(running.url, { auth: { app: shop.id }, transports: ['websocket'], extraHeaders: { origin: SHOP } });
        try {
          return ((await socket.timeout(5000).emitWithAck('direct:member', payload)) as { error?: { code: string } }).error?.code;
        } finally {
          socket.close();
        }
      };
      assert.equal(await raw({ code: lobby.code, member: beaInLobby.self.id }), ErrorCode.NOT_A_MEMBER, 'not a member of the room');
      await assert.rejects(cidInLobby.openDirect('nobody-here'), (e: ChatError) => e.code === ErrorCode.MEMBER_NOT_FOUND, 'the other is not a member');
      await assert.rejects(cidInLobby.openDirect(cidInLobby.self.id), (e: ChatError) => e.code === ErrorCode.INVALID_PAYLOAD, 'oneself');
    });

    test('a signed-in user and a guest of one room: the user opens it by member id and lists it; the guest gets in with its member id only', async () => {
      const fay = await as('fay');
      const gus = connect(running.url, { app: shop.id, memberId: 'gus-private-1', socket: { extraHeaders: { origin: SHOP } } });
      clients.push(gus);
      const page = await fay.openRoom({ key: 'product-dm' });
      const gusInPage = await gus.openRoom({ key: 'product-dm', name: 'Gus' });
      const direct = await page.openDirect(gusInPage.self.id);
      await direct.send('hello Gus');
      const fays = (await fay.rooms()).find((r) => r.code === direct.code);
      assert.deepEqual(fays?.direct, { memberId: gusInPage.self.id, name: 'Gus' });
      const gusDirect = await gusInPage.openDirect(page.self.id);
      assert.equal(gusDirect.code, direct.code);
      const impostor = connect(running.url, { app: shop.id, memberId: 'gus-private-2', socket: { extraHeaders: { origin: SHOP } } });
      clients.push(impostor);
      await assert.rejects(impostor.joinRoom(direct.code, { name: 'Gus' }), (e: ChatError) => e.code === ErrorCode.FORBIDDEN, 'the same name with another member id is someone else');
    });
  });
}

describe('the conversation list has a budget of its own', () => {
  let storage: TestStorage;
  let running: RunningServer;
  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, roomListsPerWindow: 2, searchesPerWindow: 1 });
  });
  after(async () => {
    await running.server.close();
    await storage.dispose();
  });

  test('room:list spends roomListsPerWindow, not the search budget', async (t) => {
    const client = connect(running.url, { memberId: 'lister-1' });
    t.after(() => client.close());
    const room = await client.createRoom({ name: 'Lister' });
    await room.send('findable words');
    await client.rooms();
    await client.rooms();
    await assert.rejects(client.rooms(), (e: ChatError) => e.code === ErrorCode.RATE_LIMITED && e.message.includes('conversation lists'));
    assert.equal((await room.search('findable')).messages.length, 1, 'the search budget (1) is untouched by the lists');
  });
});
