import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sqlitePragmas, WalIndex } from './sqlite-file.js';

test("the WAL's length read from the wal-index header is SQLite's own count, as it grows and starts over", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-wal-'));
  const filename = path.join(dataDir, 'x.sqlite');
  const db = new Database(filename);
  try {
    for (const pragma of sqlitePragmas({ filename, busyTimeoutMs: 1000 })) db.pragma(pragma);
    db.exec('create table t (id integer primary key, body text)');
    const index = WalIndex.open(filename);
    assert.ok(index, 'the -shm file of a WAL database opens as a wal-index');
    const insert = db.prepare('insert into t (body) values (?)');
    // What SQLite says the WAL holds: a PASSIVE checkpoint returns it, and copies it into the database.
    const sqliteCount = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(3000));
    const frames = index.frames();
    assert.ok(frames > 300, `${frames} frames after 300 commits of a page or more`);
    assert.equal(frames, sqliteCount());

    db.pragma('wal_checkpoint(RESTART)');
    insert.run('after the restart');
    assert.ok(index.frames() < 10, `${index.frames()} frames once the WAL started over`);
    assert.equal(index.frames(), sqliteCount());
    index.close();
  } finally {
    db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
