import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { migrate, openDatabase, SQLITE_FILE_NAME } from './db.js';
import { Messages } from './messages.js';
import { Rooms } from './rooms.js';
import { createStorage } from './testing.js';

const MB = 1024 * 1024;

test('the SQLite WAL stays bounded whichever connection writes (rooms and images on the event loop, messages on the writer thread)', async () => {
  const storage = await createStorage('sqlite');
  const db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  const walSize = () => statSync(path.join(storage.options.dataDir!, `${SQLITE_FILE_NAME}-wal`)).size;
  try {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    // 48 MB through the event loop's connection, in 480 commits (as image uploads would come).
    const blob = Buffer.alloc(100 * 1024, 7);
    for (let i = 0; i < 480; i++) {
      await db('images').insert({ id: `img${i}`, room_id: room.id, mime: 'image/png', width: 1, height: 1, size: blob.length, etag: 'e', data: blob, thumbnail: blob.subarray(0, 16), thumbnail_etag: 't', created_at: Date.now() });
    }
    assert.ok(walSize() < 16 * MB, `WAL at ${(walSize() / MB).toFixed(1)} MB after 48 MB written by the main connection`);

    // About 40 MB of messages through the writer thread.
    const messages = new Messages(db);
    const text = 'x'.repeat(4000);
    for (let burst = 0; burst < 20; burst++) {
      await Promise.all(Array.from({ length: 500 }, () => messages.append(room, { kind: 'text', author: 'a', text })));
    }
    await messages.close();
    assert.ok(walSize() < 16 * MB, `WAL at ${(walSize() / MB).toFixed(1)} MB after 40 MB of messages`);
  } finally {
    await db.destroy();
    await storage.dispose();
  }
});
