// The rules a change to a message is checked against before it is stored (chat/changes.ts), as a
// member meets them: a bounded number of different reactions per message, only text edited, the
// edit window told in the unit it was set in, and nothing changed on a deleted message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ChatClient, Room } from '@roomchat/sdk';
import { connect, createStorage, eventually, startServer, type RunningServer, type TestStorage } from './testing.js';

describe('changing a message', () => {
  let storage: TestStorage;
  let running: RunningServer;
  const clients: ChatClient[] = [];
  const pair = async () => {
    const [a, b] = [connect(running.url), connect(running.url)];
    clients.push(a, b);
    const alice = await a.createRoom({ name: 'Alice' });
    const bob = await b.joinRoom(alice.code, { name: 'Bob' });
    await eventually(() => alice.members.length === 2, 'Bob to arrive');
    return { alice, bob };
  };
  const reactionsOn = async (room: Room, id: string) => {
    await eventually(async () => (await room.history({ limit: 20 })).messages.some((m) => m.id === id), 'the message in history');
    const page = await room.history({ limit: 20 });
    const m = page.messages.find((e) => e.id === id) as { reactions?: Array<{ emoji: string; count: number }> };
    return (m.reactions ?? []).map((r) => `${r.emoji}${r.count}`);
  };

  before(async () => {
    storage = await createStorage('sqlite');
    Object.assign(storage.options, { reactionsPerMessage: 2, editWindowMs: 30_000, messagesPerWindow: 1000 });
    running = await startServer(storage.options);
  });
  after(async () => {
    for (const c of clients) c.close();
    await running.server.close();
    await storage.dispose();
  });

  test('a message carries at most reactionsPerMessage different emojis; more of one already there, and taking one off, are always allowed', async () => {
    const { alice, bob } = await pair();
    const m = await alice.send('react to me');
    await alice.react(m.id, '👍');
    await alice.react(m.id, '🎉');
    await assert.rejects(bob.react(m.id, '❤️'), { code: 'TOO_MANY_REACTIONS', message: /at most 2 different reactions/ });
    assert.equal((await bob.react(m.id, '👍')).count, 2, 'an emoji already there is no new one');
    assert.equal((await bob.unreact(m.id, '❤️')).count, 0, 'removing is never refused');
    await alice.unreact(m.id, '🎉');
    assert.equal((await bob.react(m.id, '❤️')).count, 1, 'a place freed by the last 🎉 going');
    assert.deepEqual(await reactionsOn(bob, m.id), ['❤️1', '👍2']);
  });

  test('only text messages are edited; an image message is deleted by its author, and a deleted message takes no change', async () => {
    const { alice, bob } = await pair();
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00aa44' } }).png().toBuffer();
    const picture = await alice.sendImage(new Blob([new Uint8Array(png)], { type: 'image/png' }));
    await assert.rejects(alice.edit(picture.id, 'a caption'), { code: 'FORBIDDEN', message: /text messages/ });
    assert.equal((await bob.react(picture.id, '👍')).count, 1, 'anyone may react to an image');
    await assert.rejects(bob.delete(picture.id), { code: 'FORBIDDEN' });
    await alice.delete(picture.id);
    await assert.rejects(bob.react(picture.id, '🎉'), { code: 'MESSAGE_NOT_FOUND', message: /deleted/ });
    await assert.rejects(bob.unreact(picture.id, '👍'), { code: 'MESSAGE_NOT_FOUND' });
    await assert.rejects(alice.delete(picture.id), { code: 'MESSAGE_NOT_FOUND' });
  });

  test('an edit window under a minute is told in seconds', async () => {
    const { alice } = await pair();
    const m = await alice.send('typo');
    assert.equal((await alice.edit(m.id, 'fixed')).text, 'fixed', 'within the window');
    await running.server.db('messages').where({ id: m.id }).update({ created_at: Date.now() - 31_000 });
    await assert.rejects(alice.edit(m.id, 'too late'), { code: 'EDIT_WINDOW_CLOSED', message: /30 seconds/ });
    await alice.delete(m.id); // deleting has no window
  });
});
