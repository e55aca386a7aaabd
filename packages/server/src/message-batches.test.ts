// Group commit's failure paths, with a writer that fails on cue in front of a real SQLite one:
// a batch that loses a client-id race is redone message by message, any other failure rejects
// only its own batch, and batches overlap only for a writer that takes several, eight appends or more.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { migrate, openDatabase, type Database } from './db.js';
import { createMessageWriter, type AppendRequest, type MessageWriter } from './message-writer.js';
import { Messages } from './messages.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { createStorage, type TestStorage } from './testing.js';

let storage: TestStorage;
let db: Database;
let real: MessageWriter;
before(async () => {
  storage = await createStorage('sqlite');
  db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  await migrate(db);
  real = createMessageWriter(db);
  await real.start();
});
after(async () => {
  await real.close();
  await db.destroy();
  await storage.dispose();
});

const uniqueViolation = () => Object.assign(new Error('UNIQUE constraint failed: messages.client_id, messages.room_id'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
const text = (t: string, clientId?: string) => ({ kind: 'text' as const, author: 'x', text: t, ...(clientId ? { clientId } : {}) });

/** The real writer behind a hook that sees each batch first and may fail it. */
function hookedWriter(hook: (batch: AppendRequest[], call: number) => void | Promise<void>): { writer: MessageWriter; batches: string[][] } {
  const batches: string[][] = [];
  const writer: MessageWriter = {
    start: async () => {},
    close: async () => {},
    write: async (batch) => {
      batches.push(batch.map((r) => r.text ?? ''));
      await hook(batch, batches.length);
      return real.write(batch);
    },
  };
  return { writer, batches };
}

async function newRoom(): Promise<RoomRecord> {
  return new Rooms(db, 8).create();
}

test('a batch that loses a client-id race is redone one by one: the duplicate answers with the stored original, the others are stored', async () => {
  const room = await newRoom();
  // The same sender's retry reached another node, which stored "raced" a moment ago.
  const [winner] = await real.write([{ roomId: room.id, kind: 'text', author: 'x', authorId: null, text: 'raced', imageId: null, clientId: 'raced' }]);
  const { writer, batches } = hookedWriter((batch, call) => {
    if (call === 1 && batch.length > 1) throw uniqueViolation(); // as the database would for the whole batch
    if (batch.some((r) => r.clientId === 'raced')) throw uniqueViolation();
  });
  const messages = new Messages(db, writer);
  const results = await Promise.all([messages.append(room, text('first', 'a')), messages.append(room, text('raced', 'raced')), messages.append(room, text('third', 'c'))]);
  assert.deepEqual(batches, [['first', 'raced', 'third'], ['first'], ['raced'], ['third']]);
  assert.deepEqual(results.map((r) => [r.message.text, r.created]), [['first', true], ['raced', false], ['third', true]]);
  assert.equal(results[1]!.message.id, String(winner!.row.id), 'the original, found by its client id');
});

test('any other failure rejects the appends of its batch only, and later appends are still written', async () => {
  const room = await newRoom();
  const disk = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
  const { writer, batches } = hookedWriter((_, call) => {
    if (call === 1) throw disk;
  });
  const messages = new Messages(db, writer);
  const failed = [messages.append(room, text('lost 1', 'l1')), messages.append(room, text('lost 2', 'l2'))];
  for (const append of failed) await assert.rejects(append, { code: 'SQLITE_IOERR_WRITE' });
  const later = await messages.append(room, text('later', 'ok'));
  assert.deepEqual([later.created, later.message.seq], [true, 1], 'nothing of the failed batch took a seq');
  assert.deepEqual(batches, [['lost 1', 'lost 2'], ['later']]);
  assert.deepEqual(messages.stats, { batches: 1, appends: 1 }, 'only written batches count');
});

test('a lone append that fails with a unique violation but whose original cannot be found is rejected', async () => {
  const room = await newRoom();
  const { writer } = hookedWriter(() => {
    throw uniqueViolation();
  });
  const messages = new Messages(db, writer);
  await assert.rejects(messages.append(room, text('ghost', 'ghost')), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
  await assert.rejects(messages.append(room, text('no id')), { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'without a client id there is no original to look for');
});

test('batches never overlap: what arrives while one is written waits for the next, in order', async () => {
  const room = await newRoom();
  let release!: () => void;
  let writing = 0;
  let most = 0;
  const { writer, batches } = hookedWriter(async (_, call) => {
    most = Math.max(most, ++writing);
    if (call === 1) await new Promise<void>((resolve) => (release = resolve));
    writing--;
  });
  const messages = new Messages(db, writer);
  const first = messages.append(room, text('one'));
  await new Promise((resolve) => setImmediate(resolve)); // its batch starts at the end of the turn
  assert.deepEqual(batches, [['one']]);
  const queued = [messages.append(room, text('two')), messages.append(room, text('three'))];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [['one']], 'the next batch waits for the one being written');
  release();
  const results = await Promise.all([first, ...queued]);
  assert.deepEqual(batches, [['one'], ['two', 'three']]);
  assert.equal(most, 1);
  assert.deepEqual(results.map((r) => r.message.seq), [1, 2, 3]);
  assert.deepEqual(messages.stats, { batches: 2, appends: 3 });
});

test('a writer that takes several batches at once gets another while one is written only once eight appends wait', async () => {
  const [room, other] = [await newRoom(), await newRoom()];
  let release!: () => void;
  const { writer: hooked, batches } = hookedWriter(async (_, call) => {
    if (call === 1) await new Promise<void>((resolve) => (release = resolve));
  });
  const messages = new Messages(db, { ...hooked, concurrency: 4 });
  const first = messages.append(room, text('one'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [['one']]);
  const queued = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((t) => messages.append(other, text(t)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [['one']], 'seven wait for the batch in flight');
  queued.push(messages.append(other, text('h')));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [['one'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']], 'the eighth starts another batch beside it');
  release();
  await Promise.all([first, ...queued]);
  const late = messages.append(other, text('i'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches.at(-1), ['i'], 'with none in flight, one append is a batch at once');
  await late;
});

test('a history page: newest first by default, before and after a cursor, and whether there is more', async () => {
  const room = await newRoom();
  const messages = new Messages(db, real);
  for (let i = 1; i <= 7; i++) await messages.append(room, text(`m${i}`));
  const seqs = async (query: Parameters<Messages['page']>[1]) => {
    const page = await messages.page(room, query);
    return [page.messages.map((m) => m.seq), page.hasMore];
  };
  assert.deepEqual(await seqs({ limit: 3 }), [[5, 6, 7], true]);
  assert.deepEqual(await seqs({ limit: 3, before: 5 }), [[2, 3, 4], true]);
  assert.deepEqual(await seqs({ limit: 3, before: 3 }), [[1, 2], false]);
  assert.deepEqual(await seqs({ limit: 3, after: 2 }), [[3, 4, 5], true]);
  assert.deepEqual(await seqs({ limit: 3, after: 4 }), [[5, 6, 7], false]);
  assert.deepEqual(await seqs({ limit: 7 }), [[1, 2, 3, 4, 5, 6, 7], false]);
});
