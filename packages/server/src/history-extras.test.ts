// What a history page and a search page show beyond each row (messages.ts, `#extras`): the
// reactions per emoji with `mine` for the reader, and each reply's quote of its target as the
// target is now (edited, deleted); where the log starts once retention cut it, on the page that
// reaches back there only; and message ids of more than one digit (the ids refused are in
// client-ids.test). On both engines, through Messages and its writer.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { ChatMessage, LogEntry } from '@roomchat/protocol';
import type { Database } from './db.js';
import { Messages, type NewMessage } from './messages.js';
import { Rooms, type RoomRecord } from './rooms.js';
import { createStorage, engines, openMigrated, servicesOf, testNeeding, type TestStorage } from './testing.js';

const text = (authorId: string, text: string, extra: Partial<NewMessage> = {}): NewMessage => ({ kind: 'text', author: authorId, authorId, text, ...extra });
const react = (authorId: string, target: ChatMessage, emoji: string, on = true): NewMessage => ({ kind: 'reaction', author: authorId, authorId, targetId: Number(target.id), data: { emoji, on } });
const byText = (entries: LogEntry[], t: string) => entries.find((e) => 'text' in e && e.text === t) as ChatMessage | undefined;

for (const engine of engines()) {
  describe(`history and search pages on ${engine}`, () => {
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
      room = await new Rooms(db, 8).create();
    });
    after(async () => {
      if (skipped) return;
      await messages.close();
      await db.destroy();
      await storage.dispose();
    });
    const send = async (m: NewMessage) => (await messages.append(room, m)).message as ChatMessage;
    const roomWith = async (count: number): Promise<RoomRecord> => {
      const fresh = await new Rooms(db, 8).create();
      for (let i = 1; i <= count; i++) await messages.append(fresh, { kind: 'text', author: 'Ann', authorId: 'ann-id', text: `m${i}` });
      return fresh;
    };
    /** What retention leaves after cutting a room's log up to `seq`: the rows gone, the cut remembered. */
    const cutAt = async (cut: RoomRecord, seq: number) => {
      await db('messages').where({ room_id: cut.id }).where('seq', '<=', seq).delete();
      await db('rooms').where({ id: cut.id }).update({ purged_seq: seq });
    };

    test('reactions are counted per emoji in code point order, `mine` for the reader only; replies quote their targets as they are now', async () => {
      await send({ kind: 'join', author: 'ann', authorId: 'ann' });
      const question = await send(text('ann', 'lunch plans?'));
      const doomed = await send(text('ann', 'a secret'));
      const answer = await send(text('bob', 'pizza', { data: { replyTo: question.id }, quote: { id: question.id, author: 'ann', excerpt: 'lunch plans?' } }));
      const toDoomed = await send(text('bob', 'what secret', { data: { replyTo: doomed.id } }));
      const mention = await send(text('bob', 'lunch @ann', { data: { mentions: ['ann'] } }));
      for (const m of [react('bob', question, '👍'), react('ann', question, '👍'), react('bob', question, '🎉'), react('ann', answer, '🎉'), react('bob', doomed, '👍')]) await send(m);
      await send({ kind: 'edit', author: 'ann', authorId: 'ann', targetId: Number(question.id), text: 'lunch plans, anyone?' });
      await send({ kind: 'delete', author: 'ann', authorId: 'ann', targetId: Number(doomed.id) });

      const asBob = (await messages.page(room, { limit: 50 }, 'bob')).messages;
      assert.deepEqual(byText(asBob, 'lunch plans, anyone?')?.reactions, [
        { emoji: '🎉', count: 1, mine: true },
        { emoji: '👍', count: 2, mine: true },
      ]);
      assert.deepEqual(byText(asBob, 'pizza')?.reactions, [{ emoji: '🎉', count: 1, mine: false }]);
      assert.deepEqual(byText(asBob, 'pizza')?.replyTo, { id: question.id, author: 'ann', excerpt: 'lunch plans, anyone?' }, 'the edited text');
      assert.deepEqual(byText(asBob, 'what secret')?.replyTo, { id: doomed.id, author: 'ann', deleted: true });
      assert.equal(byText(asBob, 'what secret')?.reactions, undefined);
      assert.deepEqual(byText(asBob, 'lunch @ann')?.mentions, ['ann']);
      assert.equal(byText(asBob, 'lunch @ann')?.replyTo, undefined, 'a mention is no reply');
      const tomb = asBob.find((e) => e.id === doomed.id) as ChatMessage;
      assert.deepEqual([tomb.text, tomb.reactions, tomb.deletedAt !== undefined], [undefined, undefined, true]);

      const asAnn = (await messages.page(room, { limit: 50 }, 'ann')).messages;
      assert.deepEqual(byText(asAnn, 'lunch plans, anyone?')?.reactions, [
        { emoji: '🎉', count: 1, mine: false },
        { emoji: '👍', count: 2, mine: true },
      ]);
      const asNobody = (await messages.page(room, { limit: 50 })).messages;
      assert.deepEqual(byText(asNobody, 'pizza')?.reactions, [{ emoji: '🎉', count: 1, mine: false }], 'without a reader, nothing is mine');

      // A search page shows the same, newest first, a page at a time.
      const found = await messages.search(room, 'lunch', { limit: 1 }, 'bob');
      assert.deepEqual([found.messages.map((m) => m.text), found.hasMore], [['lunch @ann'], true]);
      const next = await messages.search(room, 'lunch', { before: Number(mention.seq), limit: 1 }, 'bob');
      assert.deepEqual([next.messages.map((m) => m.text), next.hasMore], [['lunch plans, anyone?'], false]);
      assert.deepEqual(next.messages[0]!.reactions, byText(asBob, 'lunch plans, anyone?')?.reactions);
      const replies = await messages.search(room, 'pizza', { limit: 5 }, 'ann');
      assert.deepEqual([replies.messages[0]!.replyTo, replies.messages[0]!.reactions, replies.hasMore], [byText(asBob, 'pizza')?.replyTo, [{ emoji: '🎉', count: 1, mine: true }], false]);
      assert.equal(toDoomed.replyTo, undefined, 'an answer without a quote given shows none');
    });

    test('only the page that reaches back to where retention cut the log says where it starts', async () => {
      const room = await roomWith(30);
      await cutAt(room, 5);
      const newest = await messages.page(room, { limit: 10 });
      assert.deepEqual([newest.messages[0]!.seq, newest.hasMore, newest.historyStart], [21, true, undefined], 'a page with more before it');
      const oldest = await messages.page(room, { limit: 10, before: 16 });
      assert.deepEqual([oldest.messages[0]!.seq, oldest.hasMore, oldest.historyStart], [6, false, 6]);
      assert.equal((await messages.page(room, { after: 0, limit: 10 })).historyStart, 6, 'catch-up from before the cut');
      assert.equal((await messages.page(room, { after: 3, limit: 10 })).historyStart, 6);
      assert.equal((await messages.page(room, { after: 5, limit: 10 })).historyStart, undefined, 'catch-up from the cut itself misses nothing');
      assert.equal((await messages.page(room, { after: 10, limit: 10 })).historyStart, undefined);
      const uncut = await roomWith(3);
      assert.equal((await messages.page(uncut, { limit: 10 })).historyStart, undefined, 'a log never cut starts at 1');
    });

    test('find() takes message ids of more than one digit', async () => {
      const room = await roomWith(12);
      const ids = (await db('messages').where({ room_id: room.id }).orderBy('id').select('id')).map((r) => String(r.id));
      const twoDigits = ids.find((id) => id.length >= 2)!;
      assert.ok(twoDigits, `ids ${ids.join(', ')}`);
      assert.equal((await messages.find(room, twoDigits))?.room_id, room.id);
    });
  });
}
