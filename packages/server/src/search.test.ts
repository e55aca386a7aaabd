import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatClient, Room } from '@roomchat/sdk';
import { connect, createStorage, engines, eventually, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

interface Answer {
  messages: Array<{ text?: string | undefined }>;
  error: { code: string };
}
const texts = (page: Pick<Answer, 'messages'>) => page.messages.map((m) => m.text);

for (const engine of engines()) {
  describe(`searching a room's messages on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    const clients: ChatClient[] = [];
    const room = async (name = 'Alice'): Promise<Room> => {
      const c = connect(running.url);
      clients.push(c);
      return c.createRoom({ name });
    };
    const rest = async (code: string, q: string, before?: number) => {
      const res = await fetch(`${running.url}/v1/rooms/${code}/search?q=${encodeURIComponent(q)}${before === undefined ? '' : `&before=${before}`}`);
      return { status: res.status, body: (await res.json()) as Answer };
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      Object.assign(storage.options, { messagesPerWindow: 1000, messagesPerAddressPerWindow: 10_000, searchesPerWindow: 1000, searchPageSize: 3 });
      running = await startServer(storage.options);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('finds messages holding every word, by word starts and in any case, newest first, in this room only', async () => {
      const alice = await room();
      const other = await room('Eve');
      await alice.send('Lunch on Friday at the Italian place?');
      await alice.send('friday works, LUNCHTIME is best');
      await alice.send('lunch today instead');
      await other.send('lunch on friday here too');
      assert.deepEqual(texts(await alice.search('friday lunch')), ['friday works, LUNCHTIME is best', 'Lunch on Friday at the Italian place?']);
      assert.deepEqual(texts(await alice.search('ITAL')), ['Lunch on Friday at the Italian place?']);
      assert.deepEqual(texts(await alice.search('dinner')), []);
      const viaRest = await rest(alice.code, 'friday lunch');
      assert.equal(viaRest.status, 200);
      assert.deepEqual(texts(viaRest.body), ['friday works, LUNCHTIME is best', 'Lunch on Friday at the Italian place?']);
    });

    test('an edited message is found by its new words only; a deleted one never; join lines and edit entries not at all', async () => {
      const alice = await room('Zed');
      const sent = await alice.send('meet at the harbour');
      await alice.edit(sent.id, 'meet at the station');
      const gone = await alice.send('the harbour secret code is 1234');
      await alice.delete(gone.id);
      assert.deepEqual(texts(await alice.search('harbour')), [], 'neither the old text nor the deleted message');
      assert.deepEqual(texts(await alice.search('station')), ['meet at the station']);
      const found = await alice.search('station');
      assert.ok(found.messages[0]!.editedAt, 'the message as it is now');
      assert.deepEqual(texts(await alice.search('zed')), [], 'the join line names Zed but is not a message');
      assert.deepEqual(texts(await alice.search('1234')), []);
    });

    test('pages with before, newest first, and says whether more match', async () => {
      const alice = await room();
      for (let i = 1; i <= 7; i++) await alice.send(`report number ${i}`);
      const first = await alice.search('report');
      assert.deepEqual(texts(first), ['report number 7', 'report number 6', 'report number 5']);
      assert.equal(first.hasMore, true);
      const second = await alice.search('report', { before: first.messages.at(-1)!.seq });
      assert.deepEqual(texts(second), ['report number 4', 'report number 3', 'report number 2']);
      const last = await alice.search('report', { before: second.messages.at(-1)!.seq });
      assert.deepEqual([texts(last), last.hasMore], [['report number 1'], false]);
    });

    test('search syntax in a query is read as plain words, never as an error', async () => {
      const alice = await room();
      await alice.send('NEAR the "quoted" -minus *star (group) col:on AND OR NOT');
      await alice.send('plain text');
      for (const q of ['"', '""', '*', '-', '-minus', 'NEAR', 'NEAR(a b)', 'col:on', '(group', 'AND', 'OR NOT', "'", '\\', ':*', '&|!', '^', '"quoted', 'a'.repeat(200), '', '   ', '🙂', 'e\u0301']) {
        const viaSocket = await alice.search(q);
        const viaRest = await rest(alice.code, q);
        assert.equal(viaRest.status, 200, `${JSON.stringify(q).slice(0, 30)}: ${JSON.stringify(viaRest.body).slice(0, 200)}`);
        assert.deepEqual(texts(viaRest.body), texts(viaSocket));
        for (const text of texts(viaSocket)) assert.equal(text, 'NEAR the "quoted" -minus *star (group) col:on AND OR NOT', `${q} finds only what holds its words`);
      }
      assert.equal((await alice.search('"quoted" -minus NEAR')).messages.length, 1, 'the words of an operator-laden query still match');
      const tooLong = await rest(alice.code, 'x'.repeat(201));
      assert.equal(tooLong.status, 400);
      assert.deepEqual(tooLong.body.error.code, 'INVALID_PAYLOAD');
      await assert.rejects(alice.search('x'.repeat(201)), { code: 'INVALID_PAYLOAD' });
      const unknown = await rest('NOSUCHROOM', 'x');
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'ROOM_NOT_FOUND']);
    });

    test('a message another member sends is found once it is committed', async () => {
      const alice = await room();
      const c = connect(running.url);
      clients.push(c);
      const bob = await c.joinRoom(alice.code, { name: 'Bob' });
      await bob.send('bob says kumquat');
      await eventually(async () => (await alice.search('kumquat')).messages.length === 1, 'the committed message to be searchable');
    });
  });
}

describe('the SQLite search index, filled in the background', () => {
  /** The FTS5 rows (rowids) that hold `word`: what the indexer wrote, read without a search's flush. */
  const indexed = async (running: RunningServer, word: string): Promise<number[]> =>
    ((await running.server.db.raw('select rowid from messages_fts where messages_fts match ? order by rowid', [`text : "${word}"`])) as Array<{ rowid: number }>).map((r) => r.rowid);
  // An hour: in these tests the index moves only when a search (or a restart) makes it.
  const INDEX_LATER = { searchIndexDelayMs: 3_600_000 };

  test('a message edited or deleted before it was indexed is found by its current text only, once, and a deleted one never', async () => {
    const storage = await createStorage('sqlite');
    const running = await startServer({ ...storage.options, ...INDEX_LATER });
    const client = connect(running.url);
    try {
      const alice = await client.createRoom({ name: 'Alice' });
      const edited = await alice.send('meet at the harbour');
      await alice.edit(edited.id, 'meet at the station');
      const deleted = await alice.send('the harbour code is 1234');
      await alice.delete(deleted.id);
      const kept = await alice.send('the station is north');
      assert.deepEqual(await indexed(running, 'station'), [], 'nothing indexed yet: the triggers left the unindexed rows alone');
      assert.deepEqual(texts(await alice.search('station')), ['the station is north', 'meet at the station']);
      assert.deepEqual(texts(await alice.search('harbour')), []);
      assert.deepEqual(texts(await alice.search('1234')), []);
      assert.deepEqual(await indexed(running, 'station'), [Number(edited.id), Number(kept.id)].sort((a, b) => a - b), 'one entry each, by the current text');
      assert.deepEqual(await indexed(running, 'harbour'), [], 'neither the old text nor the deleted message');
      // Once indexed, edits and deletes are kept in step by the triggers.
      await alice.edit(kept.id, 'the harbour is north');
      assert.deepEqual(await indexed(running, 'harbour'), [Number(kept.id)]);
      assert.deepEqual(await indexed(running, 'station'), [Number(edited.id)]);
      await alice.delete(edited.id);
      assert.deepEqual(await indexed(running, 'station'), []);
      assert.deepEqual(texts(await alice.search('north')), ['the harbour is north']);
    } finally {
      client.close();
      await running.server.close();
      await storage.dispose();
    }
  });

  test('a message that takes the id of a deleted newest message (SQLite reuses it) is indexed too', async () => {
    const storage = await createStorage('sqlite');
    const running = await startServer({ ...storage.options, ...INDEX_LATER });
    const client = connect(running.url);
    try {
      const alice = await client.createRoom({ name: 'Alice' });
      const first = await alice.send('quince jam');
      assert.equal((await alice.search('quince')).messages.length, 1, 'indexed');
      // Deleted rows, as a room's removal or a retention job deletes them (not a tombstone).
      await running.server.db('messages').where('id', first.id).delete();
      const again = await alice.send('quince again');
      assert.equal(again.id, first.id, 'the id was given again');
      assert.deepEqual(texts(await alice.search('quince')), ['quince again']);
      assert.deepEqual(await indexed(running, 'quince'), [Number(again.id)]);
    } finally {
      client.close();
      await running.server.close();
      await storage.dispose();
    }
  });

  test('messages stored but not yet indexed when the server stopped are indexed after a restart, without a search', async () => {
    const storage = await createStorage('sqlite');
    const first = await startServer({ ...storage.options, ...INDEX_LATER });
    let code: string;
    const client = connect(first.url);
    try {
      const alice = await client.createRoom({ name: 'Alice' });
      code = alice.code;
      for (let i = 1; i <= 5; i++) await alice.send(`kumquat number ${i}`);
      assert.deepEqual(await indexed(first, 'kumquat'), []);
    } finally {
      client.close();
      await first.server.close();
    }
    // A batch of 2: the backlog takes several transactions.
    const second = await startServer({ ...storage.options, searchIndexDelayMs: 10, searchIndexBatchSize: 2 });
    try {
      await eventually(async () => (await indexed(second, 'kumquat')).length === 5, 'the backlog to be indexed');
      const res = await fetch(`${second.url}/v1/rooms/${code}/search?q=kumquat`);
      assert.equal(((await res.json()) as Answer).messages.length, 5);
      assert.equal((await indexed(second, 'kumquat')).length, 5, 'each once');
    } finally {
      await second.server.close();
      await storage.dispose();
    }
  });
});

describe('search rate limits', () => {
  test('searches are budgeted per client address over the socket and REST together', async () => {
    const storage = await createStorage('sqlite');
    const running = await startServer({ ...storage.options, searchesPerWindow: 3, searchWindowMs: 60_000 });
    const client = connect(running.url);
    try {
      const alice = await client.createRoom({ name: 'Alice' });
      await alice.search('one');
      await alice.search('two');
      assert.equal((await fetch(`${running.url}/v1/rooms/${alice.code}/search?q=three`)).status, 200);
      const res = await fetch(`${running.url}/v1/rooms/${alice.code}/search?q=four`);
      assert.equal(res.status, 429);
      assert.equal(((await res.json()) as Answer).error.code, 'RATE_LIMITED');
      await assert.rejects(alice.search('five'), { code: 'RATE_LIMITED' });
    } finally {
      client.close();
      await running.server.close();
      await storage.dispose();
    }
  });
});
