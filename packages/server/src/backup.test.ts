/**
 * `roomchat-server backup FILE` (issue #25): SQLite's online backup, taken by the CLI in another
 * process while the server goes on storing messages; on PostgreSQL it points to pg_dump.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { connect, needs, startServer } from './testing.js';

const CLI = new URL('./cli.js', import.meta.url).pathname;
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomchat-backup-'));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI to its end: exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, out, err };
}

test('backs up a SQLite database while the server stores messages: the copy is sound and holds a gap-free prefix of every room', async () => {
  const dataDir = await tempDir();
  const running = await startServer({ dataDir, messagesPerWindow: 100_000, messagesPerAddressPerWindow: 100_000 });
  const client = connect(running.url);
  try {
    const rooms = [await client.createRoom({ name: 'A' }), await client.createRoom({ name: 'B' })];
    for (let i = 0; i < 300; i++) await rooms[i % 2]!.send(`warm-up ${i}`);
    let writing = true;
    let sent = 0;
    const writer = (async () => {
      while (writing) {
        await Promise.all(rooms.map((r) => r.send(`during ${sent}`)));
        sent += 2;
      }
    })();
    const file = path.join(dataDir, 'copy.sqlite');
    const result = await cli(['backup', file, '--data-dir', dataDir]);
    writing = false;
    await writer;
    assert.equal(result.code, 0, result.err);
    const report = JSON.parse(result.out) as { file: string; pages: number; ms: number; integrity: string };
    assert.deepEqual([report.file, report.integrity], [file, 'ok']);
    assert.ok(sent > 0, 'messages were being stored while the backup ran');
    console.log(`backup: ${report.pages} pages in ${report.ms} ms while ${sent} messages were stored`);

    const copy = new Database(file, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const perRoom = copy.prepare('select room_id, count(*) as n, min(seq) as low, max(seq) as high from messages group by room_id').all() as Array<{
        n: number;
        low: number;
        high: number;
      }>;
      assert.equal(perRoom.length, 2);
      for (const room of perRoom) assert.deepEqual([room.low, room.n], [1, room.high], 'seqs 1..n with none missing: a consistent prefix');
      const copied = perRoom.reduce((n, r) => n + r.n, 0);
      const now = Number((await running.server.db('messages').count({ n: '*' }).first())!.n);
      assert.ok(copied >= 302 && copied <= now, `${copied} of ${now} entries`);
    } finally {
      copy.close();
    }

    const existing = await cli(['backup', file, '--data-dir', dataDir]);
    assert.equal(existing.code, 1);
    assert.match(existing.err, /exists already/);
  } finally {
    client.close();
    await running.server.close();
  }
});

test('refuses what it cannot do with one clear line: no file named, a missing database', async () => {
  const dataDir = await tempDir();
  const none = await cli(['backup', '--data-dir', dataDir]);
  assert.equal(none.code, 1);
  assert.match(none.err, /backup needs the file to write/);
  const missing = await cli(['backup', path.join(dataDir, 'copy.sqlite'), '--data-dir', path.join(dataDir, 'empty')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^roomchat-server: /);
});

test('on PostgreSQL it says to use pg_dump', needs('TEST_DATABASE_URL'), async () => {
  const result = await cli(['backup', '/tmp/never-written.sqlite'], { DATABASE_URL: process.env.TEST_DATABASE_URL });
  assert.equal(result.code, 1);
  assert.match(result.err, /pg_dump --format=custom/);
});
