// The MessageWriter contract (message-writer.ts), held by both writers the server uses: the
// SQLite writer on its own connection and the knex writer on PostgreSQL. Driven directly, a batch
// at a time, and checked against the rows they leave: seqs, client ids, and each change entry's
// effect on its target (edit, delete, reaction), including a change that lost a race with a delete.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Database, MessageRow } from './db.js';
import { createMessageWriter, type AppendRequest, type MessageWriter } from './message-writer.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { createStorage, engines, openMigrated, servicesOf, testNeeding, type TestStorage } from './testing.js';

const base = { author: 'Alice', authorId: 'alice', text: null, imageId: null, clientId: null } as const;
const textOf = (roomId: number, text: string, clientId: string | null = null): AppendRequest => ({ ...base, roomId, kind: 'text', text, clientId });
const imageOf = (roomId: number, imageId: string): AppendRequest => ({ ...base, roomId, kind: 'image', imageId });
const edit = (roomId: number, targetId: number, text: string): AppendRequest => ({ ...base, roomId, kind: 'edit', text, targetId });
const del = (roomId: number, targetId: number): AppendRequest => ({ ...base, roomId, kind: 'delete', targetId });
const react = (roomId: number, targetId: number, memberId: string, emoji: string, on: boolean): AppendRequest => ({
  ...base,
  author: memberId,
  authorId: memberId,
  roomId,
  kind: 'reaction',
  targetId,
  data: { emoji, on },
});

