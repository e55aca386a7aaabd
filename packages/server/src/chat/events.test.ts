import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { RoomRecord } from '../rooms.js';
import { RoomEvents, type RoomEvent } from './events.js';

const room: RoomRecord = { id: 1, appId: 'default', code: 'ROOMCODE', createdAt: new Date(0).toISOString() };
const joined = (name: string): RoomEvent => ({ type: 'member-joined', room, member: { id: name.toLowerCase(), name } });

test('every subscriber gets every room event, in order, until it unsubscribes', () => {
  const events = new RoomEvents(pino({ level: 'silent' }));
  const first: string[] = [];
  const second: string[] = [];
  const name = (e: RoomEvent) => (e.type === 'member-joined' ? e.member.name : e.type);
  events.subscribe((e) => first.push(name(e)));
  const stop = events.subscribe((e) => second.push(name(e)));
  events.publish(joined('Ann'));
  events.publish({ type: 'read-moved', room, memberId: 'ann', seq: 3 });
  stop();
  stop();
  events.publish(joined('Bo'));
  assert.deepEqual(first, ['Ann', 'read-moved', 'Bo'], 'unsubscribing twice removes no one else');
  assert.deepEqual(second, ['Ann', 'read-moved']);
});

test('the first subscriber can unsubscribe too', () => {
  const events = new RoomEvents(pino({ level: 'silent' }));
  const seen: string[] = [];
  const stop = events.subscribe(() => seen.push('first'));
  events.subscribe(() => seen.push('second'));
  stop();
  events.publish(joined('Ann'));
  assert.deepEqual(seen, ['second']);
});

test('a subscriber that throws keeps neither the others nor the publisher from going on', () => {
  const logged: unknown[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const events = new RoomEvents(log);
  const seen: string[] = [];
  events.subscribe(() => {
    throw new Error('webhook down');
  });
  events.subscribe((e) => seen.push(e.type));
  assert.doesNotThrow(() => events.publish(joined('Ann')));
  assert.deepEqual(seen, ['member-joined']);
  assert.equal(logged.length, 1, 'the failure is logged');
  const [line] = logged as { msg: string; event: string; err: { message: string } }[];
  assert.deepEqual([line!.msg, line!.event, line!.err.message], ['a room event subscriber failed', 'member-joined', 'webhook down'], 'with the event and the error');
});
