/**
 * Several server nodes on one PostgreSQL and one Redis (README, "Deploying"): clients on different
 * nodes share rooms, history, presence and rate limits, and the cluster rides out a Redis outage.
 * Runs only when TEST_DATABASE_URL and TEST_REDIS_URL are set (`.ci/run` sets both).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { io as rawIo } from 'socket.io-client';
import type { ChatClient, Member, Room } from '@roomchat/sdk';
import { connect, createStorage, eventually, startServer, TcpProxy, type RunningServer, type TestStorage } from './testing.js';

const redisUrl = process.env.TEST_REDIS_URL;
const databaseUrl = process.env.TEST_DATABASE_URL;

/** Whether a client's view is gap-free (every seq once, consecutive). */
const gapFree = (room: Room) => room.messages.every((m, i) => i === 0 || m.seq === room.messages[i - 1]!.seq + 1);
const names = (members: Member[]) => members.map((m) => m.name).sort();

/** Deletes every key under `prefix` (streams, presence, rate limits of one run). */
async function dropKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length) await client.del(keys);
  } finally {
    client.destroy();
  }
}

if (!redisUrl || !databaseUrl) {
  console.log('# cluster tests skipped: set TEST_DATABASE_URL=postgres://... and TEST_REDIS_URL=redis://... to run them');
} else {
  describe('several nodes on PostgreSQL and Redis', () => {
    const prefix = `roomchat-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    const cleanups: Array<() => Promise<void> | void> = [];
    let storage: TestStorage;
    let nodes: RunningServer[];
    const track = (c: ChatClient) => {
      cleanups.push(() => c.close());
      return c;
    };

    before(async () => {
      storage = await createStorage('postgres');
      const options = { ...storage.options, redisUrl, redisKeyPrefix: prefix, presenceGraceMs: 400, joinFailuresPerWindow: 4, messagesPerWindow: 1_000_000 };
      // Both start at once on an empty schema: listen() migrates, so the migrations race.
      nodes = await Promise.all([startServer(options), startServer(options)]);
      cleanups.push(() => storage.dispose(), () => dropKeys(redisUrl, prefix));
      for (const node of nodes) cleanups.push(() => node.server.close());
    });
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    test('two nodes migrating one empty schema at once end with one schema', async () => {
      const applied = await nodes[0]!.server.db('knex_migrations').select('name');
      assert.deepEqual(applied.map((r) => r.name), ['20261125000000_initial']);
      for (const node of nodes) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
      assert.deepEqual(await (await fetch(`${nodes[1]!.url}/healthz`)).json(), { status: 'ok', database: 'ok', redis: 'ok' });
    });

    test('clients on different nodes chat in one room: one identical, ordered, gap-free history; the same members from every node', async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const ann = await track(connect(a.url)).createRoom({ name: 'Ann' });
      const ben = await track(connect(b.url)).joinRoom(ann.code, { name: 'Ben' });
      const catClient = connect(b.url);
      const cat = await catClient.joinRoom(ann.code, { name: 'Cat' });
      const rooms = [ann, ben, cat];
      for (const room of rooms) await eventually(() => room.members.length === 3, `${room.self.name} to see three members`);

      const texts = new Map(rooms.map((r) => [r, Array.from({ length: 40 }, (_, i) => `${r.self.name} ${i}`)]));
      await Promise.all(rooms.map((room) => Promise.all(texts.get(room)!.map((t) => room.send(t)))));
      const last = Math.max(...rooms.map((r) => r.messages.at(-1)!.seq));
      for (const room of rooms) await eventually(() => room.messages.at(-1)?.seq === last, `${room.self.name} to receive everything`, 10_000);

      const views = rooms.map((r) => r.messages.map((m) => `${m.seq}:${m.id}`).join());
      assert.ok(views.every((v) => v === views[0]), 'every client holds the same history');
      for (const room of rooms) assert.ok(gapFree(room), `${room.self.name}'s view is gap-free`);
      const stored = ann.messages.filter((m) => m.kind === 'text');
      assert.equal(stored.length, 120);
      for (const [room, sent] of texts) {
        assert.deepEqual(stored.filter((m) => m.author === room.self.name).map((m) => m.text), sent, `${room.self.name}'s messages in send order`);
      }

      const record = (await a.server.chat.rooms.find(ann.code))!;
      const fromA = await a.server.chat.presence.list(record);
      const fromB = await b.server.chat.presence.list(record);
      assert.deepEqual(fromA, fromB, 'both nodes list the same members, in the same order');
      assert.deepEqual(names(fromA), ['Ann', 'Ben', 'Cat']);
      for (const room of rooms) assert.deepEqual(names(room.members), ['Ann', 'Ben', 'Cat']);

      // Cat's only connection (on node B) closes: after the grace period every node shows her gone,
      // and one leave line is stored although both nodes sweep.
      catClient.close();
      for (const room of [ann, ben]) await eventually(() => names(room.members).join() === 'Ann,Ben', `${room.self.name} to see Cat leave`, 5000);
      await eventually(() => ann.messages.some((m) => m.kind === 'leave' && m.author === 'Cat'), 'the leave line');
      assert.deepEqual(names(await a.server.chat.presence.list(record)), ['Ann', 'Ben']);
      assert.deepEqual(names(await b.server.chat.presence.list(record)), ['Ann', 'Ben']);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ann.messages.filter((m) => m.kind === 'leave').length, 1, 'one leave line');
    });

    test('a member who moves to another node within the grace period is not shown as leaving', async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const host = await track(connect(a.url)).createRoom({ name: 'Host' });
      const first = connect(b.url, { memberId: 'mover' });
      await first.joinRoom(host.code, { name: 'Mover' });
      await eventually(() => host.members.length === 2, 'Mover to arrive');
      first.close();
      const moved = await track(connect(a.url, { memberId: 'mover' })).joinRoom(host.code, { name: 'Mover' });
      await new Promise((r) => setTimeout(r, 1000)); // well past the grace period
      assert.deepEqual(names(host.members), ['Host', 'Mover']);
      assert.deepEqual(names(moved.members), ['Host', 'Mover']);
      assert.equal(host.messages.filter((m) => m.author === 'Mover' && m.kind !== 'text').map((m) => m.kind).join(), 'join');
    });

    test('the failed-join budget of an address is shared by the nodes', async () => {
      const answers: string[] = [];
      for (const node of [...nodes, ...nodes, nodes[0]!]) {
        const raw = rawIo(node.url, { transports: ['websocket'], reconnection: false });
        const answer = (await raw.timeout(5000).emitWithAck('room:join', { code: 'ZZZZZZZZ', name: 'Guesser' })) as { ok: boolean; error?: { code: string } };
        raw.close();
        answers.push(answer.error?.code ?? 'ok');
      }
      // joinFailuresPerWindow is 4: two wrong codes on each node spend it, the fifth is refused.
      assert.deepEqual(answers, ['ROOM_NOT_FOUND', 'ROOM_NOT_FOUND', 'ROOM_NOT_FOUND', 'ROOM_NOT_FOUND', 'RATE_LIMITED']);
    });
  });
}
