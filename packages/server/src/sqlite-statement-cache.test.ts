import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from './db.js';
import { Rooms } from './rooms.js';
import { cacheStatements, STATEMENT_CACHE_SIZE } from './sqlite-statement-cache.js';

function memoryDatabase(): Database.Database {
  const connection = new Database(':memory:');
  connection.exec("create table t (a integer); insert into t values (1), (2), (3)");
  return connection;
}

test('a text prepared before gets the same statement, which answers each query with its own bindings', () => {
  const connection = memoryDatabase();
  cacheStatements(connection);
  const sql = 'select a from t where a >= ? order by a';
  const first = connection.prepare(sql);
  assert.equal(connection.prepare(sql), first);
  assert.deepEqual(connection.prepare(sql).all(2), [{ a: 2 }, { a: 3 }]);
  assert.deepEqual(connection.prepare(sql).all(3), [{ a: 3 }]);
  assert.throws(() => connection.prepare('select nothing from nowhere'), { code: 'SQLITE_ERROR' }, 'a text that does not prepare throws, as before');
  connection.close();
});

test('a cached statement sees a column added after it was prepared (migrations run on the same connection)', () => {
  const connection = memoryDatabase();
  cacheStatements(connection);
  assert.deepEqual(connection.prepare('select * from t where a = ?').all(1), [{ a: 1 }]);
  connection.exec("alter table t add column b text not null default 'x'");
  assert.deepEqual(connection.prepare('select * from t where a = ?').all(1), [{ a: 1, b: 'x' }]);
  connection.close();
});

test(`at most ${STATEMENT_CACHE_SIZE} statements are kept, the least recently used going first`, () => {
  const connection = memoryDatabase();
  cacheStatements(connection);
  const text = (i: number) => `select a + ${i} as v from t`;
  const oldest = connection.prepare(text(0));
  const second = connection.prepare(text(1));
  for (let i = 2; i < STATEMENT_CACHE_SIZE; i++) connection.prepare(text(i));
  assert.equal(connection.prepare(text(0)), oldest, 'used again: now the most recent');
  connection.prepare(text(STATEMENT_CACHE_SIZE)); // one too many: the least recently used goes
  assert.notEqual(connection.prepare(text(1)), second, 'prepared anew');
  assert.equal(connection.prepare(text(0)), oldest);
  connection.close();
});

test("knex's SQLite connection keeps its statements prepared", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-statements-'));
  const db = openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    const find = () => new Rooms(db, 8).find(room.code);
    assert.deepEqual(await find(), room);
    const { sql } = db('rooms').where({ app_id: room.appId, code: room.code }).first().toSQL().toNative();
    const connection = (await db.client.acquireConnection()) as Database.Database;
    try {
      assert.equal(connection.prepare(sql), connection.prepare(sql), "the connection's prepare hands out the statement prepared before");
    } finally {
      await db.client.releaseConnection(connection);
    }
    assert.deepEqual(await find(), room, 'and knex still reads right with it');
  } finally {
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
});
