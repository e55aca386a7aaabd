import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { migrate, openDatabase, SQLITE_FILE_NAME } from './db.js';
import { Rooms } from './rooms.js';
import { SqliteMessageWriter, STORAGE_WORKER_LOST } from './sqlite-message-writer.js';

const text = (roomId: number, clientId: string | null) => ({ roomId, kind: 'text' as const, author: 'x', text: 'hi', imageId: null, clientId });

test('a writer whose database is not usable fails its writes as a storage outage, and works once the database is there', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-writer-'));
  const writer = new SqliteMessageWriter({ filename: path.join(dataDir, SQLITE_FILE_NAME), busyTimeoutMs: 100 });
  const db = openDatabase({ databaseUrl: undefined, dataDir });
  try {
    // No schema yet: the writer's thread cannot prepare its statements and stops.
    await assert.rejects(writer.start(), { code: STORAGE_WORKER_LOST });
    await assert.rejects(writer.write([text(1, 'a')]), { code: STORAGE_WORKER_LOST });

    await migrate(db);
    await writer.start();
    const room = await new Rooms(db, 8).create();
    const written = await writer.write([text(room.id, 'a'), text(room.id, null), text(room.id, 'b')]);
    assert.deepEqual(written.map((o) => [Number(o.row.seq), o.created]), [[1, true], [2, true], [3, true]], 'a new thread took over');
    const again = await writer.write([text(room.id, 'a'), text(room.id, 'c')]);
    assert.deepEqual(again.map((o) => [Number(o.row.seq), o.created]), [[1, false], [4, true]], 'a stored client id answers with its row');
    assert.equal(again[0]!.row.id, written[0]!.row.id);

    await writer.close();
    await assert.rejects(writer.write([text(room.id, 'd')]), /closed/, 'closing is final');
  } finally {
    await writer.close();
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
});
