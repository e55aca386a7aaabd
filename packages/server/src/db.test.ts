import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { migrate, openDatabase, SQLITE_FILE_NAME } from './db.js';
import { Images } from './images.js';
import { Messages } from './messages.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './sqlite-file.js';
import { checkWaitForLockOnTimer, createStorage } from './testing.js';

const MB = 1024 * 1024;

test('the SQLite WAL stays bounded whichever connection writes (images and rooms through knex, messages through the writer)', async () => {
  const storage = await createStorage('sqlite');
  const db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  const walSize = () => statSync(path.join(storage.options.dataDir!, `${SQLITE_FILE_NAME}-wal`)).size;
  const blob = Buffer.alloc(100 * 1024, 7);
  const images = new Images(db);
  const storeImage = (room: RoomRecord) => images.store(room, { mime: 'image/png', width: 1, height: 1, data: blob, thumbnail: blob.subarray(0, 16) });
  const messages = new Messages(db);
  try {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    // With the message writer running, its commits have the checkpoint thread keep the WAL short,
    // whoever filled it: 40 MB of messages and images, interleaved. (How short, without the knex
    // connection writing in between, is sqlite-message-writer.test.ts's.)
    await messages.start();
    const text = 'x'.repeat(4000);
    let largest = 0;
    for (let burst = 0; burst < 20; burst++) {
      await Promise.all(Array.from({ length: 500 }, () => messages.append(room, { kind: 'text', author: 'a', text })));
      for (let i = 0; i < 10; i++) await storeImage(room);
      largest = Math.max(largest, walSize());
    }
    const frameBytes = 4096 + 24;
    const fallbackBytes = FALLBACK_AUTOCHECKPOINT_PAGES * frameBytes;
    assert.ok(largest < fallbackBytes + MB, `WAL reached ${(largest / MB).toFixed(1)} MB with messages and images interleaved`);
    await messages.close();

    // 48 MB through the knex connection alone, in 480 commits (as image uploads come): its own
    // checkpoint at the fallback length bounds the WAL.
    for (let i = 0; i < 480; i++) await storeImage(room);
    assert.ok(walSize() < fallbackBytes + MB, `WAL at ${(walSize() / MB).toFixed(1)} MB after 48 MB written by the knex connection`);
  } finally {
    await messages.close();
    await db.destroy();
    await storage.dispose();
  }
});

test("room and image writes wait for another connection's SQLite write lock without stalling the event loop, up to the busy timeout", async () => {
  const storage = await createStorage('sqlite');
  const dataDir = storage.options.dataDir!;
  const db = openDatabase({ databaseUrl: undefined, dataDir, busyTimeoutMs: 1_500 });
  const pixel = Buffer.from('not decoded here');
  try {
    await migrate(db);
    const rooms = new Rooms(db, 8);
    const images = new Images(db);
    const room = await rooms.create();
    const write = () => Promise.all([rooms.create(), images.store(room, { mime: 'image/png', width: 1, height: 1, data: pixel, thumbnail: pixel })]);
    const [created, stored] = await checkWaitForLockOnTimer(path.join(dataDir, SQLITE_FILE_NAME), 1_500, write);
    assert.ok((await rooms.find(created.code))?.id === created.id, 'the room is stored once the lock is released');
    assert.equal((await images.infoInRoom(room, stored.id)).size, pixel.length, 'and so is the image');
  } finally {
    await db.destroy();
    await storage.dispose();
  }
});
