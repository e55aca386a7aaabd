/**
 * Data rights (issue #25): a room's export (the CLI's directory, the API's JSON lines) holds every
 * log entry and image and reads a page at a time; erasing a user (by `sub`, across the app's rooms)
 * or a guest member (in one room) deletes what they wrote, and connected clients see the deletes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import sharp from 'sharp';
import { APP_HEADER, APP_SECRET_SCHEME, type ChatMessage, type LogEntry } from '@roomchat/protocol';
import type { ChatClient } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { exportCommand } from './data-cli.js';
import { ERASED_AUTHOR } from './chat/erasure.js';
import { connect, createStorage, engines, eventually, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';
const PAGE = 100;

for (const engine of engines()) {
  describe(`exporting and erasing on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    let blog: App;
    const clients: ChatClient[] = [];
    const client = async (app: App, sub?: string) => {
      const c = connect(running.url, {
        app: app.id,
        ...(sub ? { token: await signFor(app, sub, `User ${sub}`) } : {}),
        socket: { extraHeaders: { origin: SHOP } },
      });
      clients.push(c);
      return c;
    };
    const call = (app: App, method: string, url: string, secret = app.secret) =>
      fetch(`${running.url}${url}`, { method, headers: { [APP_HEADER]: app.id, authorization: `${APP_SECRET_SCHEME} ${secret}` } });
    const png = (color: string) =>
      sharp({ create: { width: 6, height: 4, channels: 3, background: color } })
        .png()
        .toBuffer();

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0, messagesPerWindow: 10_000, exportPageSize: PAGE, retentionIntervalMs: 0 });
      shop = await running.server.apps.create('Shop', [SHOP]);
      blog = await running.server.apps.create('Blog', [SHOP]);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('exports every entry in seq order and every image (CLI directory and API JSON lines alike), a page at a time', async () => {
      // A few thousand entries, written directly (the writer's own path is tested elsewhere) before
      // Alice joins, so her client has no gap to catch up on while the export's reads are counted;
      // then every kind through the API.
      const room = await running.server.chat.createKeyedRoom(shop.id, 'big-room', {});
      const base = 0;
      const bulk = Array.from({ length: 3_000 }, (_, i) => ({
        room_id: room.id,
        seq: base + 1 + i,
        kind: 'text',
        author: 'Bulk',
        text: `bulk line ${i} ✓ "quoted"\n`,
        created_at: Date.now(),
      }));
      await running.server.db.batchInsert('messages', bulk, 500);
      const alice = await (await client(shop, 'alice')).openRoom({ key: 'big-room' });
      const first = await alice.send('edit me');
      await alice.edit(first.id, 'edited');
      await alice.react(first.id, '🎉');
      const images = [
        await alice.sendImage(new Blob([await png('#f00')], { type: 'image/png' })),
        await alice.sendImage(new Blob([await png('#0f0')], { type: 'image/png' })),
      ];
      const doomed = await alice.send('deleted later');
      await alice.delete(doomed.id);
      const newest = Number((await running.server.db('messages').where({ room_id: room.id }).max({ s: 'seq' }).first())!.s);

      // Count the rows each query returns while exporting: paged reads keep every one small.
      let largest = 0;
      const watch = (response: unknown) => {
        if (Array.isArray(response)) largest = Math.max(largest, response.length);
      };
      running.server.db.on('query-response', watch);
      const out = await mkdtemp(path.join(tmpdir(), 'roomchat-export-'));
      const printed: string[] = [];
      try {
        await exportCommand(running.server.db, ['--key', 'big-room', '--app', shop.id, '--out', out], { exportPageSize: PAGE }, (line) => printed.push(line));
      } finally {
        running.server.db.off('query-response', watch);
      }
      try {
        assert.equal(largest, PAGE + 1, 'no query read more than a page (and its one look-ahead row)');
        assert.deepEqual(JSON.parse(printed[0]!), { room: alice.code, out, entries: newest, images: 2 });
        const lines = (await readFile(path.join(out, 'messages.jsonl'), 'utf8')).split('\n');
        assert.equal(lines.pop(), '', 'each line ends with a newline');
        const entries = lines.map((line) => JSON.parse(line) as LogEntry);
        assert.deepEqual(
          entries.map((e) => e.seq),
          Array.from({ length: newest }, (_, i) => i + 1),
          'every entry, in seq order',
        );
        assert.equal((entries.find((e) => e.seq === base + 5) as ChatMessage).text, 'bulk line 4 ✓ "quoted"\n', 'text round-trips through JSON');
        const edited = entries.find((e) => e.id === first.id) as ChatMessage;
        assert.deepEqual([edited.text, edited.reactions?.[0]?.emoji], ['edited', '🎉']);
        assert.ok(entries.some((e) => e.kind === 'delete'));
        assert.deepEqual((await readdir(path.join(out, 'images'))).sort(), images.map((m) => `${m.image!.id}.png`).sort());
        for (const m of images) {
          const served = Buffer.from(await (await fetch(m.image!.url)).arrayBuffer());
          assert.deepEqual(await readFile(path.join(out, 'images', `${m.image!.id}.png`)), served, 'the image’s bytes as served');
        }
        assert.equal(JSON.parse(await readFile(path.join(out, 'room.json'), 'utf8')).key, 'big-room');

        // The API streams the same log as JSON lines, image URLs in the entries.
        const res = await call(shop, 'GET', `/v1/rooms/${alice.code}/export`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
        assert.deepEqual(await res.text(), `${lines.join('\n')}\n`);
      } finally {
        await rm(out, { recursive: true, force: true });
      }

      // Refusals: no secret, another app's room, an unknown one.
      assert.equal((await fetch(`${running.url}/v1/rooms/${alice.code}/export`, { headers: { [APP_HEADER]: shop.id } })).status, 401);
      assert.equal((await call(blog, 'GET', `/v1/rooms/${alice.code}/export`)).status, 404, 'another app’s room is not found');
      assert.equal((await call(shop, 'GET', '/v1/rooms/NOSUCHROOM/export')).status, 404);
      await assert.rejects(
        exportCommand(running.server.db, ['--room', alice.code, '--out', '/tmp/x'], { exportPageSize: PAGE }, () => {}),
        /no room/,
        'the default app has no such room',
      );
      await assert.rejects(
        exportCommand(running.server.db, ['--room', alice.code, '--key', 'k', '--out', '/tmp/x'], { exportPageSize: PAGE }, () => {}),
        /one of --room/,
      );
    });

    test('erasing a user deletes what they wrote in every room of the app, and connected clients see the deletes', async () => {
      const aliceClient = await client(shop, 'eraseme');
      const bobClient = await client(shop, 'bob');
      const one = await aliceClient.openRoom({ key: 'erase-1' });
      const two = await aliceClient.openRoom({ key: 'erase-2' });
      const bobInOne = await bobClient.openRoom({ key: 'erase-1' });
      const bobSaid = await bobInOne.send('bob stays');
      await eventually(() => one.messages.some((m) => m.id === bobSaid.id), 'alice has bob’s message');
      const written = [await one.send('alice one'), await one.sendImage(new Blob([await png('#00f')], { type: 'image/png' })), await two.send('alice two')];
      await one.react(bobSaid.id, '👀');
      const doneBefore = await one.send('already deleted');
      await one.delete(doneBefore.id);
      // The same sub in another app is another person.
      const blogAlice = await (await client(blog, 'eraseme')).openRoom({ key: 'erase-1' });
      const elsewhere = await blogAlice.send('blog alice stays');
      await eventually(() => bobInOne.messages.some((m) => m.id === written[1]!.id), 'bob has alice’s messages');

      const res = await call(shop, 'DELETE', '/v1/users/eraseme/messages');
      assert.equal(res.status, 200);
      const { erased } = (await res.json()) as { erased: Record<string, number> };
      assert.deepEqual({ ...erased, renamed: undefined }, { rooms: 2, messages: 3, reactions: 1, renamed: undefined });
      assert.ok(erased.renamed! >= 6, 'joins, messages and the tombstone renamed');

      await eventually(
        () => written.slice(0, 2).every((w) => bobInOne.messages.find((m) => m.id === w.id)?.deletedAt !== undefined),
        'bob’s client folded the deletes',
      );
      await eventually(() => bobInOne.messages.find((m) => m.id === bobSaid.id)?.reactions === undefined, 'bob’s client saw the reaction taken back');
      assert.equal(bobInOne.messages.find((m) => m.id === bobSaid.id)!.text, 'bob stays');
      assert.equal((await fetch(written[1]!.image!.url)).status, 404, 'the image is gone');
      const history = await bobInOne.history({ limit: 200 });
      const aliceId = written[0]!.authorId;
      for (const entry of history.messages.filter((m) => m.authorId === aliceId)) assert.equal(entry.author, ERASED_AUTHOR);
      assert.ok(!JSON.stringify(history).includes('alice one'));
      assert.equal((await blogAlice.history()).messages.find((m) => m.id === elsewhere.id)?.text, 'blog alice stays');

      const again = (await (await call(shop, 'DELETE', '/v1/users/eraseme/messages')).json()) as { erased: Record<string, number> };
      assert.deepEqual([again.erased.messages, again.erased.reactions], [0, 0], 'erasing again finds nothing left');
      assert.equal((await call(shop, 'DELETE', `/v1/users/${'x'.repeat(256)}/messages`)).status, 400);
      assert.equal((await call(shop, 'DELETE', '/v1/users/eraseme/messages', 'wrong')).status, 401);
    });

    test('erasing a guest member deletes their messages in that room only', async () => {
      const guestClient = await client(shop);
      const host = await (await client(shop, 'host')).openRoom({ key: 'guest-room' });
      const guest = await guestClient.joinRoom(host.code, { name: 'Guest' });
      const other = await guestClient.openRoom({ key: 'guest-other', name: 'Guest' });
      const said = await guest.send('guest words');
      const kept = await other.send('guest elsewhere');
      await eventually(() => host.messages.some((m) => m.id === said.id), 'the host has the guest’s message');

      const res = await call(shop, 'DELETE', `/v1/rooms/${host.code}/members/${said.authorId}/messages`);
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { erased: { messages: number } }).erased.messages, 1);
      await eventually(() => host.messages.find((m) => m.id === said.id)?.deletedAt !== undefined, 'the host saw the delete');
      assert.equal((await other.history()).messages.find((m) => m.id === kept.id)?.text, 'guest elsewhere', 'another room is untouched');
      assert.equal((await call(shop, 'DELETE', `/v1/rooms/${host.code}/members/not%20an%20id/messages`)).status, 400);
      assert.equal((await call(shop, 'DELETE', `/v1/rooms/NOSUCHROOM/members/${said.authorId}/messages`)).status, 404);
      assert.equal((await call(blog, 'DELETE', `/v1/rooms/${host.code}/members/${said.authorId}/messages`)).status, 404, 'another app’s room is not found');
    });
  });
}
