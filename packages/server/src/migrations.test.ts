import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { migrate, migrationSource, openDatabase } from './db.js';
import { Messages } from './messages.js';
import type { RoomRecord } from './rooms.js';
import { createStorage, engines, servicesOf, testNeeding } from './testing.js';

for (const engine of engines()) {
  describe(`schema migrations on ${engine}`, () => {
    const { test } = testNeeding(...servicesOf(engine));
    test('a database of the first schema keeps its messages, and its rooms continue their seqs, after each later migration and back', async () => {
      const storage = await createStorage(engine);
      const { databaseUrl, dataDir, searchPath } = storage.options;
      const db = openDatabase({ databaseUrl, dataDir: dataDir!, ...(searchPath ? { searchPath } : {}) });
      try {
        await db.migrate.up({ migrationSource, name: '20261125000000_initial' });
        // As the first schema stored them: rooms count their seqs in last_seq.
        const [{ id: roomId }] = await db('rooms').insert({ app_id: 'default', code: 'OLDROOM1', last_seq: 3, created_at: 1 }).returning('id');
        await db('messages').insert(
          [1, 2, 3].map((seq) => ({ room_id: roomId, seq, kind: 'text', author: 'ann', text: `old ${seq}`, client_id: `c${seq}`, created_at: seq })),
        );
        const rowsOf = () => db('messages').orderBy('id').select('id', 'room_id', 'seq', 'text', 'client_id');
        const before = await rowsOf();

        const later = (await migrationSource.getMigrations([])).slice(1);
        assert.deepEqual(await migrate(db), later);
        assert.deepEqual(await rowsOf(), before, 'every message kept, with its id');
        assert.equal(await db.schema.hasColumn('rooms', 'last_seq'), false);
        if (engine === 'sqlite') {
          const [table] = await db.raw(`select sql from sqlite_master where name = 'messages'`);
          assert.doesNotMatch(table.sql, /autoincrement/i);
        }

        const room: RoomRecord = { id: Number(roomId), appId: 'default', code: 'OLDROOM1', createdAt: new Date(1).toISOString() };
        const messages = new Messages(db);
        try {
          const next = await messages.append(room, { kind: 'text', author: 'bob', text: 'new', clientId: 'c4' });
          assert.deepEqual([next.created, next.message.seq], [true, 4], "the room's next seq follows its newest message");
          assert.ok(Number(next.message.id) > Math.max(...before.map((r) => Number(r.id))), 'new ids follow the old ones');
          const repeat = await messages.append(room, { kind: 'text', author: 'ann', text: 'old 2 again', clientId: 'c2' });
          assert.deepEqual([repeat.created, repeat.message.seq, repeat.message.text], [false, 2, 'old 2'], 'client ids stored before still deduplicate');
        } finally {
          await messages.close();
        }

        for (let i = 0; i < later.length; i++) await db.migrate.down({ migrationSource });
        assert.equal(await db.migrate.currentVersion({ migrationSource }), '20261125000000');
        assert.deepEqual((await db('rooms').where({ id: roomId }).first()).last_seq, engine === 'postgres' ? '4' : 4, 'rolled back, last_seq counts the stored messages');
        assert.equal((await rowsOf()).length, 4);
        assert.deepEqual(await migrate(db), later, 'and it migrates forward again');
        const messagesAgain = new Messages(db);
        try {
          const repeat = await messagesAgain.append(room, { kind: 'text', author: 'bob', text: 'new again', clientId: 'c4' });
          assert.deepEqual([repeat.created, repeat.message.seq], [false, 4], 'and still deduplicates');
        } finally {
          await messagesAgain.close();
        }
      } finally {
        await db.destroy();
        await storage.dispose();
      }
    });
  });
}
