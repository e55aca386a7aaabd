import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrate, openDatabase, type Database } from './db.js';
import { Messages } from './messages.js';
import { Rooms } from './rooms.js';
import { createStorage, engines, type TestStorage } from './testing.js';

for (const engine of engines()) {
  describe(`message storage on ${engine}`, () => {
    let storage: TestStorage;
    let db: Database;
    before(async () => {
      storage = await createStorage(engine);
      const { databaseUrl, dataDir, searchPath } = storage.options;
      db = openDatabase({ databaseUrl, dataDir: dataDir!, ...(searchPath ? { searchPath } : {}) });
      await migrate(db);
    });
    after(async () => {
      await db.destroy();
      await storage.dispose();
    });

    test('concurrent appends are group-committed, in arrival order, gap-free per room', async () => {
      const rooms = new Rooms(db, 8);
      const messages = new Messages(db);
      const [a, b] = [await rooms.create(), await rooms.create()];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => messages.append(i % 2 ? b : a, { kind: 'text', author: 'x', text: `t${i}`, clientId: `c${i}` })),
      );
      await messages.close();
      assert.equal(messages.stats.appends, 200);
      assert.ok(messages.stats.batches >= 1 && messages.stats.batches <= 3, `200 concurrent appends took ${messages.stats.batches} transactions`);
      for (const room of [a, b]) {
        const mine = results.filter((r) => r.message.roomCode === room.code).map((r) => r.message);
        assert.deepEqual(mine.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
        const page = await messages.page(room, { after: 0, limit: 200 });
        assert.deepEqual(page.messages.map((m) => m.text), mine.map((m) => m.text), 'stored in arrival order');
      }
    });

    test('a client id repeated within one batch, or later, is stored once', async () => {
      const room = await new Rooms(db, 8).create();
      const messages = new Messages(db);
      const [first, second, other] = await Promise.all([
        messages.append(room, { kind: 'text', author: 'x', text: 'hello', clientId: 'same' }),
        messages.append(room, { kind: 'text', author: 'x', text: 'hello', clientId: 'same' }),
        messages.append(room, { kind: 'text', author: 'x', text: 'other', clientId: 'other' }),
      ]);
      const later = await messages.append(room, { kind: 'text', author: 'x', text: 'hello', clientId: 'same' });
      assert.deepEqual([first.created, second.created, later.created, other.created], [true, false, false, true]);
      assert.equal(second.message.id, first.message.id);
      assert.equal(later.message.id, first.message.id);
      const page = await messages.page(room, { limit: 10 });
      await messages.close();
      assert.deepEqual(page.messages.map((m) => m.clientId), ['same', 'other']);
    });
  });
}
