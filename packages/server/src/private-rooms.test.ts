/**
 * Private rooms (issue #22): a room admits only the users listed for it, by the `sub` their host
 * signed; anyone else gets FORBIDDEN on every way in: socket join and open, REST room, history,
 * search, send and image upload. On SQLite and PostgreSQL (the list is a table).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import sharp from 'sharp';
import { APP_HEADER, ErrorCode } from '@roomchat/protocol';
import type { ChatError, ChatClient } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import type { RoomRecord } from './rooms.js';
import { connect, createStorage, signFor, engines, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';

for (const engine of engines()) {
  describe(`private rooms on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    let room: RoomRecord;
    const clients: ChatClient[] = [];
    const client = (token?: string) => {
      const c = connect(running.url, { app: shop.id, ...(token ? { token } : {}), socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c;
    };
    /** A REST call of shop's page, as `token`'s user (or a guest). */
    const rest = async (path: string, token: string | undefined, init: RequestInit = {}) => {
      const headers = { [APP_HEADER]: shop.id, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) };
      const res = await fetch(`${running.url}${path}`, { ...init, headers });
      return { status: res.status, body: (await res.json()) as { error?: { code: string }; messages?: { text?: string }[] } };
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0 });
      shop = await running.server.apps.create('Shop', [SHOP], { anonymousRestPosting: true });
      room = await running.server.chat.rooms.create(shop.id, { key: 'deal-7', private: true, members: ['alice', 'bob'] });
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('its listed users join it, by code and by key, and talk', async () => {
      const alice = await client(await signFor(shop, 'alice')).joinRoom(room.code);
      await alice.send('for bob only');
      const bob = await client(await signFor(shop, 'bob')).openRoom({ key: 'deal-7' });
      assert.equal(bob.code, room.code);
      assert.ok(bob.messages.some((m) => m.text === 'for bob only'));
      const history = await rest(`/v1/rooms/${room.code}/messages`, await signFor(shop, 'bob'));
      assert.equal(history.status, 200);
      assert.ok(history.body.messages?.some((m) => m.text === 'for bob only'));
    });

    test('an outsider, signed in or a guest, gets FORBIDDEN on socket join and open', async () => {
      const eve = await signFor(shop, 'eve');
      const refusals: string[] = [];
      for (const attempt of [
        () => client(eve).joinRoom(room.code),
        () => client(eve).openRoom({ key: 'deal-7' }),
        () => client().joinRoom(room.code, { name: 'Guest' }),
        () => client().openRoom({ key: 'deal-7', name: 'Guest' }),
      ]) {
        await assert.rejects(attempt(), (e: ChatError) => {
          refusals.push(e.code);
          return true;
        });
      }
      assert.deepEqual(refusals, Array(4).fill(ErrorCode.FORBIDDEN));
    });

    test('an outsider gets FORBIDDEN on the REST room, history, search, send and image upload', async () => {
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } })
        .png()
        .toBuffer();
      const json = { 'content-type': 'application/json' };
      for (const token of [await signFor(shop, 'eve'), undefined]) {
        const answers = [
          await rest(`/v1/rooms/${room.code}`, token),
          await rest(`/v1/rooms/${room.code}/messages`, token),
          await rest(`/v1/rooms/${room.code}/search?q=bob`, token),
          await rest(`/v1/rooms/${room.code}/messages`, token, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Eve', text: 'let me in' }) }),
          await rest(`/v1/rooms/${room.code}/images`, token, { method: 'POST', body: png }),
        ];
        assert.deepEqual(
          answers.map((a) => [a.status, a.body.error?.code]),
          Array(5).fill([403, ErrorCode.FORBIDDEN]),
          token ? 'signed-in outsider' : 'guest',
        );
      }
      const stored = await running.server.chat.history(room, {});
      assert.ok(!stored.messages.some((m) => m.text === 'let me in'), 'nothing was posted');
    });

    test('images of a private room are served by the signed URLs its members get, not by id alone, and not after they expire', async () => {
      const png = await sharp({ create: { width: 6, height: 6, channels: 3, background: '#654321' } }).png().toBuffer();
      const alice = await client(await signFor(shop, 'alice')).joinRoom(room.code);
      const bob = await client(await signFor(shop, 'bob')).joinRoom(room.code);
      const live = new Promise<{ image?: { url: string } }>((resolve) => bob.on('message', (m) => m.kind === 'image' && resolve(m)));
      const uploaded = await alice.uploadImage(new Uint8Array(png));
      assert.match(uploaded.url, /\/v1\/images\/[\w-]+\?exp=\d+&sig=[\w-]+$/, 'the upload answer is signed');
      const sent = await alice.sendImage(new Uint8Array(png));
      const fromEvent = (await live).image!.url;
      const history = await rest(`/v1/rooms/${room.code}/messages`, await signFor(shop, 'bob'));
      const inHistory = (history.body.messages as { image?: { id: string; url: string; thumbUrl: string } }[]).find((m) => m.image?.id === sent.image!.id)!.image!;
      for (const url of [uploaded.url, fromEvent, inHistory.url, inHistory.thumbUrl]) {
        const res = await fetch(new URL(url, running.url));
        assert.equal(res.status, 200, url);
        assert.match(res.headers.get('cache-control') ?? '', /^private, max-age=\d+/, 'no shared cache keeps it');
      }

      const path = `/v1/images/${uploaded.id}`;
      const refused = async (url: string) => {
        const res = await fetch(`${running.url}${url}`);
        return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
      };
      const expired = running.server.chat.imageUrls.sign(path, Date.now() - 24 * 60 * 60_000);
      const [, query] = uploaded.url.split('?');
      const forged = `${path}?exp=${Number(/exp=(\d+)/.exec(query!)![1]) + 3600}&sig=${/sig=([\w-]+)/.exec(query!)![1]}`;
      assert.deepEqual(
        [await refused(path), await refused(`${path}/thumbnail`), await refused(expired), await refused(forged), await refused(`${path}/thumbnail?${query}`)],
        Array(5).fill([403, ErrorCode.IMAGE_URL_EXPIRED]),
        'by id alone, its thumbnail by id alone, expired, a later exp with the old signature, the original signature on the thumbnail',
      );

      // Open rooms keep plain, public URLs.
      const open = await client(await signFor(shop, 'alice')).createRoom();
      const openImage = await open.uploadImage(new Uint8Array(png));
      assert.equal(openImage.url, `/v1/images/${openImage.id}`);
      const openSent = await open.sendUploadedImage(openImage.id);
      const openHistory = (await open.history()).messages.find((m) => m.id === openSent.id)!;
      for (const url of [openSent.image!.url, openHistory.image!.url, openHistory.image!.thumbUrl]) assert.equal(new URL(url, running.url).search, '', `its message too, in history: ${url}`);
      assert.equal((await fetch(new URL(openImage.url, running.url))).headers.get('cache-control'), 'public, max-age=31536000, immutable');
    });

    test('adding a user lets them in; removing one shuts them out at the next join', async () => {
      const carol = await signFor(shop, 'carol');
      await assert.rejects(client(carol).joinRoom(room.code), (e: ChatError) => e.code === ErrorCode.FORBIDDEN);
      await running.server.chat.access.add(room, ['carol']);
      assert.deepEqual(await running.server.chat.access.members(room), ['alice', 'bob', 'carol']);
      await client(carol).joinRoom(room.code);
      await running.server.chat.access.remove(room, ['carol']);
      await assert.rejects(client(carol).joinRoom(room.code), (e: ChatError) => e.code === ErrorCode.FORBIDDEN);
    });
  });
}
