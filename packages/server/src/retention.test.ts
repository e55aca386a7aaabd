/**
 * Retention (issue #25): history older than an app's (or a room's own) period is deleted by the
 * background job, in bounded batches, with its images, reactions, read positions and search rows;
 * the log stays a clean prefix-cut log that clients catch up over without waiting for a gap.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import sharp from 'sharp';
import { APP_HEADER, APP_SECRET_SCHEME, type ChatMessage } from '@roomchat/protocol';
import type { ChatClient, Room } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import {
  connect,
  createStorage,
  engines,
  eventually,
  servicesOf,
  startServer,
  TcpProxy,
  testNeeding,
  type RunningServer,
  type TestStorage,
} from './testing.js';

const DAY = 24 * 60 * 60_000;

for (const engine of engines()) {
  describe(`retention on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    const clients: ChatClient[] = [];
    const client = (url = running.url, app = 'default') => {
      const c = connect(url, { app });
      clients.push(c);
      return c;
    };
    const db = () => running.server.db;
    const roomId = async (code: string, app = 'default') => (await running.server.chat.rooms.get(code, app)).id;
    /** Makes the room's entries up to `seq` look `days` old. */
    const age = async (code: string, seq: number, days = 2, app = 'default') => {
      await db()('messages')
        .where({ room_id: await roomId(code, app) })
        .where('seq', '<=', seq)
        .update({ created_at: Date.now() - days * DAY });
    };
    const seqs = async (code: string, app = 'default') =>
      (
        await db()('messages')
          .where({ room_id: await roomId(code, app) })
          .orderBy('seq')
          .select('seq')
      ).map((r) => Number(r.seq));
    const setAppRetention = (app: string, days: number | null) => running.server.apps.update(app, { settings: { retentionDays: days } });

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({
        ...storage.options,
        retentionIntervalMs: 0,
        retentionBatchSize: 50,
        appsCacheMs: 0,
        messagesPerWindow: 10_000,
        historyPageSize: 5,
      });
      shop = await running.server.apps.create('Shop', ['https://shop.example']);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('deletes only what is older than the app’s period, with its images, reactions, read positions and search rows', async () => {
      await setAppRetention('default', 1);
      try {
        const alice = await client().createRoom({ name: 'Alice' });
        const old = await alice.send('ancient walrus lore');
        await alice.react(old.id, '👍');
        const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#08f' } })
          .png()
          .toBuffer();
        const image = await alice.sendImage(new Blob([png], { type: 'image/png' }));
        await alice.markRead(image.seq);
        const cut = image.seq;
        await age(alice.code, cut);
        const fresh = await alice.send('recent walrus news');
        const before = await seqs(alice.code);

        const report = await running.server.retention.run();
        assert.equal(report.entries, cut, 'every aged entry, the join line too');
        assert.equal(report.rooms, 1);
        assert.ok(report.images >= 1);
        assert.deepEqual(
          await seqs(alice.code),
          before.filter((s) => s > cut),
        );
        assert.equal(await db()('images').where({ id: image.image!.id }).first(), undefined, 'the image’s bytes are gone');
        assert.equal((await fetch(image.image!.url)).status, 404);
        assert.equal((await db()('reactions').where({ message_id: old.id })).length, 0);
        assert.equal((await db()('read_positions').where({ room_id: await roomId(alice.code) })).length, 0, 'no read position points into the deleted part');
        assert.deepEqual(
          (await alice.search('walrus')).messages.map((m) => m.text),
          ['recent walrus news'],
          'the search index forgot the deleted message',
        );
        if (engine === 'sqlite') {
          const indexed = await db().raw(`select count(*) as n from messages_fts where messages_fts match ?`, [`room : "r${await roomId(alice.code)}"`]);
          assert.equal(Number(indexed[0].n), 1, 'only the fresh message is left in the FTS table');
        }
        const history = await alice.history();
        assert.equal(history.historyStart, cut + 1, 'the oldest page says where the log now starts');
        assert.deepEqual(
          history.messages.map((m) => m.seq),
          before.filter((s) => s > cut),
        );
        assert.equal(history.messages.at(-1)!.id, fresh.id);

        const again = await running.server.retention.run();
        assert.deepEqual([again.entries, again.images], [0, 0], 'a second round finds nothing');
      } finally {
        await setAppRetention('default', null);
      }
    });

    test('a room’s own period wins over its app’s, both ways, set with the app secret', async () => {
      const call = async (code: string, body: unknown, app = shop) => {
        const res = await fetch(`${running.url}/v1/rooms/${code}/retention`, {
          method: 'PUT',
          headers: { [APP_HEADER]: app.id, authorization: `${APP_SECRET_SCHEME} ${app.secret}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { retentionDays: number | null; error?: { code: string } } };
      };
      const kept = await client(running.url, shop.id).createRoom({ name: 'Keeper' });
      const cut = await client(running.url, shop.id).createRoom({ name: 'Cutter' });
      const plain = await client(running.url, shop.id).createRoom({ name: 'Plain' });
      for (const room of [kept, cut, plain]) {
        await room.send('one');
        await room.send('two');
        await age(room.code, 3, 10, shop.id); // the join line and both
        await room.send('three');
      }
      assert.deepEqual((await call(kept.code, { days: 0 })).body.retentionDays, 0);
      assert.deepEqual((await call(cut.code, { days: 3 })).body.retentionDays, 3);
      await setAppRetention(shop.id, 30);

      await running.server.retention.run();
      assert.deepEqual(await seqs(kept.code, shop.id), [1, 2, 3, 4], 'kept forever: 0 overrides the app’s 30 days');
      assert.deepEqual(await seqs(cut.code, shop.id), [4], '3 days beats the app’s 30');
      assert.deepEqual(await seqs(plain.code, shop.id), [1, 2, 3, 4], 'the app’s 30 days keep 10-day-old entries');

      assert.equal((await call(cut.code, { days: null })).body.retentionDays, null, 'null follows the app again');
      await setAppRetention(shop.id, null);
      // Hostile values: the schema refuses them with a stable code.
      for (const days of [36_501, 1e12, -1, 1.5, '7']) {
        const refused = await call(cut.code, { days });
        assert.deepEqual([refused.status, refused.body.error?.code], [400, 'INVALID_PAYLOAD'], `days: ${days}`);
      }
      assert.equal((await call('NOSUCHROOM', { days: 1 })).status, 404);
      const defaultRoom = await client().createRoom({ name: 'Elsewhere' });
      assert.equal((await call(defaultRoom.code, { days: 1 })).status, 404, 'another app’s room is not found');
      await assert.rejects(running.server.apps.update(shop.id, { settings: { retentionDays: 36_501 } }), /1 to 36500/);
    });

    test('the newest entry is never deleted (its seq is the next one’s base): past its period it stays as an empty tombstone', async () => {
      await setAppRetention('default', 1);
      try {
        const bob = await client().createRoom({ name: 'Bob' });
        const last = await bob.send('the last word');
        await age(bob.code, last.seq);
        await running.server.retention.run();
        const [row] = await db()('messages')
          .where({ room_id: await roomId(bob.code) })
          .select('seq', 'text', 'deleted_at');
        assert.deepEqual([Number(row.seq), row.text, row.deleted_at !== null], [last.seq, null, true]);
        const next = await bob.send('a new start');
        assert.equal(next.seq, last.seq + 1, 'seqs go on from where they were');
      } finally {
        await setAppRetention('default', null);
      }
    });

    test('a client that missed the deleted part catches up to where the log now starts; one joining later sees a clean history', async () => {
      await setAppRetention('default', 1);
      const proxy = await TcpProxy.start(running.url);
      try {
        const owner = await client().createRoom({ name: 'Owner' });
        const watcher = await client(proxy.url).joinRoom(owner.code, { name: 'Watcher' });
        await owner.send('before the gap');
        await eventually(() => watcher.messages.some((m) => m.text === 'before the gap'), 'the watcher has the first message');
        const watcherNewest = watcher.messages.at(-1)!.seq;
        proxy.down();
        const missed: ChatMessage[] = [];
        for (let i = 0; i < 20; i++) missed.push(await owner.send(`missed ${i}`));
        const cut = missed[14]!.seq;
        await age(owner.code, cut);
        await running.server.retention.run();
        assert.ok(cut > watcherNewest + 5, 'more was deleted than a snapshot page covers');
        proxy.up();
        await eventually(() => watcher.messages.some((m) => m.text === 'missed 19'), 'the watcher caught up past the deleted part', 10_000);
        const got = watcher.messages.map((m) => m.text);
        assert.deepEqual(
          got.filter((t) => t?.startsWith('missed')),
          missed.slice(15).map((m) => m.text),
        );
        assert.ok(!got.includes('missed 3'));

        const late = await client().joinRoom(owner.code, { name: 'Late' });
        let page: Room['messages'] = late.messages;
        while (late.hasMore) page = [...(await late.loadOlder()), ...page];
        assert.equal(late.messages[0]!.seq, cut + 1, 'history starts just after the cut, nothing older');
        for (let i = 1; i < late.messages.length; i++) assert.equal(late.messages[i]!.seq, late.messages[i - 1]!.seq + 1, 'no hole inside the kept part');
      } finally {
        await proxy.close();
        await setAppRetention('default', null);
      }
    });

    test('works in bounded batches (retentionBatchSize), and messages are stored between two of them', async () => {
      await setAppRetention('default', 1);
      try {
        const room = await client().createRoom({ name: 'Bulk' });
        const id = await roomId(room.code);
        const total = 1_000;
        const base = Math.max(...(await seqs(room.code)));
        const rows = Array.from({ length: total }, (_, i) => ({
          room_id: id,
          seq: base + 1 + i,
          kind: 'text',
          author: 'Bulk',
          text: `bulk ${i}`,
          created_at: Date.now() - 2 * DAY,
        }));
        await db().batchInsert('messages', rows, 250);
        await age(room.code, base);
        let storedDuringRound = false;
        let roundOver = false;
        const round = running.server.retention.run().finally(() => (roundOver = true));
        const sent = room.send('while deleting').then(() => (storedDuringRound = !roundOver));
        const report = await round;
        await sent;
        assert.equal(report.entries, total + base);
        assert.ok(report.batches >= Math.ceil((total + base) / 50), `${report.batches} batches of at most 50`);
        assert.ok(storedDuringRound, 'a message sent during the round was stored before it ended');
        console.log(`retention on ${engine}: ${report.entries} entries in ${report.batches} batches, longest ${report.longestBatchMs.toFixed(1)} ms`);
      } finally {
        await setAppRetention('default', null);
      }
    });
  });
}
