import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { timeOrderedId } from '@roomchat/sdk';
import { migrate, openDatabase, SQLITE_FILE_NAME, type Database as Knex } from './db.js';
import type { AppendOutcome, AppendRequest } from './message-writer.js';
import { Rooms } from './rooms.js';
import { RESTART_AT_FRAMES, SqliteCheckpointer } from './sqlite-checkpointer.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, WalIndex } from './sqlite-file.js';
import { SqliteMessageWriter } from './sqlite-message-writer.js';
import { checkWaitForLockOnTimer } from './testing.js';

const MB = 1024 * 1024;
/**
 * Pages the search index adds to a commit with text in it, whatever the batch's size: FTS5 writes
 * the commit's words as a new segment (a leaf), and updates its structure record and its segment
 * index (migrations/20261207020000_message_search.ts). Join and leave lines are not indexed.
 */
const SEARCH_INDEX_PAGES = 3;
const text = (roomId: number, clientId: string | null, body = 'hi') => ({ roomId, kind: 'text' as const, author: 'x', authorId: null, text: body, imageId: null, clientId });

async function withDatabase(fn: (ctx: { dataDir: string; filename: string; db: Knex }) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-writer-'));
  const db = openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await fn({ dataDir, filename: path.join(dataDir, SQLITE_FILE_NAME), db });
  } finally {
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A migrated database, a writer and `write`, which returns a batch's outcomes and the WAL pages its commit wrote. */
async function withPageCounting(fn: (ctx: { db: Knex; write: (batch: AppendRequest[]) => Promise<{ outcomes: AppendOutcome[]; pages: number }> }) => Promise<void>): Promise<void> {
  await withDatabase(async ({ filename, db }) => {
    await migrate(db);
    const writer = new SqliteMessageWriter({ filename, busyTimeoutMs: 1_000 });
    const wal = WalIndex.open(filename)!;
    try {
      await fn({
        db,
        write: async (batch) => {
          const before = wal.frames();
          const outcomes = await writer.write(batch);
          return { outcomes, pages: wal.frames() - before };
        },
      });
    } finally {
      wal.close();
      await writer.close();
    }
  });
}

test('a writer whose database has no schema fails its writes, and works once the schema is there', async () => {
  await withDatabase(async ({ filename, db }) => {
    const writer = new SqliteMessageWriter({ filename, busyTimeoutMs: 100 });
    try {
      await assert.rejects(writer.start(), /no such table/);
      await assert.rejects(writer.write([text(1, 'a')]), /no such table/);

      await migrate(db);
      await writer.start();
      const room = await new Rooms(db, 8).create();
      const written = await writer.write([text(room.id, 'a'), text(room.id, null), text(room.id, 'b')]);
      assert.deepEqual(written.map((o) => [Number(o.row.seq), o.created]), [[1, true], [2, true], [3, true]]);
      const again = await writer.write([text(room.id, 'a'), text(room.id, 'c')]);
      assert.deepEqual(again.map((o) => [Number(o.row.seq), o.created]), [[1, false], [4, true]], 'a stored client id answers with its row');
      assert.equal(again[0]!.row.id, written[0]!.row.id);

      await writer.close();
      await assert.rejects(writer.write([text(room.id, 'd')]), /closed/, 'closing is final');
    } finally {
      await writer.close();
    }
  });
});

test('a one-message commit writes three pages to the WAL (a leaf of the messages table and of each of its two indexes) and the search index its own', async () => {
  // Each page a commit changes is a WAL frame (a write, a checksum, later a checkpoint's copy), and
  // chat's batches hold one or two messages: a room counter or AUTOINCREMENT's sqlite_sequence
  // would add a page to every commit (bench/README.md, finding 3).
  await withPageCounting(async ({ db, write }) => {
    const room = await new Rooms(db, 8).create();
    await write(Array.from({ length: 10 }, (_, i) => text(room.id, `warm${i}`)));
    for (let i = 0; i < 5; i++) {
      const { outcomes, pages } = await write([text(room.id, `one${i}`)]);
      assert.equal(outcomes[0]!.row.seq, 11 + i);
      // At most: what matters is that no page is added to every commit. (The exact layout is a
      // SQLite detail; bench/ measures it.)
      assert.ok(pages <= 3 + SEARCH_INDEX_PAGES, `commit ${i} wrote ${pages} pages`);
    }
  });
});

test("a batch to many rooms writes about a page per room: new client ids share their index's last page, and lines without one skip it", async () => {
  // Keyed (room_id, client_id), the index took a leaf per room of the batch; the SDK's ids sort by
  // time, so keyed (client_id, room_id) a batch's ids land together at its end, whatever the rooms.
  await withPageCounting(async ({ db, write }) => {
    const rooms = await Promise.all(Array.from({ length: 8 }, () => new Rooms(db, 8).create()));
    // Enough messages per room that each room's newest seqs are on a leaf of their own.
    for (const room of rooms) await write(Array.from({ length: 400 }, () => text(room.id, timeOrderedId())));
    const pages: number[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = await write(rooms.map((room) => text(room.id, timeOrderedId())));
      assert.ok(batch.outcomes.every((o) => o.created && o.row.seq === 401 + i));
      pages.push(batch.pages);
    }
    // A leaf of the seq index per room, the table's last leaf and the client-id index's last leaf
    // (a batch that splits a leaf writes its new sibling and parent too); with the index keyed
    // (room_id, client_id) it was two leaves per room, 17 pages.
    // With a page of slack for a split; keyed the other way it was 2 per room (17 here).
    assert.ok(Math.min(...pages) <= rooms.length + 3 + SEARCH_INDEX_PAGES, `batches to ${rooms.length} rooms wrote ${pages.join(', ')} pages`);
    for (let i = 0; i < 3; i++) {
      // A join line itself (kind join: not in the search index), as the lines this is about are.
      const { pages: joinPages } = await write([{ ...text(rooms[0]!.id, null), kind: 'join' }]);
      // The table, the seq index, and (joins only) the index of who joined which room (room:list).
      assert.ok(joinPages <= 3, `a line without a client id (a join, a leave) skips the client-id index: ${joinPages} pages`);
    }
  });
});

test("another connection's write lock is waited for without stalling the event loop, up to the busy timeout", async () => {
  await withDatabase(async ({ filename, db }) => {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    const writer = new SqliteMessageWriter({ filename, busyTimeoutMs: 1_500 });
    try {
      await writer.start();
      const [outcome] = await checkWaitForLockOnTimer(filename, 1_500, () => writer.write([text(room.id, null)]));
      assert.deepEqual([Number(outcome!.row.seq), outcome!.created], [1, true], 'the write lands once the lock is released');
    } finally {
      await writer.close();
    }
  });
});

test('the checkpoint thread keeps the WAL small, and without it the writer still bounds the WAL itself', async () => {
  await withDatabase(async ({ dataDir, filename, db }) => {
    await migrate(db);
    const room = await new Rooms(db, 8).create();
    const walSize = () => statSync(path.join(dataDir, `${SQLITE_FILE_NAME}-wal`)).size;
    const body = 'x'.repeat(4000);
    // About 40 MB of messages, in batches of 100 (4,000-character messages take a page or more each).
    const writeMany = async (writer: SqliteMessageWriter) => {
      for (let batch = 0; batch < 100; batch++) {
        await writer.write(Array.from({ length: 100 }, () => text(room.id, null, body)));
        await new Promise((resolve) => setImmediate(resolve)); // as a server's event loop would turn
      }
    };

    const checkpointed = new SqliteMessageWriter({ filename, busyTimeoutMs: 1_000 });
    try {
      await checkpointed.start();
      await writeMany(checkpointed);
      // Without checkpoints the WAL would hold all 40 MB; the fallback alone lets it reach 16 MB.
      assert.ok(walSize() < RESTART_AT_FRAMES * (4096 + 24) + 2 * MB, `WAL at ${(walSize() / MB).toFixed(1)} MB with the checkpoint thread`);
    } finally {
      await checkpointed.close();
    }

    // A checkpointer that never runs (as if its thread had died): the writer's fallback takes over.
    const stopped = new SqliteCheckpointer({ filename, busyTimeoutMs: 1_000 });
    await stopped.close();
    const alone = new SqliteMessageWriter({ filename, busyTimeoutMs: 1_000 }, stopped);
    try {
      await writeMany(alone);
      await writeMany(alone);
      const fallbackBytes = FALLBACK_AUTOCHECKPOINT_PAGES * (4096 + 24);
      assert.ok(walSize() < fallbackBytes + MB, `WAL at ${(walSize() / MB).toFixed(1)} MB after 80 MB with no checkpoint thread`);
    } finally {
      await alone.close();
    }
  });
});
