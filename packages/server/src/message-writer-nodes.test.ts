// Several nodes share one PostgreSQL database, each with its own pool and writer
// (message-writer.ts, lockSequences): writes to the same rooms at the same moment wait for each
// other on the rooms' rows, so seqs stay unique and gap-free per room and no batch fails, even
// when two nodes' batches name the same rooms in opposite orders.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { migrate, openDatabase, type Database } from './db.js';
import { createMessageWriter, type AppendRequest } from './message-writer.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { createStorage, servicesOf, testNeeding, type TestStorage } from './testing.js';

describe('message writers of several nodes on postgres', () => {
  const { test, skipped } = testNeeding(...servicesOf('postgres'));
  let storage: TestStorage;
  const nodes: Database[] = [];
  before(async () => {
    if (skipped) return;
    storage = await createStorage('postgres');
    const { databaseUrl, dataDir, searchPath } = storage.options;
    for (let i = 0; i < 3; i++) nodes.push(openDatabase({ databaseUrl, dataDir: dataDir!, searchPath: searchPath! }));
    await migrate(nodes[0]!);
  });
  after(async () => {
    if (skipped) return;
    for (const db of nodes) await db.destroy();
    await storage.dispose();
  });

  test('batches to the same rooms from several nodes at once all commit, with gap-free seqs per room', async () => {
    const rooms = new Rooms(nodes[0]!, 8);
    const [a, b] = [await rooms.create(), await rooms.create()];
    const line = (room: RoomRecord, text: string): AppendRequest => ({ roomId: room.id, kind: 'text', author: 'x', authorId: null, text, imageId: null, clientId: null });
    const writers = nodes.map((db) => createMessageWriter(db));
    // Each node writes 15 batches, both rooms in each, half of them in the opposite order.
    const writes = writers.flatMap((writer, n) =>
      Array.from({ length: 15 }, (_, i) => writer.write(i % 2 ? [line(a, `${n}.${i}`), line(b, `${n}.${i}`)] : [line(b, `${n}.${i}`), line(a, `${n}.${i}`)])),
    );
    const results = await Promise.allSettled(writes);
    const failed = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(failed, [], 'no batch failed');
    for (const room of [a, b]) {
      const seqs = (await nodes[0]!('messages').where({ room_id: room.id }).orderBy('seq').select('seq')).map((r) => Number(r.seq));
      assert.deepEqual(seqs, Array.from({ length: 45 }, (_, i) => i + 1));
    }
  });
});
