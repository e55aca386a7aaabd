// PostgreSQL's append (roomchat_append_messages) must not read the whole messages table per batch.
// PL/pgSQL keeps a generic plan per connection, made from the table's statistics when it first
// runs: a pool connection opened on a new, empty table keeps it until the table is analyzed. The
// plan is read from auto_explain (loading it needs a superuser, as CI's TEST_DATABASE_URL is).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type pg from 'pg';
import type { Database } from './db.js';
import { Rooms } from './rooms.js';
import { createStorage, openMigrated, testNeeding, type TestStorage } from './testing.js';

const APPEND = 'select * from roomchat_append_messages($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint)';

describe('the PostgreSQL append function', () => {
  const { test, skipped } = testNeeding('TEST_DATABASE_URL');
  let storage: TestStorage;
  let db: Database;
  before(async () => {
    if (skipped) return;
    storage = await createStorage('postgres');
    db = await openMigrated(storage);
  });
  after(async () => {
    if (skipped) return;
    await db.destroy();
    await storage.dispose();
  });

  test('looks client ids up in their index, on a connection that first ran it on an empty table', async () => {
    const rooms = new Rooms(db, 8);
    const ids = [(await rooms.create()).id, (await rooms.create()).id];
    const connection = (await db.client.acquireConnection()) as pg.ClientBase;
    const notices: string[] = [];
    const onNotice = (notice: { message?: string }) => notices.push(notice.message ?? '');
    connection.on('notice', onNotice);
    try {
      await connection.query("load 'auto_explain'");
      await connection.query('set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set client_min_messages = notice');
      // The plan cache plans the first five calls for their values, and from the sixth may keep a
      // generic plan: run past that, as a server does from its first minutes on.
      let n = 0;
      for (let call = 0; call < 8; call++) {
        const batch = ids.flatMap((id) => [id, id]);
        await connection.query(APPEND, [batch, batch.map(() => 'text'), batch.map(() => 'a'), batch.map(() => null), batch.map(() => 'hi'), batch.map(() => null), batch.map(() => `client-${n++}`), batch.map(() => null), Date.now()]);
      }
      const plans = notices.filter((notice) => notice.includes('insert into messages'));
      assert.equal(plans.length, 8, 'auto_explain told each call\'s plan');
      for (const plan of plans.slice(5)) {
        assert.doesNotMatch(plan, /Seq Scan on messages/, 'no scan of the whole table');
        assert.match(plan, /messages_client_id_room_id_unique/, 'the client id looked up in its index');
      }
      // What the plans did: every row stored, numbered per room.
      const stored = await db('messages').whereIn('room_id', ids).orderBy(['room_id', 'seq']).select('room_id', 'seq');
      assert.deepEqual(stored.map((r) => Number(r.seq)), [...Array.from({ length: 16 }, (_, i) => i + 1), ...Array.from({ length: 16 }, (_, i) => i + 1)]);
    } finally {
      connection.off('notice', onNotice);
      await connection.query("set auto_explain.log_min_duration = -1; set client_min_messages = notice");
      await db.client.releaseConnection(connection);
    }
  });
});
