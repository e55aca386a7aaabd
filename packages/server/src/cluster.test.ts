/**
 * Several server nodes on one PostgreSQL and one Redis (README, "Deploying"): clients on different
 * nodes share rooms, history, presence and rate limits, and the cluster rides out a Redis outage.
 * Needs TEST_DATABASE_URL and TEST_REDIS_URL (`.ci/run` sets both); without them each test is
 * registered and skipped with that reason.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe } from 'node:test';
import { createClient } from 'redis';
import { io as rawIo } from 'socket.io-client';
import type { ChatClient, ChatMessage, Member, Room } from '@roomchat/sdk';
import { migrationSource, openDatabase } from './db.js';
import { migrateConcurrently } from './migrate.js';
import { connect, createStorage, eventually, freePort, startServer, TcpProxy, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const CLI = new URL('./cli.js', import.meta.url).pathname;

const redisUrl = process.env.TEST_REDIS_URL!;
const databaseUrl = process.env.TEST_DATABASE_URL!;

/** Whether a client's view is gap-free (every seq once, consecutive). */
const gapFree = (room: Room) => room.messages.every((m, i) => i === 0 || m.seq === room.messages[i - 1]!.seq + 1);
const names = (members: Member[]) => members.map((m) => m.name).sort();
const texts = (room: Room) => room.messages.filter((m) => m.kind === 'text').map((m) => m.text);

/** Every stored message of a room, read over REST page by page. */
async function storedMessages(url: string, code: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (let after = 0; ; ) {
    const page = (await (await fetch(`${url}/v1/rooms/${code}/messages?after=${after}&limit=200`)).json()) as { messages: ChatMessage[]; hasMore: boolean };
    all.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return all;
    after = page.messages.at(-1)!.seq;
  }
}

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

