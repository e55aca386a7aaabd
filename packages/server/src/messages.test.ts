import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from './db.js';
import { createMessageWriter, type AppendRequest, type MessageWriter } from './message-writer.js';
import { Messages, type AppendResult } from './messages.js';
import { Rooms } from './rooms.js';
import { connect, createStorage, engines, eventually, openMigrated, servicesOf, startServer, testNeeding, type TestStorage } from './testing.js';

for (const engine of engines()) {
  describe(`message storage on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let db: Database;
    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      db = await openMigrated(storage);
    });
    after(async () => {
      if (skipped) return;
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

    test('once 32 appends wait, a batch starts without waiting for the end of the turn', async () => {
      const room = await new Rooms(db, 8).create();
      const writer = createMessageWriter(db);
      const batchSizes: number[] = [];
      const messages = new Messages(db, {
        start: () => writer.start(),
        close: () => writer.close(),
        write: (batch) => {
          batchSizes.push(batch.length);
          return writer.write(batch);
        },
      });
      const appended = Array.from({ length: 40 }, (_, i) => messages.append(room, { kind: 'text', author: 'x', text: `early ${i}` }));
      assert.deepEqual(batchSizes, [32], 'the first 32 went to the database in the turn they arrived');
      const results = await Promise.all(appended);
      await messages.close();
      assert.deepEqual(batchSizes, [32, 8]);
      assert.deepEqual(results.map((r) => r.message.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    });

    test('with several batches written at once, each room keeps call order and gap-free seqs, and a repeated client id is stored once', async () => {
      const rooms = new Rooms(db, 8);
      const [a, b, c] = [await rooms.create(), await rooms.create(), await rooms.create()];
      const writer = createMessageWriter(db, undefined, { batchesInFlight: 4 });
      let writing = 0;
      let mostAtOnce = 0;
      const messages = new Messages(db, {
        concurrency: writer.concurrency,
        start: () => writer.start(),
        close: () => writer.close(),
        write: async (batch) => {
          mostAtOnce = Math.max(mostAtOnce, ++writing);
          try {
            return await writer.write(batch);
          } finally {
            writing--;
          }
        },
      });
      const appended: Array<Promise<AppendResult>> = [];
      for (let turn = 0; turn < 30; turn++) {
        for (let i = 0; i < 5; i++) {
          const n = turn * 5 + i;
          // Every tenth is a retry of the send five calls before it, to its room, while that one may still be in flight.
          const retry = n % 10 === 9;
          const room = [a, b, c][(retry ? n - 5 : n) % 3]!;
          appended.push(messages.append(room, { kind: 'text', author: 'x', text: `t${n}`, clientId: `c${retry ? n - 5 : n}` }));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.all(appended);
      await messages.close();
      if (engine === 'postgres') assert.ok(mostAtOnce > 1, `batches overlapped (at most ${mostAtOnce} at once)`);
      for (const room of [a, b, c]) {
        const created = results.filter((r) => r.created && r.message.roomCode === room.code).map((r) => r.message);
        assert.deepEqual(created.map((m) => m.seq), Array.from({ length: created.length }, (_, i) => i + 1), 'gap-free, in call order');
        const page = await messages.page(room, { after: 0, limit: 200 });
        assert.deepEqual(page.messages.map((m) => m.text), created.map((m) => m.text), 'stored in call order');
      }
      results.forEach((r, n) => {
        if (n % 10 !== 9) return assert.equal(r.created, true);
        assert.equal(r.created, false);
        assert.equal(r.message.id, results[n - 5]!.message.id);
      });
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

describe('a message writer given to the server', () => {
  test('stores every message the server records, and its seqs are the ones clients see', async () => {
    const storage = await createStorage('sqlite');
    const batches: AppendRequest[][] = [];
    const lifecycle: string[] = [];
    const seqs = new Map<number, number>();
    const writer: MessageWriter = {
      start: async () => void lifecycle.push('start'),
      close: async () => void lifecycle.push('close'),
      async write(batch) {
        batches.push(batch);
        return batch.map((request, i) => {
          // From 100, so that they cannot be the database writer's.
          const seq = (seqs.get(request.roomId) ?? 99) + 1;
          seqs.set(request.roomId, seq);
          const row = { id: 1000 * batches.length + i, room_id: request.roomId, seq, kind: request.kind, author: request.author, author_id: request.authorId, text: request.text, image_id: request.imageId, client_id: request.clientId, created_at: Date.now() };
          return { row, created: true };
        });
      },
    };
    const running = await startServer({ ...storage.options, messageWriter: writer });
    const [alice, bob] = [connect(running.url), connect(running.url)];
    try {
      const aliceRoom = await alice.createRoom({ name: 'Alice' });
      const bobRoom = await bob.joinRoom(aliceRoom.code, { name: 'Bob' });
      const sent = await aliceRoom.send('through the writer');
      await eventually(() => bobRoom.messages.some((m) => m.text === 'through the writer'), 'Bob to get the message');
      assert.equal(bobRoom.messages.find((m) => m.text === 'through the writer')?.seq, sent.seq);
      assert.deepEqual(batches.flat().map((r) => `${r.kind}:${r.author}:${r.text ?? ''}`), ['join:Alice:', 'join:Bob:', 'text:Alice:through the writer']);
      // Bob's join line and the message, as published; her own join line would have come with the
      // room's history, which is read from the database, and the database has none of them.
      assert.deepEqual(aliceRoom.messages.map((m) => m.seq), [101, 102]);
    } finally {
      alice.close();
      bob.close();
      await running.server.close();
      await storage.dispose();
    }
    assert.deepEqual(lifecycle, ['start', 'close']);
  });
});
