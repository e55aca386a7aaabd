/**
 * What a verified user's conversation list (`rooms()`, chat/conversations.ts) says of each room:
 * open or private, its key, the last message that is still a message (not a join line, not
 * deleted), and the unread count of others' messages after the user's own read position in that
 * room; rooms ordered by their last message, newest first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatClient, RoomSummary } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, eventually, signFor, startServer, type RunningServer, type TestStorage } from './testing.js';

const SITE = 'https://site.example';

describe('the conversation list', () => {
  let storage: TestStorage;
  let running: RunningServer;
  let app: App;
  const clients: ChatClient[] = [];
  const as = async (sub: string) => {
    const c = connect(running.url, { app: app.id, token: await signFor(app, sub, sub.toUpperCase()), socket: { extraHeaders: { origin: SITE } } });
    clients.push(c);
    return c;
  };

  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, appsCacheMs: 0, messagesPerWindow: 1000 });
    app = await running.server.apps.create('Site', [SITE]);
  });
  after(async () => {
    for (const c of clients) c.close();
    await running.server.close();
    await storage.dispose();
  });

  test("each room's summary: open or private, its key, its last message, and the user's own unread count there", async () => {
    const [fay, gus] = [await as('fay'), await as('gus')];
    const faysPage = await fay.openRoom({ key: 'page-a' });
    const gusPage = await gus.openRoom({ key: 'page-a' });
    const kept = await gusPage.send('kept');
    const gone = await gusPage.send('gone soon');
    await gusPage.delete(gone.id);
    await (await as('hal')).openRoom({ key: 'page-a' }); // a join line after them: no message, nothing unread
    await eventually(() => faysPage.members.length === 3, 'Hal to arrive');

    const other = await fay.openRoom({ key: 'page-b' });
    await other.send('fay was here');
    const gusOther = await gus.openRoom({ key: 'page-b' });
    const one = await gusOther.send('one');
    await gusOther.send('two');
    await fay.openRoom({ key: 'page-c' }); // a room with no message yet
    await other.markRead(one.seq);

    const list = await fay.rooms();
    const byKey = (key: string) => list.find((r: RoomSummary) => r.key === key)!;
    assert.deepEqual(
      list.map((r) => r.key),
      ['page-b', 'page-a', 'page-c'],
      'by last message, newest first; one without any last',
    );
    const a = byKey('page-a');
    assert.deepEqual([a.code, a.private, a.direct, a.lastMessage?.id, a.unread], [faysPage.code, false, undefined, kept.id, 1], 'the deleted message and the join line neither show nor count');
    const b = byKey('page-b');
    assert.deepEqual([b.private, b.lastMessage?.text, b.unread], [false, 'two', 1], 'read up to "one" in this room only');
    const c = byKey('page-c');
    assert.deepEqual([c.lastMessage, c.unread], [undefined, 0]);
    assert.deepEqual((await gus.rooms()).find((r) => r.key === 'page-a')?.unread, 0, "the other member's own count: his messages are not unread to him");
  });

  test("each pair of users has a direct room of its own; once the app's users may not create rooms, the existing ones still open and new ones are refused", async () => {
    const [ida, jon, kim] = [await as('ida'), await as('jon'), await as('kim')];
    const idaJon = await ida.openDirect('jon');
    const idaKim = await ida.openDirect('kim');
    const jonKim = await jon.openDirect('kim');
    assert.equal(new Set([idaJon.code, idaKim.code, jonKim.code]).size, 3);
    assert.equal((await kim.openDirect('ida')).code, idaKim.code);
    await running.server.apps.update(app.id, { settings: { roomCreation: 'none' } });
    try {
      assert.equal((await (await as('jon')).openDirect('ida')).code, idaJon.code, 'an existing direct room still opens');
      await assert.rejects((await as('lou')).openDirect('ida'), { code: 'FORBIDDEN' });
    } finally {
      await running.server.apps.update(app.id, { settings: { roomCreation: 'anyone' } });
    }
  });
});
