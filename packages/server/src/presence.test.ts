// Presence on its own: who is in a room, when a member counts as gone, and (with Redis) that the
// nodes agree and a node's restart is not a leave. Timers are node:test's mock timers for the
// in-process presence; the Redis presence runs against a real Redis with short grace periods.
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { createClient } from 'redis';
import type { Member } from '@roomchat/sdk';
import { LocalPresence, RedisPresence, type RedisPresenceOptions } from './presence.js';
import type { RoomRecord } from './rooms.js';
import { createRedis, type RedisClient } from './redis.js';
import { eventually, testNeeding } from './testing.js';

const room = (id: number): RoomRecord => ({ id, appId: 'default', code: `ROOM${id}`.padEnd(8, 'X'), createdAt: new Date(0).toISOString() });
const ann: Member = { id: 'ann', name: 'Ann' };
const ben: Member = { id: 'ben', name: 'Ben' };
const names = (members: Member[]) => members.map((m) => m.name);

describe('presence in one process', () => {
  const GRACE = 1000;
  const setup = (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const left: string[] = [];
    const presence = new LocalPresence(GRACE, (r, m) => left.push(`${r.code}:${m.name}`));
    return { presence, left };
  };

  test('a member arrives once however many connections it joins with, and is listed in order of arrival', async (t) => {
    const { presence } = setup(t);
    assert.deepEqual(await presence.join(room(1), ann, 'c1'), { member: ann, arrived: true });
    assert.deepEqual(await presence.join(room(1), { id: 'ann', name: 'Ann renamed' }, 'c2'), { member: ann, arrived: false }, 'as first seen');
    assert.deepEqual(await presence.join(room(1), ben, 'c3'), { member: ben, arrived: true });
    assert.deepEqual(names(await presence.list(room(1))), ['Ann', 'Ben']);
    assert.deepEqual(presence.members(2), [], 'rooms are separate');
    assert.equal(presence.has(1, 'ann', 'c2'), true);
    assert.equal(presence.has(1, 'ann', 'c9'), false);
  });

  test('an explicit leave of the last connection is at once; of another connection, nothing', async (t) => {
    const { presence, left } = setup(t);
    await presence.join(room(1), ann, 'c1');
    await presence.join(room(1), ann, 'c2');
    assert.equal(await presence.leave(1, 'ann', 'c1', true), undefined, 'another tab is still open');
    assert.deepEqual(await presence.leave(1, 'ann', 'c2', true), ann);
    assert.deepEqual(presence.members(1), []);
    assert.equal(await presence.leave(1, 'ann', 'c2', true), undefined, 'leaving twice');
    assert.equal(await presence.leave(7, 'nobody', 'c0', true), undefined, 'unknown room');
    assert.deepEqual(left, [], 'explicit leaves are announced by the caller, not the listener');
  });

  test('a dropped last connection leaves after the grace period, not before; a reconnect within it cancels the leave', async (t) => {
    const { presence, left } = setup(t);
    await presence.join(room(1), ann, 'c1');
    assert.equal(await presence.leave(1, 'ann', 'c1', false), undefined);
    t.mock.timers.tick(GRACE - 1);
    assert.deepEqual(left, [], 'not before the grace period');
    assert.deepEqual(names(presence.members(1)), ['Ann'], 'still listed meanwhile');
    t.mock.timers.tick(1);
    assert.deepEqual(left, ['ROOM1XXX:Ann']);
    assert.deepEqual(presence.members(1), []);

    await presence.join(room(1), ben, 'b1');
    await presence.leave(1, 'ben', 'b1', false);
    t.mock.timers.tick(GRACE / 2);
    assert.deepEqual(await presence.join(room(1), ben, 'b2'), { member: ben, arrived: false }, 'a reconnect is not an arrival');
    t.mock.timers.tick(GRACE * 2);
    assert.deepEqual(left, ['ROOM1XXX:Ann'], 'nor a leave');
    assert.deepEqual(names(presence.members(1)), ['Ben']);
  });

  test("one member's leave leaves the room's other members listed; has() is false for unknown rooms and members", async (t) => {
    const { presence } = setup(t);
    await presence.join(room(1), ann, 'c1');
    await presence.join(room(1), ben, 'c2');
    assert.equal(await presence.leave(1, 'carl', 'c3', true), undefined, 'a member the room never saw');
    assert.deepEqual(await presence.leave(1, 'ann', 'c1', true), ann);
    assert.deepEqual(names(presence.members(1)), ['Ben']);
    assert.equal(presence.has(1, 'ben', 'c2'), true);
    assert.equal(presence.has(1, 'carl', 'c2'), false);
    assert.equal(presence.has(9, 'ben', 'c2'), false);
  });

  test('a member restored after a restart stays for the grace period: a return is not an arrival, no return is a leave', async (t) => {
    const { presence, left } = setup(t);
    presence.restore(room(1), ann);
    presence.restore(room(1), ben);
    presence.restore(room(1), { id: 'ann', name: 'Ann again' });
    assert.deepEqual(names(presence.members(1)), ['Ann', 'Ben'], 'restored once each, listed at once');
    assert.equal(presence.has(1, 'ann', 'c1'), false, 'with no connection');
    t.mock.timers.tick(GRACE / 2);
    assert.deepEqual(await presence.join(room(1), ann, 'c1'), { member: ann, arrived: false });
    t.mock.timers.tick(GRACE);
    assert.deepEqual(left, ['ROOM1XXX:Ben'], 'Ben did not come back; Ann did');
    assert.deepEqual(names(presence.members(1)), ['Ann']);
  });

  test('clear() cancels pending leaves and forgets everyone', async (t) => {
    const { presence, left } = setup(t);
    await presence.join(room(1), ann, 'c1');
    await presence.join(room(2), ben, 'c2');
    await presence.leave(1, 'ann', 'c1', false);
    presence.clear();
    t.mock.timers.tick(GRACE * 2);
    assert.deepEqual(left, []);
    assert.deepEqual([presence.members(1), presence.members(2)], [[], []]);
  });
});

