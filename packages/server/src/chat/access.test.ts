// Who a private room admits (chat/access.ts): its list of users, kept per room, in the order they
// were added; guests and unlisted users are refused, open rooms admit anyone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { migrate, openDatabase, type Database } from '../db.js';
import { Rooms } from '../rooms.js';
import { createStorage, type TestStorage } from '../testing.js';
import { RoomAccess } from './access.js';

let storage: TestStorage;
let db: Database;
before(async () => {
  storage = await createStorage('sqlite');
  db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  await migrate(db);
});
after(async () => {
  await db.destroy();
  await storage.dispose();
});

test("a private room's list is its own: users are listed in the order added, and taking one off one room leaves the others", async () => {
  const rooms = new Rooms(db, 8);
  const access = new RoomAccess(db);
  const [a, b] = [await rooms.create(undefined, { private: true, members: ['zed'] }), await rooms.create(undefined, { private: true, members: ['zed'] })];
  // Each added in a later millisecond than the one before, so the order added is unambiguous.
  const nextMillisecond = () => {
    for (const start = Date.now(); Date.now() === start; );
  };
  nextMillisecond();
  await access.add(a, ['amy']);
  nextMillisecond();
  await access.add(a, ['bea', 'amy']); // amy stays where she was
  assert.deepEqual(await access.members(a), ['zed', 'amy', 'bea']);
  await access.remove(a, ['zed', 'bea']);
  assert.deepEqual(await access.members(a), ['amy']);
  assert.deepEqual(await access.members(b), ['zed'], 'the other room keeps its list');
  await access.check(b, { sub: 'zed' });
  await assert.rejects(access.check(a, { sub: 'zed' }), { code: 'FORBIDDEN', message: /not one of its members/ });
  await assert.rejects(access.check(a, undefined), { code: 'FORBIDDEN', message: /sign in/ });
  await access.check(await rooms.create(), undefined); // an open room admits a guest
});
