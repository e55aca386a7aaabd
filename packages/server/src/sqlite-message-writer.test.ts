import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { migrate, openDatabase, sqliteFileOf } from './db.js';
import { Rooms } from './rooms.js';
import { SqliteMessageWriter, STORAGE_WORKER_LOST } from './sqlite-message-writer.js';

const text = (roomId: number, clientId: string | null) => ({ roomId, kind: 'text' as const, author: 'x', text: 'hi', imageId: null, clientId });

test('a writer whose database cannot be opened fails its writes as a storage outage, and does not hang', async () => {
  const writer = new SqliteMessageWriter({ filename: '/nonexistent-dir/roomchat.sqlite', busyTimeoutMs: 100 });
  await assert.rejects(writer.write([text(1, 'a')]), { code: STORAGE_WORKER_LOST });
  await writer.close();
});

test('the writer starts again after being stopped, and keeps seqs and client ids across the restart', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-writer-'));
  const db = openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    const writer = new SqliteMessageWriter(sqliteFileOf(db)!);
    const first = await writer.write([text(room.id, 'a'), text(room.id, null)]);
    await writer.close();
    const again = await writer.write([text(room.id, 'a'), text(room.id, 'b')]);
    await writer.close();
    assert.deepEqual(first.map((o) => [Number(o.row.seq), o.created]), [[1, true], [2, true]]);
    assert.deepEqual(again.map((o) => [Number(o.row.seq), o.created]), [[1, false], [3, true]], 'a repeated client id answers with the stored row');
    assert.equal(again[0]!.row.id, first[0]!.row.id);
  } finally {
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
});
