import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM_CODE_ALPHABET } from '@roomchat/protocol';
import { settingsFromEnv } from './config.js';
import { migrate, openDatabase } from './db.js';
import { Rooms } from './rooms.js';
import { createStorage, startServer } from './testing.js';

test('room codes are drawn uniformly from the 31-symbol alphabet (chi-squared over 4,000 symbols)', async () => {
  const storage = await createStorage('sqlite');
  const db = openDatabase({ databaseUrl: undefined, dataDir: storage.options.dataDir! });
  try {
    await migrate(db);
    const rooms = new Rooms(db, 8);
    const codes: string[] = [];
    for (let i = 0; i < 500; i++) codes.push((await rooms.create()).code);
    const counts = new Map([...ROOM_CODE_ALPHABET].map((c) => [c, 0]));
    for (const code of codes) {
      assert.match(code, new RegExp(`^[${ROOM_CODE_ALPHABET}]{8}$`));
      for (const c of code) counts.set(c, counts.get(c)! + 1);
    }
    assert.equal(counts.size, 31, 'nothing outside the alphabet');
    const expected = (codes.length * 8) / 31;
    const chiSquared = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 30 degrees of freedom: 59.7 is the 0.1 % critical value, so a uniform draw fails once in a
    // thousand runs; 80 is about one in a million. A biased draw (modulo bias, a missing symbol)
    // lands far above it.
    assert.ok(chiSquared < 80, `chi-squared ${chiSquared.toFixed(1)} for ${codes.length} codes`);
    assert.ok(Math.min(...counts.values()) > 0, 'every symbol appears');
    assert.equal(new Set(codes).size, codes.length, 'no repeats');
  } finally {
    await db.destroy();
    await storage.dispose();
  }
});

test('ROOMCHAT_ROOM_CODE_LENGTH sets the length of new codes; codes are found however they are typed', async () => {
  const storage = await createStorage('sqlite');
  const running = await startServer({ ...storage.options, ...settingsFromEnv({ ROOMCHAT_ROOM_CODE_LENGTH: '12' }) });
  try {
    const res = await fetch(`${running.url}/v1/rooms`, { method: 'POST' });
    const { room } = (await res.json()) as { room: { code: string } };
    assert.match(room.code, new RegExp(`^[${ROOM_CODE_ALPHABET}]{12}$`));
    const typed = `${room.code.slice(0, 4)}-${room.code.slice(4, 8)} ${room.code.slice(8)}`.toLowerCase();
    assert.equal((await fetch(`${running.url}/v1/rooms/${encodeURIComponent(typed)}`)).status, 200);
    await assert.rejects(startServer({ ...storage.options, ...settingsFromEnv({ ROOMCHAT_ROOM_CODE_LENGTH: '5' }) }), /roomCodeLength must be between 6 and 32/);
  } finally {
    await running.server.close();
    await storage.dispose();
  }
});
