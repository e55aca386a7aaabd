// Room titles (issue #24): set when a room is created, over the socket (the SDK's createRoom) or
// REST, stored (migration 20261207021500_room_title), and part of the room's snapshot, on SQLite and
// PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { ROOM_TITLE_MAX_LENGTH } from '@roomchat/protocol';
import type { ChatClient } from '@roomchat/sdk';
import { connect, createStorage, engines, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

for (const engine of engines()) {
  describe(`room titles on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    const clients: ChatClient[] = [];
    const client = () => {
      const c = connect(running.url);
      clients.push(c);
      return c;
    };
    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer(storage.options);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('a room created with a title shows it to whoever joins, cleaned of extra spaces; one without has none', async () => {
      const ada = await client().createRoom({ name: 'Ada', title: '  Order   #1234  ' });
      assert.equal(ada.title, 'Order #1234');
      const bo = await client().joinRoom(ada.code, { name: 'Bo' });
      assert.equal(bo.title, 'Order #1234');
      const plain = await client().createRoom({ name: 'Cy' });
      assert.equal(plain.title, undefined);
    });

    test('a title that is too long, empty or holds control characters is refused with a stable code', async () => {
      for (const title of ['x'.repeat(ROOM_TITLE_MAX_LENGTH + 1), '   ', 'bad\u0007title']) {
        await assert.rejects(client().createRoom({ name: 'Ada', title }), (e: { code: string }) => e.code === 'INVALID_PAYLOAD', JSON.stringify(title));
      }
      const fits = await client().createRoom({ name: 'Ada', title: 'é'.repeat(ROOM_TITLE_MAX_LENGTH) });
      assert.equal(fits.title?.length, ROOM_TITLE_MAX_LENGTH);
    });

    test('REST creates a room with a title (or with no body, none) and shows it when the room is looked up', async () => {
      const created = await fetch(`${running.url}/v1/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Support' }) });
      assert.equal(created.status, 201);
      const { room } = (await created.json()) as { room: { code: string; title?: string } };
      assert.equal(room.title, 'Support');
      const looked = (await (await fetch(`${running.url}/v1/rooms/${room.code}`)).json()) as { room: { title?: string } };
      assert.equal(looked.room.title, 'Support');
      const bare = (await (await fetch(`${running.url}/v1/rooms`, { method: 'POST' })).json()) as { room: { title?: string } };
      assert.equal('title' in bare.room, false);
      const refused = await fetch(`${running.url}/v1/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 42 }) });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'INVALID_PAYLOAD');
    });
  });
}
