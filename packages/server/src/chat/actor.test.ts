import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@roomchat/protocol';
import { resolveConfig } from '../config.js';
import { ChatError } from '../errors.js';
import { createRateLimits } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';
import { memberOf, spendEntry, type Actor } from './actor.js';

const room: RoomRecord = { id: 1, appId: 'default', code: 'ROOMCODE', createdAt: new Date(0).toISOString() };
const actor = (own: string, address?: string): Actor => ({ membership: () => ({ room, member: { name: own } }), budget: { own, address } });
const limited = (err: unknown) => err instanceof ChatError && err.code === ErrorCode.RATE_LIMITED;

test('an entry spends the actor\'s own budget and, when it has one, its address\'s', async () => {
  const limits = createRateLimits(resolveConfig({ messagesPerWindow: 10, messagesPerAddressPerWindow: 2 }));
  await spendEntry(limits, actor('socket:a', '10.0.0.1'));
  await spendEntry(limits, actor('socket:b', '10.0.0.1'));
  await assert.rejects(spendEntry(limits, actor('socket:c', '10.0.0.1')), limited, 'three connections of one address share its budget');
  await spendEntry(limits, actor('socket:d', '10.0.0.2'));
});

test('actors with no address budget (the app\'s backend, a moderator) do not share one under a missing key', async () => {
  const limits = createRateLimits(resolveConfig({ messagesPerWindow: 10, messagesPerAddressPerWindow: 2 }));
  for (const own of ['app:shop', 'app:blog', 'mod:ann', 'app:shop', 'app:shop']) await spendEntry(limits, actor(own));
  await assert.rejects(
    (async () => {
      for (let i = 0; i < 8; i++) await spendEntry(limits, actor('app:shop'));
    })(),
    limited,
    'the actor\'s own budget still applies',
  );
});

test('what only members may do is refused to an actor with no member id, with NOT_A_MEMBER', () => {
  assert.throws(() => memberOf({ room, member: { name: 'a poster over HTTP' } }), (err: unknown) => err instanceof ChatError && err.code === ErrorCode.NOT_A_MEMBER && /Join the room/.test(err.message));
  assert.deepEqual(memberOf({ room, member: { name: 'Ann', id: 'ann' } }), { name: 'Ann', id: 'ann' });
});