describe('several nodes on PostgreSQL and Redis', () => {
  const { test, skipped } = testNeeding('TEST_DATABASE_URL', 'TEST_REDIS_URL');
  const prefix = `roomchat-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const cleanups: Array<() => Promise<void> | void> = [];
  let storage: TestStorage;
  let nodes: RunningServer[];
  const track = (c: ChatClient) => {
    cleanups.push(() => c.close());
    return c;
  };

  before(async () => {
    if (skipped) return;
    storage = await createStorage('postgres');
    const options = { ...storage.options, redisUrl, redisKeyPrefix: prefix, presenceGraceMs: 400, joinFailuresPerWindow: 4, messagesPerWindow: 1_000_000, messagesPerAddressPerWindow: 1_000_000 };
    cleanups.push(() => storage.dispose(), () => dropKeys(redisUrl, prefix));
    // Both start at once on an empty schema: listen() migrates, so the migrations race.
    const started = await Promise.allSettled([startServer(options), startServer(options)]);
    for (const result of started) if (result.status === 'fulfilled') cleanups.push(() => result.value.server.close());
    nodes = started.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('nodes migrating one empty schema at once end with one schema', async () => {
    const all = await migrationSource.getMigrations([]);
    const applied = await nodes[0]!.server.db('knex_migrations').orderBy('id').select('name');
    assert.deepEqual(applied.map((r) => r.name), all);
    // Three more at once on another empty schema (plain knex migrate fails most such races).
    const fresh = await createStorage('postgres');
    const dbs = [1, 2, 3].map(() => openDatabase({ databaseUrl, dataDir: fresh.options.dataDir!, searchPath: fresh.options.searchPath! }));
    try {
      const results = await Promise.allSettled(dbs.map((db) => migrateConcurrently(db)));
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
      assert.deepEqual(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])), all, 'applied once');
    } finally {
      for (const db of dbs) await db.destroy();
      await fresh.dispose();
    }
    for (const node of nodes) assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${nodes[1]!.url}/healthz`)).json(), { status: 'ok', database: 'ok', redis: 'ok' });
  });

  test('clients on different nodes chat in one room: one identical, ordered, gap-free history; the same members from every node', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    const ann = await track(connect(a.url)).createRoom({ name: 'Ann' });
    const ben = await track(connect(b.url)).joinRoom(ann.code, { name: 'Ben' });
    const catClient = track(connect(b.url)); // closed below; tracked so that a failure cannot leave it reconnecting
    const cat = await catClient.joinRoom(ann.code, { name: 'Cat' });
    const rooms = [ann, ben, cat];
    for (const room of rooms) await eventually(() => room.members.length === 3, `${room.self.name} to see three members`);

    const texts = new Map(rooms.map((r) => [r, Array.from({ length: 40 }, (_, i) => `${r.self.name} ${i}`)]));
    const acked = await Promise.all(rooms.map((room) => Promise.all(texts.get(room)!.map((t) => room.send(t)))));
    // The newest acknowledged message, not the newest a view holds yet: an ack can come before
    // the messages just below it, which another node stored and is still relaying.
    const last = Math.max(...acked.flat().map((m) => m.seq));
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

  test('Redis unavailable for a while: each node keeps serving its own clients, /healthz says degraded, and the views converge after', async (t) => {
    const proxy = await TcpProxy.start(redisUrl);
    const outagePrefix = `${prefix}outage:`;
    const options = { ...storage.options, redisUrl: `redis://127.0.0.1:${new URL(proxy.url).port}`, redisKeyPrefix: outagePrefix, messagesPerWindow: 1_000_000, messagesPerAddressPerWindow: 1_000_000 };
    const [c, d] = await Promise.all([startServer(options), startServer(options)]);
    cleanups.push(() => dropKeys(redisUrl, outagePrefix), () => proxy.close(), () => c.server.close(), () => d.server.close());
    const ann = await track(connect(c.url)).createRoom({ name: 'Ann' });
    const ben = await track(connect(d.url)).joinRoom(ann.code, { name: 'Ben' });
    await eventually(() => ann.members.length === 2 && ben.members.length === 2, 'both to see each other');

    proxy.down();
    await eventually(() => !c.server.redis!.isReady && !d.server.redis!.isReady, 'the nodes to notice');
    const health = await fetch(`${c.url}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'degraded', database: 'ok', redis: 'unreachable' });
    // Each node still stores and acknowledges, and broadcasts to its own clients.
    const during = [...[1, 2, 3].map((i) => ann.send(`Ann during ${i}`)), ...[1, 2].map((i) => ben.send(`Ben during ${i}`))];
    const acked = await Promise.all(during);
    assert.equal(acked.length, 5);
    const localOnly = await c.server.chat.rooms.find(ann.code);
    assert.ok(localOnly, 'the database still answers');

    proxy.up();
    await eventually(() => c.server.redis!.isReady && d.server.redis!.isReady, 'the nodes to reconnect', 10_000);
    assert.equal((await fetch(`${d.url}/healthz`)).status, 200);
    await ann.send('Ann after');
    await ben.send('Ben after');
    const stored = await storedMessages(c.url, ann.code);
    const last = stored.at(-1)!.seq;
    for (const room of [ann, ben]) await eventually(() => room.messages.at(-1)?.seq === last, `${room.self.name} to converge`, 10_000);
    t.diagnostic(JSON.stringify({ storedDuringOutage: 5, ann: texts(ann).length, ben: texts(ben).length, stored: stored.filter((m) => m.kind === 'text').length }));
    assert.deepEqual(texts(ann), stored.filter((m) => m.kind === 'text').map((m) => m.text));
    assert.deepEqual(texts(ben), texts(ann));
    assert.equal(texts(ann).length, 7);
    assert.ok(gapFree(ann) && gapFree(ben), 'gap-free views');
  });

  // 6-11 s on an idle machine; starting a CLI process took over 45 s on a machine loaded 12-fold.
  test('a node SIGKILLed mid-burst: its clients fail over to the other node; nothing acknowledged is lost or doubled, all views converge', { timeout: 180_000 }, async (t) => {
    const port = await freePort();
    // The CLI has no schema option; libpq's `options` sets the search path of each connection.
    const schema = storage.options.searchPath!;
    const dbUrl = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const child: ChildProcess = spawn(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, DATABASE_URL: dbUrl, REDIS_URL: redisUrl, ROOMCHAT_REDIS_KEY_PREFIX: prefix, ROOMCHAT_MESSAGES_PER_WINDOW: '1000000', ROOMCHAT_MESSAGES_PER_ADDRESS_PER_WINDOW: '1000000', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    await eventually(() => out.includes('"url"'), 'the CLI node to start', 90_000);

    const b = nodes[1]!;
    const balancer = await TcpProxy.start(`http://127.0.0.1:${port}`); // stands in for the load balancer
    cleanups.push(() => balancer.close());
    const ann = await track(connect(balancer.url, { requestTimeoutMs: 3000 })).createRoom({ name: 'Ann' });
    const rooms = [
      ann,
      await track(connect(balancer.url, { requestTimeoutMs: 3000 })).joinRoom(ann.code, { name: 'Ben' }),
      await track(connect(b.url, { requestTimeoutMs: 3000 })).joinRoom(ann.code, { name: 'Cat' }),
    ];
    const sent = new Map(rooms.map((r) => [r.self.name, Array.from({ length: 60 }, (_, i) => `${r.self.name} ${i}`)]));
    const acked: string[] = [];
    const sends = rooms.flatMap((room) => sent.get(room.self.name)!.map((text) => room.send(text).then((m) => (acked.push(m.text!), m))));

    await eventually(() => acked.length >= 40, 'part of the burst to be acknowledged', 15_000);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const ackedBeforeKill = [...acked];
    balancer.retarget(b.url);
    balancer.cut();

    await Promise.all(sends);
    const stored = (await storedMessages(b.url, ann.code)).filter((m) => m.kind === 'text');
    const last = (await storedMessages(b.url, ann.code)).at(-1)!.seq;
    for (const room of rooms) await eventually(() => room.messages.at(-1)?.seq === last, `${room.self.name} to converge`, 15_000);
    const counts = new Map<string, number>();
    for (const m of stored) counts.set(m.text!, (counts.get(m.text!) ?? 0) + 1);
    const figures = {
      sent: 180,
      stored: stored.length,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
      lostAcked: ackedBeforeKill.filter((text) => !counts.has(text)).length,
      ackedBeforeKill: ackedBeforeKill.length,
    };
    t.diagnostic(JSON.stringify(figures));
    assert.deepEqual(figures, { sent: 180, stored: 180, duplicates: 0, lostAcked: 0, ackedBeforeKill: ackedBeforeKill.length });
    for (const [name, texts] of sent) assert.deepEqual(stored.filter((m) => m.author === name).map((m) => m.text), texts, `${name}'s messages in order`);
    const views = rooms.map((r) => r.messages.map((m) => m.id).join());
    assert.ok(views.every((v) => v === views[0]), 'every client holds the same history');
    for (const room of rooms) assert.ok(gapFree(room), `${room.self.name}'s view is gap-free`);
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
