// A client id makes a retry safe: the same sender sending again gets the stored original, in the
// same batch or a later one. It is the author's own: another member (or another HTTP poster) who
// sends with it is refused, never handed someone else's message as if it were theirs
// (messages.ts, answerRepeat). On both engines, through Messages' group commit.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Database } from './db.js';
import { Messages, type NewMessage } from './messages.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { createStorage, engines, openMigrated, servicesOf, testNeeding, type TestStorage } from './testing.js';

const by = (authorId: string | undefined, author: string) => (text: string, clientId?: string): NewMessage => ({ kind: 'text', author, ...(authorId ? { authorId } : {}), text, ...(clientId ? { clientId } : {}) });
const alice = by('alice-id', 'Alice');
const bob = by('bob-id', 'Bob');
/** HTTP posts have no member id: they are told apart by the name they give. */
const poster = (name: string) => by(undefined, name);
const TAKEN = { code: 'INVALID_PAYLOAD', message: /clientId is taken/ };

for (const engine of engines()) {
  describe(`client ids on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let db: Database;
    let messages: Messages;
    let room: RoomRecord;
    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      db = await openMigrated(storage);
      messages = new Messages(db);
      await messages.start();
    });
    after(async () => {
      if (skipped) return;
      await messages.close();
      await db.destroy();
      await storage.dispose();
    });
    const newRoom = async () => (room = await new Rooms(db, 8).create());
    const stored = async () => (await db('messages').where({ room_id: room.id }).orderBy('seq')).map((r) => `${r.author}:${r.text}`);

    test("a member's retry gets the original; another member with the same client id is refused", async () => {
      await newRoom();
      const original = await messages.append(room, alice('hello', 'c1'));
      assert.equal(original.created, true);
      const retry = await messages.append(room, alice('hello', 'c1'));
      assert.deepEqual([retry.created, retry.message.id, retry.message.seq], [false, original.message.id, original.message.seq]);
      await assert.rejects(messages.append(room, bob('mine now?', 'c1')), TAKEN);
      // In one batch: the first is stored, the same author's repeat answers with it, another's is refused.
      const [first, again, other] = await Promise.allSettled([messages.append(room, alice('one', 'c2')), messages.append(room, alice('one', 'c2')), messages.append(room, bob('one', 'c2'))]);
      assert.ok(first.status === 'fulfilled' && again.status === 'fulfilled' && other.status === 'rejected');
      assert.deepEqual([first.value.created, again.value.created, again.value.message.id], [true, false, first.value.message.id]);
      assert.equal(other.reason.code, 'INVALID_PAYLOAD');
      assert.deepEqual(await stored(), ['Alice:hello', 'Alice:one']);
    });

    test('HTTP posts, which have no member id, are told apart by name, and never match a member', async () => {
      await newRoom();
      const posted = await messages.append(room, poster('Deploy bot')('build green', 'h1'));
      const retry = await messages.append(room, poster('Deploy bot')('build green', 'h1'));
      assert.deepEqual([retry.created, retry.message.id], [false, posted.message.id]);
      await assert.rejects(messages.append(room, poster('Someone else')('build red', 'h1')), TAKEN);
      await assert.rejects(messages.append(room, by('bot-id', 'Deploy bot')('build red', 'h1')), TAKEN, 'a member of the same name is not the poster');
      await messages.append(room, alice('hi', 'a1'));
      await assert.rejects(messages.append(room, poster('Alice')('hi', 'a1')), TAKEN, 'nor is a poster named like the member');
      assert.deepEqual(await stored(), ['Deploy bot:build green', 'Alice:hi']);
    });

    test("a new message's answer shows its image and its reply's quote; a retry answers with what is stored", async () => {
      await newRoom();
      const question = await messages.append(room, alice('Lunch?'));
      const quote = { id: question.message.id, author: 'Alice', excerpt: 'Lunch?' };
      const reply = await messages.append(room, { ...bob('Yes', 'r1'), quote, data: { replyTo: question.message.id } });
      assert.deepEqual([reply.created, 'replyTo' in reply.message && reply.message.replyTo], [true, quote]);
      const plain = await messages.append(room, bob('No quote'));
      assert.equal('replyTo' in plain.message ? plain.message.replyTo : undefined, undefined);
    });

    test('find() answers only for a message id of this room', async () => {
      await newRoom();
      const { message } = await messages.append(room, alice('findable'));
      const elsewhere = await new Rooms(db, 8).create();
      assert.equal((await messages.find(room, message.id))?.text, 'findable');
      assert.equal(await messages.find(elsewhere, message.id), undefined, "another room's message is unknown");
      for (const id of [`${message.id}x`, `x${message.id}`, ` ${message.id}`, '', '1234567890123456789', '-1', '1e3']) {
        assert.equal(await messages.find(room, id), undefined, `"${id}" is no message id`);
      }
    });
  });
}
