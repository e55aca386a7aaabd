// A member's read position (chat/read-positions.ts): per member and per room, only ever forward,
// never past the room's newest entry, and announced only when it moved.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { migrate, openDatabase, type Database } from '../db.js';
import { Messages } from '../messages.js';
import { Rooms } from '../rooms.js';
import { createStorage, type TestStorage } from '../testing.js';
import { RoomEvents, type RoomEvent } from './events.js';
import { InFlight } from './in-flight.js';
import { ReadPositions } from './read-positions.js';

let storage: TestStorage;
let db: Database;
let messages: Messages;
before(async () => {
  storage = await createStorage('sqlite');
  db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  await migrate(db);
  messages = new Messages(db);
});
after(async () => {
  await messages.close();
  await db.destroy();
  await storage.dispose();
});

test('read positions move forward only, stop at the newest entry of their own room, and are announced when they move', async () => {
  const rooms = new Rooms(db, 8);
  const [a, b] = [await rooms.create(), await rooms.create()];
  for (let i = 0; i < 5; i++) await messages.append(a, { kind: 'text', author: 'x', text: `a${i}` });
  for (let i = 0; i < 2; i++) await messages.append(b, { kind: 'text', author: 'x', text: `b${i}` });
  const events = new RoomEvents(pino({ level: 'silent' }));
  const announced: string[] = [];
  events.subscribe((e: RoomEvent) => {
    if (e.type === 'read-moved') announced.push(`${e.room.code === a.code ? 'a' : 'b'}:${e.memberId}:${e.seq}`);
  });
  const reads = new ReadPositions(db, events, new InFlight());

  assert.equal(await reads.mark(a, 'ann', 3), 3);
  assert.equal(await reads.mark(a, 'ann', 2), 3, 'never back');
  assert.equal(await reads.mark(a, 'ann', 3), 3);
  assert.equal(await reads.mark(a, 'bob', 1), 1, "Ann's position is not Bob's");
  assert.equal(await reads.mark(a, 'ann', 99), 5, 'not past the newest entry');
  assert.equal(await reads.mark(a, 'ann', 99), 5);
  assert.equal(await reads.mark(b, 'ann', 99), 2, "the newest of this room, not of another's");
  assert.deepEqual(announced, ['a:ann:3', 'a:bob:1', 'a:ann:5', 'b:ann:2'], 'only the moves');

  assert.deepEqual(await reads.of(a, ['ann', 'bob', 'cy']), { ann: 5, bob: 1 });
  assert.deepEqual(await reads.of(b, ['ann', 'bob']), { ann: 2 });
  assert.deepEqual(await reads.of(a, []), {});
});