describe('presence shared through Redis', () => {
  const { test, skipped } = testNeeding('TEST_REDIS_URL');
  const prefix = `roomchat-test:presence:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const clients: RedisClient[] = [];
  const log = pino({ level: 'silent' });
  const node = async (graceMs: number, onLeave: (r: RoomRecord, m: Member) => void = () => {}, options: Partial<RedisPresenceOptions> = {}) => {
    const redis = createRedis(process.env.TEST_REDIS_URL!, log);
    await redis.connect();
    clients.push(redis);
    return { redis, presence: new RedisPresence(redis, { prefix, graceMs, log, ...options }, onLeave) };
  };
  /**
   * Nodes on a clock the test moves, with a long lease (its renewal timer, every third of it, does
   * not fire during the test) and their own keys, so a sweep far in the future touches no other test.
   */
  const clockedNodes = () => {
    const clock = { now: Date.now() };
    const announced: string[] = [];
    const options = { prefix: `${prefix}clock${Math.random().toString(36).slice(2, 8)}:`, leaseMs: 60_000, now: () => clock.now };
    const clocked = () => node(1000, (_, m) => announced.push(m.name), options);
    return { clock, announced, clocked };
  };
  after(async () => {
    if (skipped) return;
    const admin = createClient({ url: process.env.TEST_REDIS_URL! });
    await admin.connect();
    const keys: string[] = [];
    for await (const batch of admin.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
    if (keys.length) await admin.del(keys);
    admin.destroy();
    for (const redis of clients) if (redis.isOpen) redis.destroy();
  });

  test('two nodes see the same members in order of arrival; a member on both counts once; its explicit leave is answered by one node', async () => {
    const a = await node(5000);
    const b = await node(5000);
    const r = room(101);
    assert.equal((await a.presence.join(r, ann, 'a1')).arrived, true);
    assert.equal((await b.presence.join(r, ben, 'b1')).arrived, true);
    const again = await b.presence.join(r, { id: 'ann', name: 'Other name' }, 'b2');
    assert.deepEqual(again, { member: ann, arrived: false });
    assert.deepEqual(names(await a.presence.list(r)), ['Ann', 'Ben']);
    assert.deepEqual(names(await b.presence.list(r)), ['Ann', 'Ben']);
    assert.deepEqual(names(a.presence.members(101)), ['Ann', 'Ben'], 'as last read');
    assert.equal(await a.presence.leave(101, 'ann', 'a1', true), undefined, 'her connection on node B remains');
    assert.deepEqual(await b.presence.leave(101, 'ann', 'b2', true), ann);
    assert.deepEqual(names(await a.presence.list(r)), ['Ben']);
    await a.presence.clear();
    await b.presence.clear();
  });

  test('a dropped connection leaves after the grace period, announced once although every node sweeps; not before', async () => {
    const graceMs = 400;
    const announced: string[] = [];
    const a = await node(graceMs, (r, m) => announced.push(`a:${r.id}:${m.name}`));
    const b = await node(graceMs, (r, m) => announced.push(`b:${r.id}:${m.name}`));
    const r = room(102);
    await a.presence.join(r, ann, 'a1');
    await b.presence.join(r, ben, 'b1');
    const dropped = Date.now();
    await a.presence.leave(102, 'ann', 'a1', false);
    await eventually(() => announced.length > 0, 'the leave to be announced', 5000);
    assert.ok(Date.now() - dropped >= graceMs - 50, `announced ${Date.now() - dropped} ms after the drop`);
    await new Promise((resolve) => setTimeout(resolve, graceMs)); // more sweeps of both nodes
    assert.equal(announced.length, 1, `announced once: ${announced.join(', ')}`);
    assert.match(announced[0]!, /:102:Ann$/);
    assert.deepEqual(names(await b.presence.list(r)), ['Ben']);
    await a.presence.clear();
    await b.presence.clear();
  });

  test("a node's restart within the lease is not a leave: its members stay present for the other nodes and come back", async () => {
    const announced: string[] = [];
    const first = await node(300, (_, m) => announced.push(m.name));
    const other = await node(300, (_, m) => announced.push(m.name));
    const r = room(103);
    await first.presence.join(r, ann, 'a1');
    // The node stops (its process restarts): no leave is recorded for its connections.
    await first.presence.clear();
    first.redis.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // well past the grace period; within the 15 s lease
    assert.deepEqual(names(await other.presence.list(r)), ['Ann'], 'still present for the other node');
    // Its client reconnects to the restarted node: present, and not a new arrival.
    const restarted = await node(300, (_, m) => announced.push(m.name));
    assert.deepEqual(await restarted.presence.join(r, ann, 'a2'), { member: ann, arrived: false });
    assert.deepEqual(announced, []);
    await restarted.presence.clear();
    await other.presence.clear();
  });

  test('while Redis is unreachable, joins answer from what the node knows, and nothing throws', async () => {
    const { redis, presence } = await node(300);
    const r = room(104);
    await presence.join(r, ann, 'a1');
    await presence.list(r);
    redis.destroy();
    assert.deepEqual(await presence.join(r, ann, 'a2'), { member: ann, arrived: false }, 'known: not announced again');
    assert.deepEqual(await presence.join(r, ben, 'b1'), { member: ben, arrived: false }, 'unknown: listed, not announced');
    assert.deepEqual(names(await presence.list(r)), ['Ann', 'Ben']);
    assert.equal(await presence.leave(104, 'ann', 'a1', true), undefined);
    await presence.clear();
  });

  test("a live connection's lease is renewed by its node; when the node stops renewing, the member leaves as the lease ends, not before", async () => {
    const { clock, announced, clocked } = clockedNodes();
    const a = await clocked();
    const b = await clocked();
    const r = room(105);
    await a.presence.join(r, ann, 'a1');
    await b.presence.join(r, ben, 'b1');
    for (let i = 0; i < 4; i++) {
      clock.now += 50_000; // most of a lease, four times over: only renewals keep them present
      await a.presence.renew();
      await b.presence.renew();
      await b.presence.sweep();
    }
    assert.deepEqual(announced, [], 'renewed, nobody left');
    assert.deepEqual(names(await b.presence.list(r)), ['Ann', 'Ben']);
    // Node A dies: nothing renews Ann's lease any more.
    await a.presence.clear();
    a.redis.destroy();
    clock.now += 59_999;
    await b.presence.renew();
    await b.presence.sweep();
    assert.deepEqual(announced, [], 'within the lease: still present');
    clock.now += 2;
    await b.presence.sweep();
    await b.presence.sweep();
    assert.deepEqual(announced, ['Ann'], 'announced once, by the surviving node');
    assert.deepEqual(names(await b.presence.list(r)), ['Ben']);
    await b.presence.clear();
  });

  test('a node whose Redis connection drops renews its leases as soon as it is back', async () => {
    const { clock, announced, clocked } = clockedNodes();
    const a = await clocked();
    const b = await clocked();
    const r = room(106);
    await a.presence.join(r, ann, 'a1');
    clock.now += 50_000;
    // Redis closes node A's connection (a restart, a network cut); node-redis reconnects by itself.
    const back = new Promise((resolve) => a.redis.once('ready', resolve)); // not events.once: the drop emits 'error' first
    const admin = createClient({ url: process.env.TEST_REDIS_URL! });
    await admin.connect();
    await admin.clientKill({ filter: 'ID', id: await a.redis.clientId() });
    admin.destroy();
    await back;
    await a.redis.ping(); // after the renewal the reconnection started, on the same connection
    clock.now += 50_000; // past the lease as it was before the drop
    await b.presence.sweep();
    assert.deepEqual(announced, [], 'renewed on reconnecting');
    assert.deepEqual(names(await b.presence.list(r)), ['Ann']);
    await a.presence.clear();
    await b.presence.clear();
  });

  test("a closed node sweeps and announces nothing; the leases it left are another node's to sweep", async () => {
    const { clock, announced, clocked } = clockedNodes();
    const a = await clocked();
    const b = await clocked();
    const r = room(107);
    await a.presence.join(r, ann, 'a1');
    await a.presence.join(r, ben, 'b1');
    await a.presence.clear();
    a.redis.destroy();
    clock.now += 60_001;
    await b.presence.clear();
    await b.presence.sweep();
    assert.deepEqual(announced, [], 'a closed node announces nothing');
    const c = await clocked();
    await c.presence.sweep();
    assert.deepEqual(announced.sort(), ['Ann', 'Ben']);
    await c.presence.clear();
  });

  test("a node knows who arrived and left through it without asking Redis (members(), for REST room info)", async () => {
    const a = await node(5000);
    const r = room(108);
    await a.presence.join(r, ann, 'a1');
    await a.presence.join(r, ben, 'b1');
    await a.presence.join(r, ann, 'a2');
    assert.deepEqual(names(a.presence.members(108)), ['Ann', 'Ben'], 'each once, in order of arrival');
    await a.presence.leave(108, 'ann', 'a1', true);
    assert.deepEqual(names(a.presence.members(108)), ['Ann', 'Ben'], 'her other connection remains');
    await a.presence.leave(108, 'ann', 'a2', true);
    assert.deepEqual(names(a.presence.members(108)), ['Ben']);
    await a.presence.clear();
  });

  test('a big room is listed in order of arrival (past the size where Redis keeps a hash in insertion order)', async () => {
    const { clock, clocked } = clockedNodes();
    const a = await clocked();
    const r = room(109);
    // Past this size Redis stores a hash as a table, which HGETALL reads in no particular order.
    const admin = createClient({ url: process.env.TEST_REDIS_URL! });
    await admin.connect();
    const compactMax = Number(Object.values(await admin.configGet('hash-max-listpack-entries'))[0] ?? 128);
    admin.destroy();
    const everyone = Array.from({ length: compactMax + 50 }, (_, i) => ({ id: `m${i}`, name: `Member ${i}` }));
    for (const member of everyone) {
      clock.now += 1;
      await a.presence.join(r, member, `c-${member.id}`);
    }
    assert.deepEqual(names(await a.presence.list(r)), names(everyone));
    await a.presence.clear();
  });

  test("a sweep goes on past an expired connection of a member who has another live one; that member stays", async () => {
    const { clock, announced, clocked } = clockedNodes();
    const a = await clocked();
    const r = room(110);
    await a.presence.join(r, ann, 'a1');
    await a.presence.join(r, ann, 'a2');
    await a.presence.join(r, ben, 'b1');
    await a.presence.leave(110, 'ann', 'a1', false); // expires first
    clock.now += 10;
    await a.presence.leave(110, 'ben', 'b1', false);
    clock.now += 1000 + 10; // past both grace periods, within the lease of Ann's other connection
    await a.presence.sweep();
    assert.deepEqual(announced, ['Ben'], 'one sweep: Ann stays (a2 is live), Ben is announced');
    assert.deepEqual(names(await a.presence.list(r)), ['Ann']);
    await a.presence.clear();
  });

  test("a member's renewed connection is not taken for expired when another of its connections leaves", async () => {
    const { clock, announced, clocked } = clockedNodes();
    const a = await clocked();
    const r = room(111);
    await a.presence.join(r, ann, 'a1');
    await a.presence.join(r, ann, 'a2');
    clock.now += 50_000;
    await a.presence.renew();
    clock.now += 50_000; // past the first lease of both; renewed since
    assert.equal(await a.presence.leave(111, 'ann', 'a1', true), undefined, 'a2 is live');
    await a.presence.sweep();
    assert.deepEqual(announced, []);
    assert.deepEqual(names(await a.presence.list(r)), ['Ann']);
    await a.presence.clear();
  });

  test('while Redis is unreachable, a join to a room this node never listed answers too', async () => {
    const { redis, presence } = await node(300);
    redis.destroy();
    assert.deepEqual(await presence.join(room(112), ann, 'a1'), { member: ann, arrived: false });
    assert.deepEqual(names(presence.members(112)), ['Ann']);
    await presence.clear();
  });
});
