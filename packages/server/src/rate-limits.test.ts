// The rate limits on their own: each budget's size, window and key, what RATE_LIMITED says, and
// (with Redis) that nodes share a budget and fall back to counting alone while Redis is down.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { createClient } from 'redis';
import { resolveConfig } from './config.js';
import { ChatError } from './errors.js';
import { connectionKey, createRateLimits } from './rate-limits.js';
import { createRedis, type RedisClient } from './redis.js';
import { testNeeding } from './testing.js';

/** The error a budget throws, or undefined when it let the action through. */
const refusal = (action: Promise<void>) =>
  action.then(
    () => undefined,
    (error: unknown) => {
      assert.ok(error instanceof ChatError, String(error));
      return error;
    },
  );

const config = resolveConfig({
  joinFailuresPerWindow: 2,
  joinFailureWindowMs: 60_000,
  roomCreatesPerWindow: 3,
  roomCreateWindowMs: 120_000,
  messagesPerWindow: 4,
  messageWindowMs: 10_000,
  uploadsPerWindow: 1,
  uploadWindowMs: 30_000,
  messagesPerAddressPerWindow: 5,
  joinsPerWindow: 2,
  joinsPerAddressPerWindow: 3,
  joinWindowMs: 40_000,
  typingPerWindow: 2,
  typingWindowMs: 5_000,
  readMarksPerWindow: 3,
  readMarkWindowMs: 8_000,
  searchesPerWindow: 2,
  searchWindowMs: 50_000,
  roomListsPerWindow: 2,
  roomListWindowMs: 70_000,
});

describe('rate limits in one process', () => {
  test('each budget allows its configured number per window, then RATE_LIMITED with the time left and what it limits', async () => {
    const limits = createRateLimits(config);
    const cases = [
      [limits.joinFailures, 2, 60_000, 'failed attempts to open a room'],
      [limits.roomCreates, 3, 120_000, 'rooms created'],
      [limits.messages, 4, 10_000, 'messages'],
      [limits.messagesPerAddress, 5, 10_000, 'messages from your address'],
      [limits.joins, 2, 40_000, 'rooms joined'],
      [limits.joinsPerAddress, 3, 40_000, 'rooms joined from your address'],
      [limits.uploads, 1, 30_000, 'uploads'],
      [limits.typing, 2, 5_000, 'typing signals'],
      [limits.readMarks, 3, 8_000, 'read marks'],
      [limits.searches, 2, 50_000, 'searches'],
      [limits.roomLists, 2, 70_000, 'conversation lists'],
    ] as const;
    for (const [budget, points, windowMs, what] of cases) {
      for (let i = 0; i < points; i++) assert.equal(await refusal(budget.consume('key')), undefined, `${what}: ${i + 1} of ${points}`);
      const error = await refusal(budget.consume('key'));
      assert.equal(error?.code, 'RATE_LIMITED', what);
      assert.equal(error?.status, 429);
      assert.ok(error!.retryAfterMs! > windowMs - 2000 && error!.retryAfterMs! <= windowMs, `${what}: retry after ${error!.retryAfterMs} ms of ${windowMs}`);
      assert.equal(error?.message, `Too many ${what}; try again in ${Math.ceil(error!.retryAfterMs! / 1000)} s`);
    }
  });

  test('budgets are per key, and check() refuses a spent budget without spending one that is not', async () => {
    const { joinFailures } = createRateLimits(config);
    await joinFailures.check('10.0.0.1');
    await joinFailures.check('10.0.0.1');
    await joinFailures.consume('10.0.0.1');
    await joinFailures.check('10.0.0.1');
    await joinFailures.consume('10.0.0.1'); // the second and last point: checks alone spent none
    const error = await refusal(joinFailures.check('10.0.0.1'));
    assert.equal(error?.code, 'RATE_LIMITED');
    assert.ok(error!.retryAfterMs! > 0);
    assert.equal(await refusal(joinFailures.check('10.0.0.2')), undefined, 'another address has its own budget');
    assert.equal(await refusal(joinFailures.consume('10.0.0.2')), undefined);
  });

  test('a window shorter than a second counts as one second', async (t) => {
    t.mock.timers.enable({ apis: ['Date', 'setTimeout'] });
    const { messages } = createRateLimits(resolveConfig({ messagesPerWindow: 1, messageWindowMs: 200 }));
    await messages.consume('k');
    const error = await refusal(messages.consume('k'));
    assert.ok(error!.retryAfterMs! > 200 && error!.retryAfterMs! <= 1000, `retry after ${error!.retryAfterMs} ms`);
  });
});

describe('rate limits shared through Redis', () => {
  const { test, skipped } = testNeeding('TEST_REDIS_URL');
  const prefix = `roomchat-test:rl:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const shared = resolveConfig({ ...config, redisKeyPrefix: prefix });
  const clients: RedisClient[] = [];
  const connected = async () => {
    const redis = createRedis(process.env.TEST_REDIS_URL!, pino({ level: 'silent' }));
    await redis.connect();
    clients.push(redis);
    return redis;
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

  test('two nodes spend one budget per key, under the configured prefix', async () => {
    const [a, b] = [createRateLimits(shared, await connected()), createRateLimits(shared, await connected())];
    // An HTTP client's own budget: its posts may reach any node.
    await a.messages.consume('ip:x');
    await b.messages.consume('ip:x');
    await a.messages.consume('ip:x');
    await b.messages.consume('ip:x');
    assert.equal((await refusal(a.messages.consume('ip:x')))?.code, 'RATE_LIMITED');
    assert.equal((await refusal(b.messages.check('ip:x')))?.code, 'RATE_LIMITED');
    const redis = await connected();
    assert.ok((await redis.keys(`${prefix}rl:messages*`)).length > 0, 'kept under redisKeyPrefix');
  });

  test("a connection's own budgets are counted on its node, without Redis; its address's are shared", async () => {
    const [a, b] = [createRateLimits(shared, await connected()), createRateLimits(shared, await connected())];
    const redis = await connected();
    const own = connectionKey('node-local');
    for (let i = 0; i < 4; i++) await a.messages.consume(own);
    assert.equal((await refusal(a.messages.consume(own)))?.code, 'RATE_LIMITED', 'limited on its node');
    assert.equal(await refusal(b.messages.consume(own)), undefined, 'another node does not count it');
    await a.joins.consume(own);
    assert.deepEqual(await redis.keys(`${prefix}rl:*node-local*`), [], 'no Redis key for it');
    await a.messagesPerAddress.consume('10.0.0.9');
    assert.equal((await redis.keys(`${prefix}rl:address-messages*10.0.0.9`)).length, 1, "the address's budget is in Redis");
  });

  test('while Redis is down a node counts on its own instead of refusing everyone', async () => {
    const redis = await connected();
    const limits = createRateLimits(shared, redis);
    redis.destroy();
    assert.equal(await refusal(limits.uploads.consume('ip:1')), undefined, 'counted locally');
    assert.equal((await refusal(limits.uploads.consume('ip:1')))?.code, 'RATE_LIMITED', 'and limited locally');
  });
});
