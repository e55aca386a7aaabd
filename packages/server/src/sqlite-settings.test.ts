import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from './db.js';
import { connect, createStorage, startServer } from './testing.js';

test("the server's SQLite file is in WAL mode, and its connections commit with synchronous=NORMAL", async () => {
  const storage = await createStorage('sqlite');
  const running = await startServer(storage.options);
  const client = connect(running.url);
  try {
    const room = await client.createRoom({ name: 'Ann' });
    await room.send('written through the message writer');
    // WAL is a property of the file: any connection sees it, and the -wal file exists.
    const reader = new Database(path.join(storage.options.dataDir!, SQLITE_FILE_NAME), { readonly: true });
    try {
      assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      reader.close();
    }
    // synchronous is per connection: the server's own (knex) connection, as the writer's is set alike.
    const [row] = (await running.server.db.raw('pragma synchronous')) as Array<{ synchronous: number }>;
    assert.equal(row?.synchronous, 1, 'NORMAL (FULL would be 2: an fsync per commit)');
    const [mode] = (await running.server.db.raw('pragma journal_mode')) as Array<{ journal_mode: string }>;
    assert.equal(mode?.journal_mode, 'wal');
  } finally {
    client.close();
    await running.server.close();
    await storage.dispose();
  }
});