for (const engine of engines()) {
  describe(`the message writer on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let db: Database;
    let writer: MessageWriter;
    let rooms: Rooms;
    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      db = await openMigrated(storage);
      writer = createMessageWriter(db);
      await writer.start();
      rooms = new Rooms(db, 8);
    });
    after(async () => {
      if (skipped) return;
      await writer.close();
      await db.destroy();
      await storage.dispose();
    });

    const row = async (id: number | string): Promise<MessageRow> => (await db<MessageRow>('messages').where({ id }).first())!;
    const write = async (batch: AppendRequest[]) => writer.write(batch);
    const one = async (request: AppendRequest) => (await write([request]))[0]!;
    const storeImage = async (room: RoomRecord, id: string) => {
      const bytes = Buffer.from('not really a png');
      await db('images').insert({ id, room_id: room.id, mime: 'image/png', width: 1, height: 1, size: bytes.length, etag: id, data: bytes, thumbnail: bytes, thumbnail_etag: id, created_at: Date.now() });
    };
    const reactions = async (messageId: number) => (await db('reactions').where({ message_id: messageId }).orderBy(['emoji', 'member_id'])).map((r) => `${r.emoji}:${r.member_id}`);

    test("a batch takes each room's next seqs in its order, and returns the rows as stored", async () => {
      const [a, b] = [await rooms.create(), await rooms.create()];
      const startedAt = Date.now();
      const outcomes = await write([textOf(a.id, 'a1', 'c1'), textOf(b.id, 'b1'), { ...textOf(a.id, 'a2'), data: { replyTo: '7', mentions: ['bob'] } }, textOf(a.id, 'a3', 'c3')]);
      assert.deepEqual(
        outcomes.map((o) => [o.created, o.row.room_id, Number(o.row.seq), o.row.text]),
        [
          [true, a.id, 1, 'a1'],
          [true, b.id, 1, 'b1'],
          [true, a.id, 2, 'a2'],
          [true, a.id, 3, 'a3'],
        ],
      );
      for (const { row: returned } of outcomes) {
        const stored = await row(returned.id);
        assert.deepEqual([Number(stored.seq), stored.room_id, stored.text, stored.client_id, stored.author, stored.author_id], [Number(returned.seq), returned.room_id, returned.text, returned.client_id, 'Alice', 'alice']);
        assert.equal(returned.kind, 'text');
        assert.ok(Number(returned.created_at) >= startedAt && Number(returned.created_at) <= Date.now(), 'created now');
        assert.equal(Number(stored.created_at), Number(returned.created_at));
        assert.equal(returned.target_id ?? null, null);
      }
      assert.deepEqual(JSON.parse(outcomes[2]!.row.data!), { replyTo: '7', mentions: ['bob'] }, 'the kind\'s own fields, as JSON');
      assert.equal(outcomes[0]!.row.data ?? null, null, 'none without them');
      assert.deepEqual(JSON.parse((await row(outcomes[2]!.row.id)).data!), { replyTo: '7', mentions: ['bob'] });

      // The next batch goes on from each room's newest seq.
      const next = await write([textOf(b.id, 'b2'), textOf(a.id, 'a4')]);
      assert.deepEqual(next.map((o) => Number(o.row.seq)), [2, 4]);
    });

    test('a client id stored before answers with its row and takes no seq; another room may use it', async () => {
      const [a, b] = [await rooms.create(), await rooms.create()];
      const [original] = await write([textOf(a.id, 'hello', 'same')]);
      const outcomes = await write([textOf(a.id, 'hello again', 'same'), textOf(a.id, 'new'), textOf(b.id, 'elsewhere', 'same')]);
      assert.deepEqual(
        outcomes.map((o) => [o.created, String(o.row.id) === String(original!.row.id), Number(o.row.seq), o.row.text]),
        [
          [false, true, 1, 'hello'],
          [true, false, 2, 'new'],
          [true, false, 1, 'elsewhere'],
        ],
      );
      assert.equal(outcomes[0]!.row.client_id, 'same');
      assert.equal(await db('messages').where({ room_id: a.id }).count({ n: '*' }).then(([r]) => Number(r!.n)), 2, 'the repeat stored nothing');
    });

    test('an unknown room fails the whole batch: nothing of it is stored and no seq is taken', async () => {
      const a = await rooms.create();
      await assert.rejects(write([textOf(a.id, 'lost'), textOf(2_000_000_000, 'nowhere')]));
      assert.equal((await db('messages').where({ room_id: a.id })).length, 0);
      const [later] = await write([textOf(a.id, 'later')]);
      assert.equal(Number(later!.row.seq), 1);
    });

    test("an edit replaces its target's text and marks it edited, at the edit's seq", async () => {
      const a = await rooms.create();
      const [target, other] = await write([textOf(a.id, 'helo'), textOf(a.id, 'untouched')]);
      const entry = await one(edit(a.id, Number(target!.row.id), 'hello'));
      assert.deepEqual([entry.created, entry.row.kind, Number(entry.row.seq), entry.row.text, Number(entry.row.target_id), entry.row.data ?? null], [true, 'edit', 3, 'hello', Number(target!.row.id), null]);
      const edited = await row(target!.row.id);
      assert.equal(edited.text, 'hello');
      assert.equal(Number(edited.edited_at), Number(entry.row.created_at));
      assert.equal(Number(edited.version), 3);
      const untouched = await row(other!.row.id);
      assert.deepEqual([untouched.text, untouched.edited_at ?? null, untouched.version ?? null], ['untouched', null, null], 'only the target changes');
    });

    test('a delete erases its target, the text of its edits and its reactions, and leaves a tombstone', async () => {
      const a = await rooms.create();
      const [target, other] = await write([{ ...textOf(a.id, 'my secret'), data: { mentions: ['bob'] } }, textOf(a.id, 'kept')]);
      const targetId = Number(target!.row.id);
      const [edited] = await write([edit(a.id, targetId, 'my edited secret')]);
      await write([react(a.id, targetId, 'bob', '👍', true), react(a.id, Number(other!.row.id), 'bob', '👍', true)]);
      const entry = await one(del(a.id, targetId));
      assert.deepEqual([entry.row.kind, entry.row.data ?? null, Number(entry.row.target_id)], ['delete', null, targetId]);
      const tomb = await row(targetId);
      assert.deepEqual([tomb.text, tomb.image_id, tomb.data ?? null], [null, null, null]);
      assert.equal(Number(tomb.deleted_at), Number(entry.row.created_at));
      assert.equal(Number(tomb.version), Number(entry.row.seq));
      assert.equal((await row(edited!.row.id)).text, null, "the edit entry's text is erased too");
      assert.deepEqual(await reactions(targetId), []);
      assert.deepEqual(await reactions(Number(other!.row.id)), ['👍:bob'], "another message's reactions stay");
      assert.equal((await row(other!.row.id)).text, 'kept');
    });

    test("a deleted image's bytes go, unless another message still shows the image", async () => {
      const a = await rooms.create();
      await storeImage(a, 'sharedimage');
      await storeImage(a, 'loneimage');
      const [first, second, lone] = await write([imageOf(a.id, 'sharedimage'), imageOf(a.id, 'sharedimage'), imageOf(a.id, 'loneimage')]);
      await write([del(a.id, Number(first!.row.id))]);
      assert.equal((await db('images').where({ id: 'sharedimage' })).length, 1, 'still shown by the second message');
      assert.equal((await row(first!.row.id)).image_id, null);
      await write([del(a.id, Number(second!.row.id)), del(a.id, Number(lone!.row.id))]);
      assert.equal((await db('images').whereIn('id', ['sharedimage', 'loneimage'])).length, 0);
    });

    test('a reaction adds or removes the member\'s own, once, and its entry carries the count it leads to', async () => {
      const a = await rooms.create();
      const [m] = await write([textOf(a.id, 'react to me')]);
      const id = Number(m!.row.id);
      const outcomes = await write([react(a.id, id, 'bob', '👍', true), react(a.id, id, 'carol', '👍', true), react(a.id, id, 'bob', '👍', true), react(a.id, id, 'bob', '🎉', true)]);
      assert.deepEqual(outcomes.map((o) => JSON.parse(o.row.data!)), [
        { emoji: '👍', on: true, count: 1 },
        { emoji: '👍', on: true, count: 2 },
        { emoji: '👍', on: true, count: 2 },
        { emoji: '🎉', on: true, count: 1 },
      ]);
      assert.deepEqual(outcomes.map((o) => [o.row.kind, Number(o.row.target_id), o.row.author_id]), [
        ['reaction', id, 'bob'],
        ['reaction', id, 'carol'],
        ['reaction', id, 'bob'],
        ['reaction', id, 'bob'],
      ]);
      assert.deepEqual(await reactions(id), ['🎉:bob', '👍:bob', '👍:carol']);
      assert.equal(Number((await row(id)).version), Number(outcomes[3]!.row.seq), "the target's version is its newest change");
      const off = await one(react(a.id, id, 'bob', '👍', false));
      assert.deepEqual(JSON.parse(off.row.data!), { emoji: '👍', on: false, count: 1 });
      assert.deepEqual(await reactions(id), ['🎉:bob', '👍:carol'], "only that member's, only that emoji");
      assert.deepEqual(JSON.parse((await row(off.row.id)).data!), { emoji: '👍', on: false, count: 1 }, 'stored with its count');
      assert.equal(Number((await row(id)).version), Number(off.row.seq));
    });

    test('a change that lost a race with a delete leaves the tombstone as it is, and still takes its seq', async () => {
      const a = await rooms.create();
      const [m] = await write([textOf(a.id, 'doomed')]);
      const id = Number(m!.row.id);
      const deleted = await one(del(a.id, id));
      const tombstone = await row(id);
      const late = await write([edit(a.id, id, 'saved?'), react(a.id, id, 'bob', '👍', true), del(a.id, id)]);
      assert.deepEqual(late.map((o) => [o.created, Number(o.row.seq)]), [
        [true, 3],
        [true, 4],
        [true, 5],
      ]);
      assert.deepEqual(JSON.parse(late[1]!.row.data!), { emoji: '👍', on: true, count: 0 }, 'a reaction to nothing counts nothing');
      assert.equal(late[2]!.row.data ?? null, null);
      assert.deepEqual(await reactions(id), []);
      const after = await row(id);
      assert.deepEqual(
        [after.text, after.edited_at ?? null, Number(after.deleted_at), Number(after.version)],
        [null, null, Number(tombstone.deleted_at), Number(deleted.row.seq)],
        'text, edit time, delete time and version as the delete left them',
      );
    });
  });
}
