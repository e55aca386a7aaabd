import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ChatClient, ChatMessage, Member, Room } from '@roomchat/sdk';
import type { LogEntry } from '@roomchat/protocol';
import { connect, createStorage, engines, eventually, startServer, TcpProxy, type RunningServer, type TestStorage } from './testing.js';

const byText = (room: Room, text: string) => room.messages.find((m) => m.text === text);
/** What a member sees of the messages: the fields the fold decides. */
const view = (room: Room) =>
  room.messages.map((m) => ({ seq: m.seq, kind: m.kind, text: m.text, image: m.image?.id, deleted: m.deletedAt !== undefined, edited: m.editedAt !== undefined, replyTo: m.replyTo, reactions: m.reactions?.map(({ emoji, count }) => ({ emoji, count })), version: m.version ?? m.seq }));

for (const engine of engines()) {
  describe(`the room's event log on ${engine}`, () => {
    let storage: TestStorage;
    let running: RunningServer;
    const clients: ChatClient[] = [];
    const client = (options?: Parameters<typeof connect>[1]) => {
      const c = connect(running.url, options);
      clients.push(c);
      return c;
    };
    const pair = async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const bob = await client().joinRoom(alice.code, { name: 'Bob' });
      await eventually(() => alice.members.length === 2, 'Bob to arrive');
      return { alice, bob };
    };

    before(async () => {
      storage = await createStorage(engine);
      storage.options.messagesPerWindow = 1000;
      storage.options.messagesPerAddressPerWindow = 10_000;
      storage.options.joinsPerAddressPerWindow = 10_000;
      storage.options.editWindowMs = 10 * 60_000;
      // Small pages, so that catching up takes several.
      storage.options.historyPageSize = 5;
      storage.options.historyMaxPageSize = 10;
      running = await startServer(storage.options);
    });
    after(async () => {
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('a reply quotes the message it answers, and says "deleted" once that message is deleted', async () => {
      const { alice, bob } = await pair();
      const question = await alice.send('Lunch at noon? '.repeat(20));
      const answer = await bob.send('Yes!', { replyTo: question.id });
      assert.equal(answer.replyTo?.id, question.id);
      assert.equal(answer.replyTo?.author, 'Alice');
      assert.equal(answer.replyTo?.excerpt?.length, 121, 'a short excerpt: 120 code points and an ellipsis');
      await eventually(() => byText(alice, 'Yes!')?.replyTo?.id === question.id, 'Alice to see the reply with its quote');
      await alice.delete(question.id);
      await eventually(() => byText(bob, 'Yes!')?.replyTo?.deleted === true, 'the quote to say deleted live');
      const page = await client().joinRoom(alice.code, { name: 'Later' });
      const stored = page.messages.find((m) => m.id === answer.id)!;
      assert.deepEqual(stored.replyTo, { id: question.id, author: 'Alice', deleted: true }, 'and in history, without the text');
      await assert.rejects(bob.send('to nothing', { replyTo: '999999' }), { code: 'MESSAGE_NOT_FOUND', message: /No message with that id in this room/ });
    });

    test('an image answers a message too, quoting it', async () => {
      const { alice, bob } = await pair();
      const question = await alice.send('What does it look like?');
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0044cc' } }).png().toBuffer();
      const picture = await bob.sendImage(new Blob([new Uint8Array(png)], { type: 'image/png' }), { replyTo: question.id });
      assert.deepEqual([picture.kind, picture.replyTo?.id, picture.replyTo?.excerpt], ['image', question.id, 'What does it look like?']);
      await eventually(() => alice.messages.some((m) => m.id === picture.id && m.replyTo?.id === question.id), 'Alice to see the image as a reply');
    });

    test('reactions count per emoji, say whether the member reacted, and come off again', async () => {
      const { alice, bob } = await pair();
      const m = await alice.send('react to me');
      await alice.react(m.id, '👍');
      await bob.react(m.id, '👍');
      await bob.react(m.id, '🎉');
      await bob.react(m.id, '🎉'); // twice is once
      const seen = (room: Room) => byText(room, 'react to me')?.reactions;
      await eventually(() => JSON.stringify(seen(alice)) === JSON.stringify([{ emoji: '🎉', count: 1, mine: false }, { emoji: '👍', count: 2, mine: true }]), "Alice's view");
      await eventually(() => JSON.stringify(seen(bob)) === JSON.stringify([{ emoji: '🎉', count: 1, mine: true }, { emoji: '👍', count: 2, mine: true }]), "Bob's view");
      const updates: ChatMessage[] = [];
      alice.on('message-updated', (u) => updates.push(u));
      await bob.unreact(m.id, '🎉');
      await eventually(() => JSON.stringify(seen(alice)) === JSON.stringify([{ emoji: '👍', count: 2, mine: true }]), 'the 🎉 to go');
      assert.equal(updates.at(-1)?.id, m.id, 'as a message-updated event');
      const history = await bob.history({ limit: 10 });
      assert.deepEqual(history.messages.find((e) => e.id === m.id) && (history.messages.find((e) => e.id === m.id) as ChatMessage).reactions, [{ emoji: '👍', count: 2, mine: true }], 'history counts them for the reader');
      await assert.rejects(bob.react(m.id, 'not an emoji'), { code: 'INVALID_PAYLOAD' });
      await assert.rejects(bob.react('424242', '👍'), { code: 'MESSAGE_NOT_FOUND' });
    });

    test('changes made at the same moment are counted exactly, and one that races a delete leaves the tombstone alone', async () => {
      const { alice, bob } = await pair();
      const others = await Promise.all([1, 2, 3, 4].map((i) => client().joinRoom(alice.code, { name: `Fan ${i}` })));
      const m = await alice.send('popular');
      const acks = await Promise.all([bob, ...others].map((r) => r.react(m.id, '🔥')));
      assert.deepEqual(acks.map((a) => a.count).sort(), [1, 2, 3, 4, 5], 'each reaction entry carries the count it led to');
      await eventually(() => byText(alice, 'popular')?.reactions?.[0]?.count === 5, 'five fires');
      const doomed = await alice.send('doomed');
      await Promise.allSettled([alice.delete(doomed.id), bob.react(doomed.id, '👍'), alice.edit(doomed.id, 'saved?')]);
      await eventually(() => bob.messages.find((x) => x.id === doomed.id)?.deletedAt !== undefined, 'the tombstone');
      const row = await running.server.db('messages').where({ id: doomed.id }).first();
      assert.equal(row.text, null);
      assert.equal((await running.server.db('reactions').where({ message_id: doomed.id })).length, 0);
      const later = await client().joinRoom(alice.code, { name: 'Later' });
      const seen = later.messages.find((x) => x.id === doomed.id)!;
      assert.deepEqual([seen.text, seen.reactions, seen.deletedAt !== undefined], [undefined, undefined, true]);
      assert.deepEqual(view(bob).filter((x) => x.seq >= later.messages[0]!.seq), view(later).filter((x) => x.seq <= bob.messages.at(-1)!.seq));
    });

    test("one connection's changes are stored in the order it sent them, even without waiting for answers", async () => {
      const { alice, bob } = await pair();
      const m = await alice.send('toggle me');
      const { io } = await import('socket.io-client');
      const raw = io(running.url, { transports: ['websocket'], reconnection: false });
      try {
        assert.equal((await raw.timeout(5000).emitWithAck('room:join', { code: alice.code, name: 'Toggler' })).ok, true);
        const events = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? 'reaction:add' : 'reaction:remove'));
        const acks = await Promise.all(events.map((event) => raw.timeout(5000).emitWithAck(event, { code: alice.code, id: m.id, emoji: '⭐' })));
        assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.find((a) => !a.ok)));
        assert.deepEqual(acks.map((a) => [a.entry.on, a.entry.count]), events.map((_, i) => [i % 2 === 0, i % 2 === 0 ? 1 : 0]));
        const seqs = acks.map((a) => a.entry.seq as number);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
        await eventually(() => byText(bob, 'toggle me')?.reactions?.[0]?.count === 1, 'one star in the end');
      } finally {
        raw.close();
      }
    });

    test('members edit their own messages within the window; others\' answer FORBIDDEN, unknown ones MESSAGE_NOT_FOUND', async () => {
      const { alice, bob } = await pair();
      const m = await alice.send('helo');
      const edit = await alice.edit(m.id, 'hello');
      assert.equal(edit.kind, 'edit');
      assert.equal(byText(alice, 'hello')?.id, m.id, 'the sender sees it at once');
      await eventually(() => byText(bob, 'hello')?.editedAt !== undefined, 'Bob to see the edit');
      assert.equal(bob.messages.filter((x) => x.id === m.id).length, 1, 'an edit is not a message');
      await assert.rejects(bob.edit(m.id, 'hijacked'), { code: 'FORBIDDEN' });
      await assert.rejects(bob.delete(m.id), { code: 'FORBIDDEN' });
      await assert.rejects(alice.edit('123456789', 'x'), { code: 'MESSAGE_NOT_FOUND' });
      await assert.rejects(alice.edit(alice.messages[0]!.id, 'x'), { code: 'MESSAGE_NOT_FOUND' }, 'a join line is no message to edit');
      await assert.rejects(alice.edit(m.id, '   '), { code: 'MESSAGE_EMPTY' });
      // Sent eleven minutes ago, as far as the window goes.
      await running.server.db('messages').where({ id: m.id }).update({ created_at: Date.now() - 11 * 60_000 });
      await assert.rejects(alice.edit(m.id, 'too late'), { code: 'EDIT_WINDOW_CLOSED', message: /10 minutes/ });
      await alice.delete(m.id);
      await assert.rejects(alice.edit(m.id, 'gone'), { code: 'MESSAGE_NOT_FOUND' });
    });

    test('deleting a message erases its text and its image bytes from storage, leaving a tombstone', async () => {
      const { alice, bob } = await pair();
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#cc2200' } }).png().toBuffer();
      const picture = await alice.sendImage(new Blob([new Uint8Array(png)], { type: 'image/png' }));
      const secret = await alice.send('my secret');
      await alice.edit(secret.id, 'my edited secret');
      await bob.react(secret.id, '👍');
      assert.equal((await fetch(picture.image!.url)).status, 200);
      await alice.delete(picture.id);
      await alice.delete(secret.id);
      await eventually(() => bob.messages.filter((m) => m.deletedAt).length === 2, 'Bob to see two tombstones');
      const tomb = bob.messages.find((m) => m.id === secret.id)!;
      assert.equal(tomb.text, undefined);
      assert.equal(tomb.reactions, undefined);
      assert.equal(bob.messages.find((m) => m.id === picture.id)!.image, undefined);
      assert.equal((await fetch(picture.image!.url)).status, 404, 'the image is gone');
      assert.equal((await fetch(picture.image!.thumbUrl)).status, 404, 'its thumbnail too');
      const db = running.server.db;
      const texts = await db('messages').whereIn('id', [secret.id, picture.id]).orWhere('target_id', secret.id).select('text', 'image_id');
      assert.ok(texts.every((r) => r.text === null && r.image_id === null), `no text left anywhere: ${JSON.stringify(texts)}`);
      assert.equal((await db('reactions').where({ message_id: secret.id })).length, 0);
      assert.equal((await db('images').where({ id: picture.image!.id })).length, 0);
    });

    test('a member who was offline while messages were edited, deleted and reacted to catches up to exactly what an online member sees', async () => {
      const { alice, bob } = await pair();
      const proxy = await TcpProxy.start(running.url);
      try {
        const carol = await client({ url: proxy.url }).joinRoom(alice.code, { name: 'Carol' });
        const sent: ChatMessage[] = [];
        for (let i = 0; i < 6; i++) sent.push(await alice.send(`m${i}`));
        await eventually(() => carol.messages.some((m) => m.text === 'm5'), 'Carol to have everything');
        const updates: ChatMessage[] = [];
        carol.on('message-updated', (m) => updates.push(m));
        proxy.down();
        // While Carol is away, more entries than a snapshot and a catch-up page hold (5 and 10 here).
        await alice.edit(sent[0]!.id, 'm0 edited');
        await bob.react(sent[1]!.id, '❤️');
        await alice.react(sent[1]!.id, '❤️');
        await alice.delete(sent[2]!.id);
        await bob.send('late reply', { replyTo: sent[3]!.id });
        await alice.edit(sent[3]!.id, 'm3 edited after the reply');
        for (let i = 0; i < 8; i++) await bob.react(sent[4]!.id, ['👍', '🎉'][i % 2]!);
        await bob.unreact(sent[4]!.id, '🎉');
        await alice.send('last');
        await eventually(() => bob.messages.some((m) => m.text === 'last'), 'Bob to be current');
        proxy.up();
        await eventually(() => carol.messages.some((m) => m.text === 'last') && !carol.messages.some((m) => m.text === 'm0'), 'Carol to catch up', 10_000);
        assert.deepEqual(view(carol), view(bob), 'Carol sees what Bob, who stayed, sees');
        assert.deepEqual(view(alice), view(bob));
        assert.ok(updates.some((m) => m.id === sent[0]!.id && m.text === 'm0 edited'), 'the edit reached her as message-updated');
        assert.equal(byText(carol, 'late reply')?.replyTo?.excerpt, 'm3 edited after the reply');

        // And a newcomer paging back through history gets the same messages, as they are now.
        const later = await client().joinRoom(alice.code, { name: 'Later' });
        while (later.hasMore) await later.loadOlder();
        const fromBob = view(bob).filter((m) => m.seq >= later.messages[0]!.seq);
        assert.deepEqual(view(later).filter((m) => m.seq <= fromBob.at(-1)!.seq && m.seq >= bob.messages[0]!.seq), fromBob);
      } finally {
        await proxy.close();
      }
    });

    test('typing goes to the others, ends by itself, is rate-limited, and never touches the database', async () => {
      const { alice, bob } = await pair();
      const seen: Member[][] = [];
      alice.on('typing', (members) => seen.push(members));
      const db = running.server.db;
      // This room's rows only: other tests' members may still be leaving (their grace periods end) meanwhile.
      const room = await running.server.chat.rooms.get(alice.code);
      const count = async () => {
        const n = async (q: ReturnType<typeof db>) => Number(((await q.count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);
        const roomTables = ['messages', 'read_positions', 'present_members'].map((t) => n(db(t).where('room_id', room.id)));
        const reactions = n(db('reactions').whereIn('message_id', db('messages').where('room_id', room.id).select('id')));
        return Promise.all([...roomTables, reactions]);
      };
      const rowsBefore = await count();
      bob.typing();
      bob.typing(); // throttled by the SDK: one signal
      await eventually(() => seen.length === 1, 'Alice to see Bob typing');
      assert.deepEqual(seen[0]!.map((m) => m.name), ['Bob']);
      assert.deepEqual(alice.typingMembers.map((m) => m.name), ['Bob']);
      assert.deepEqual(bob.typingMembers, [], 'not to oneself');
      await eventually(() => seen.length === 2, 'the signal to expire', 10_000);
      assert.deepEqual(seen[1], []);
      assert.deepEqual(await count(), rowsBefore, 'no row written or removed');
      // The server's budget, past the SDK's throttle: a raw client.
      const { io } = await import('socket.io-client');
      const raw = io(running.url, { transports: ['websocket'], reconnection: false });
      try {
        assert.equal((await raw.timeout(5000).emitWithAck('room:join', { code: alice.code, name: 'Spammer' })).ok, true);
        const acks = [];
        for (let i = 0; i < 12; i++) acks.push(await raw.timeout(5000).emitWithAck('typing:start', { code: alice.code }));
        assert.equal(acks.filter((a) => a.ok).length, 10, 'typingPerWindow signals go through');
        assert.equal(acks.at(-1).error.code, 'RATE_LIMITED');
      } finally {
        raw.close();
      }
    });

    test('read positions are stored (they survive a restart), give unread counts, and "seen by"', async () => {
      const { alice, bob } = await pair();
      const m1 = await alice.send('one');
      await alice.send('two');
      await eventually(() => bob.unreadCount === 2, 'two unread for Bob');
      assert.equal(alice.unreadCount, 0, 'own messages are not unread');
      const reads: Array<{ memberId: string; seq: number }> = [];
      alice.on('read', (r) => reads.push(r));
      await bob.markRead(m1.seq);
      assert.equal(bob.unreadCount, 1);
      await eventually(() => reads.some((r) => r.memberId === bob.self.id && r.seq === m1.seq), 'Alice to hear Bob read');
      assert.deepEqual(alice.seenBy(m1).map((m) => m.name), ['Bob']);
      await bob.markRead(1); // never back
      const code = alice.code;
      const bobMemberId = (bob as unknown as { _joinPayload: { memberId: string } })._joinPayload.memberId;

      await running.server.close();
      running = await startServer(storage.options);
      const again = await client({ memberId: bobMemberId }).joinRoom(code, { name: 'Bob' });
      assert.equal(again.readSeq, m1.seq, 'the read position survived the restart');
      assert.equal(again.unreadCount, 1);
    });

    test('an @name of a present member is marked in the message', async () => {
      const { alice, bob } = await pair();
      const m = await alice.send('hey @bob, and @nobody, see @Alice');
      assert.deepEqual(new Set(m.mentions), new Set([bob.self.id, alice.self.id]));
      await eventually(() => byText(bob, m.text!)?.mentions?.includes(bob.self.id) === true, 'Bob to see he is mentioned');
      assert.equal((await alice.send('mail me at x@bobby.com')).mentions, undefined, 'a name must end at a word boundary');
    });

    test('change entries are log entries for catch-up, never messages: the message event and messages hold messages only', async () => {
      const { alice, bob } = await pair();
      const events: string[] = [];
      bob.on('message', (m) => events.push(m.kind));
      const m = await alice.send('hi');
      await alice.react(m.id, '👍');
      await alice.edit(m.id, 'hi!');
      await alice.send('bye');
      await eventually(() => events.length === 2, 'two messages');
      assert.deepEqual(events, ['text', 'text']);
      assert.ok(bob.messages.every((x) => ['text', 'image', 'join', 'leave'].includes(x.kind)));
      const seqs: number[] = [];
      for (let page = await bob.history({ after: 0, limit: 10 }); ; page = await bob.history({ after: seqs.at(-1)!, limit: 10 })) {
        seqs.push(...page.messages.map((e: LogEntry) => e.seq));
        if (!page.hasMore) break;
      }
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the log stays gap-free, changes included');
    });
  });
}
