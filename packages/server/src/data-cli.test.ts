/**
 * The retention and export commands of the CLI: `apps update --retention-days`, `apps
 * room-retention`, and `export` run as the real binary on a database it shares with nothing else.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { appsCommand } from './apps-cli.js';
import { openDatabase, type Database } from './db.js';
import { migrate } from './db.js';
import { Rooms, roomRetention } from './rooms.js';

const CLI = new URL('./cli.js', import.meta.url).pathname;
let dataDir: string;
let db: Database;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-data-cli-'));
  db = openDatabase({ databaseUrl: undefined, dataDir });
  await migrate(db);
});
after(async () => {
  await db.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

/** `apps ...` on the test database: what it printed, parsed. */
async function apps(...args: string[]): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  await appsCommand(db, args, (line) => lines.push(line));
  return JSON.parse(lines.join('\n')) as Record<string, unknown>;
}

test('apps update --retention-days sets the app’s period, forever removes it, and nonsense is refused', async () => {
  assert.equal(((await apps('update', 'default', '--retention-days', '30')).settings as { retentionDays: number }).retentionDays, 30);
  assert.equal(((await apps('update', 'default', '--retention-days', 'forever')).settings as { retentionDays: null }).retentionDays, null);
  for (const bad of ['0', '36501', '1.5', 'soon', '99999999999']) {
    await assert.rejects(apps('update', 'default', '--retention-days', bad), /whole number of days|1 to 36500/, bad);
  }
  await assert.rejects(apps('update', 'default', '--retention-days=-3'), /whole number of days/);
});

test('apps room-retention sets a room’s own period (forever: 0; app: its app’s again), by code or key', async () => {
  const rooms = new Rooms(db, 8);
  const room = await rooms.create('default', { key: 'cli-room' });
  assert.deepEqual(await apps('room-retention', 'default', '--room', room.code, '--days', '7'), { room: room.code, retentionDays: 7 });
  assert.equal(await roomRetention(db, room), 7);
  assert.deepEqual(await apps('room-retention', 'default', '--key', 'cli-room', '--days', 'forever'), { room: room.code, retentionDays: 0 });
  assert.deepEqual(await apps('room-retention', 'default', '--key', 'cli-room', '--days', 'app'), { room: room.code, retentionDays: null });
  assert.equal(await roomRetention(db, room), null);
  await assert.rejects(apps('room-retention', 'default', '--room', 'NOSUCHROOM', '--days', '7'), /no such room/);
  await assert.rejects(apps('room-retention', 'default', '--room', room.code), /needs --days/);
  await assert.rejects(apps('room-retention', 'default', '--room', room.code, '--days', '40000'), /1 to 36500/);
  await assert.rejects(apps('room-retention', 'nope', '--room', room.code, '--days', '7'), /No app has the id/);
});

test('roomchat-server export writes the room’s log and says so; an unknown room is one clear line', async () => {
  const room = await new Rooms(db, 8).create('default', { key: 'exported' });
  await db('messages').insert([1, 2, 3].map((seq) => ({ room_id: room.id, seq, kind: 'text', author: 'A', text: `line ${seq}`, created_at: Date.now() })));
  const out = path.join(dataDir, 'export');
  const run = async (args: string[]) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, stdout, stderr };
  };
  const done = await run(['export', '--key', 'exported', '--out', out]);
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(JSON.parse(done.stdout), { room: room.code, out, entries: 3, images: 0 });
  const lines = (await readFile(path.join(out, 'messages.jsonl'), 'utf8')).trim().split('\n');
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { text: string }).text),
    ['line 1', 'line 2', 'line 3'],
  );
  const missing = await run(['export', '--room', 'NOSUCHROOM', '--out', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^roomchat-server: App default has no room with the code NOSUCHROOM\n$/);
});
