// What a history page says beyond its entries (messages.ts, page and find): the quote of a reply
// as it is now, where the log starts once retention has cut it (only on the page that reaches
// back there), and message ids of any length. On both engines, through Messages itself; and image
// URLs, signed in private rooms only, through a server.
import assert from 'node:assert/strict';
import { after, before, describe, test as plainTest } from 'node:test';
import sharp from 'sharp';
import type { ChatClient } from '@roomchat/sdk';
import type { Database } from './db.js';
import { Messages, type NewMessage } from './messages.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { connect, createStorage, engines, openMigrated, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const text = (body: string, extra: Partial<NewMessage> = {}): NewMessage => ({ kind: 'text', author: 'Ann', authorId: 'ann-id', text: body, ...extra });

for (const engine of engines()) {
  describe(`history pages on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let db: Database;
    let messages: Messages;
    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      db = await openMigrated(storage);
      messages = new Messages(db);
      await messages.start();
    });
    after(async () => {
      if (skipped) return;
      await messages.close();
      await db.destroy();
      await storage.dispose();
    });
    const roomWith = async (count: number): Promise<RoomRecord> => {
      const room = await new Rooms(db, 8).create();
      for (let i = 1; i <= count; i++) await messages.append(room, text(`m${i}`));
      return room;
    };
    /** What retention leaves after cutting a room's log up to `seq`: the rows gone, the cut remembered. */
    const cutAt = async (room: RoomRecord, seq: number) => {
      await db('messages').where({ room_id: room.id }).where('seq', '<=', seq).delete();
      await db('rooms').where({ id: room.id }).update({ purged_seq: seq });
    };

    test('a reply in a history page quotes its target', async () => {
      const room = await roomWith(0);
      const question = (await messages.append(room, text('Lunch at noon?'))).message;
      await messages.append(room, text('Yes', { data: { replyTo: question.id } }));
      const page = await messages.page(room, { limit: 10 });
      const reply = page.messages.find((m) => m.kind === 'text' && m.text === 'Yes');
      assert.deepEqual(reply && 'replyTo' in reply ? reply.replyTo : undefined, { id: question.id, author: 'Ann', excerpt: 'Lunch at noon?' });
    });

    test('only the page that reaches back to where retention cut the log says where it starts', async () => {
      const room = await roomWith(30);
      await cutAt(room, 5);
      const newest = await messages.page(room, { limit: 10 });
      assert.deepEqual([newest.messages[0]!.seq, newest.hasMore, newest.historyStart], [21, true, undefined], 'a page with more before it');
      const oldest = await messages.page(room, { limit: 10, before: 16 });
      assert.deepEqual([oldest.messages[0]!.seq, oldest.hasMore, oldest.historyStart], [6, false, 6]);
      assert.equal((await messages.page(room, { after: 0, limit: 10 })).historyStart, 6, 'catch-up from before the cut');
      assert.equal((await messages.page(room, { after: 3, limit: 10 })).historyStart, 6);
      assert.equal((await messages.page(room, { after: 5, limit: 10 })).historyStart, undefined, 'catch-up from the cut itself misses nothing');
      assert.equal((await messages.page(room, { after: 10, limit: 10 })).historyStart, undefined);
      const uncut = await roomWith(3);
      assert.equal((await messages.page(uncut, { limit: 10 })).historyStart, undefined, 'a log never cut starts at 1');
    });

    test('find() takes message ids of any length up to 18 digits', async () => {
      const room = await roomWith(12);
      const ids = (await db('messages').where({ room_id: room.id }).orderBy('id').select('id')).map((r) => String(r.id));
      const twoDigits = ids.find((id) => id.length >= 2)!;
      assert.ok(twoDigits, `ids ${ids.join(', ')}`);
      assert.equal((await messages.find(room, twoDigits))?.room_id, room.id);
      assert.equal(await messages.find(room, '9'.repeat(19)), undefined);
    });
  });
}

describe('image URLs', () => {
  let storage: TestStorage;
  let running: RunningServer;
  const clients: ChatClient[] = [];
  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer(storage.options);
  });
  after(async () => {
    for (const c of clients) c.close();
    await running.server.close();
    await storage.dispose();
  });

  plainTest("a public room's image URLs carry no signature: they are the image's stable address", async () => {
    const c = connect(running.url);
    clients.push(c);
    const room = await c.createRoom({ name: 'Ann' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#8844cc' } }).png().toBuffer();
    const sent = await room.sendImage(new Blob([new Uint8Array(png)], { type: 'image/png' }));
    const again = (await room.history()).messages.find((m) => m.id === sent.id)!;
    for (const url of [sent.image!.url, sent.image!.thumbUrl, again.image!.url]) assert.equal(new URL(url).search, '', url);
    assert.equal((await fetch(sent.image!.url)).status, 200);
  });
});
