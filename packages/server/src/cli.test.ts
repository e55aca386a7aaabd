import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { envName, settingsFromEnv } from './config.js';
import { SQLITE_FILE_NAME } from './db.js';
import { NO_MODERATION } from './moderation/settings.js';
import { eventually, startServer } from './testing.js';
import { APP_HEADER, ErrorCode } from '@roomchat/protocol';

const CLI = new URL('./cli.js', import.meta.url).pathname;
const dirs: string[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roomchat-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI and collects its output lines. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env } });
  children.push(child); // killed after the tests, whatever happened
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  return { child, output: () => output };
}

async function waitForUrl(output: () => string): Promise<string> {
  // Generous: a loaded CI machine can take seconds to start a process.
  for (let i = 0; i < 1200; i++) {
    const match = /"url":"(http:\/\/[^"]+)"/.exec(output());
    if (match) return match[1]!;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server did not start:\n${output()}`);
}

test('the better-sqlite3 native module is built (its install script must be approved in package.json)', () => {
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => { pragma(s: string, o: { simple: true }): unknown; close(): void };
  const db = new Database(':memory:');
  try {
    assert.match(String(db.pragma('compile_options', { simple: true })), /\w/);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'memory');
  } finally {
    db.close();
  }
});

test('--help prints the usage and exits 0', async () => {
  const { child, output } = run(['--help']);
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.match(output(), /Usage: roomchat-server/);
  assert.match(output(), /--data-dir/);
});

test('the CLI starts on the SQLite default in --data-dir, serves health, and shuts down cleanly on SIGTERM', async () => {
  const dataDir = await tempDir();
  const { child, output } = run(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]);
  const url = await waitForUrl(output);
  const health = await fetch(`${url}/healthz`);
  assert.deepEqual(await health.json(), { status: 'ok', database: 'ok' });
  assert.ok((await stat(path.join(dataDir, SQLITE_FILE_NAME))).size > 0, 'the database file was created');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, output());
  assert.match(output(), /shutting down/);
});

test('`migrate` brings a new database up to date and is idempotent', async () => {
  const dataDir = await tempDir();
  const first = run(['migrate', '--data-dir', dataDir]);
  assert.equal((await once(first.child, 'exit'))[0], 0, first.output());
  assert.match(first.output(), /Applied: 20261125000000_initial/);
  const second = run(['migrate', '--data-dir', dataDir]);
  assert.equal((await once(second.child, 'exit'))[0], 0);
  assert.match(second.output(), /Already up to date/);
});

test('bad settings stop the CLI with a message naming the setting', async () => {
  const { child, output } = run(['--port', '0'], { ROOMCHAT_MESSAGE_MAX_LENGTH: 'lots' });
  assert.equal((await once(child, 'exit'))[0], 1);
  assert.match(output(), /ROOMCHAT_MESSAGE_MAX_LENGTH must be a non-negative number/);
});

test('every setting can be given as a ROOMCHAT_* variable, typed after its default', () => {
  assert.equal(envName('messageMaxLength'), 'ROOMCHAT_MESSAGE_MAX_LENGTH');
  assert.deepEqual(
    settingsFromEnv({ ROOMCHAT_MESSAGE_MAX_LENGTH: '2000', ROOMCHAT_CORS_ORIGINS: 'https://a.example, https://b.example', ROOMCHAT_TRUST_PROXY: '1' }),
    { messageMaxLength: 2000, corsOrigins: ['https://a.example', 'https://b.example'], trustProxy: 1 },
  );
});

test('`apps` creates, lists, updates, rotates the secret of and deletes apps on the configured database, printing JSON', async () => {
  const dataDir = await tempDir();
  const cli = async (...args: string[]) => {
    const { child, output } = run(['apps', ...args, '--data-dir', dataDir]);
    const [code] = await once(child, 'exit');
    return { code: code as number, out: output() };
  };
  const created = await cli('create', '--name', 'Shop', '--origin', 'https://shop.example', '--origin', 'https://www.shop.example');
  assert.equal(created.code, 0, created.out);
  const app = JSON.parse(created.out) as { id: string; secret: string; origins: string[]; settings: Record<string, unknown> };
  assert.match(app.secret, /^[\w-]{43}$/, 'a 256-bit secret, usable as an HS256 key');
  assert.deepEqual(app.origins, ['https://shop.example', 'https://www.shop.example']);
  assert.deepEqual(app.settings, { guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: false, reportsToHide: 3, ...NO_MODERATION });

  const listed = JSON.parse((await cli('list')).out) as Array<{ id: string; secret?: string }>;
  assert.deepEqual(listed.map((a) => a.id), ['default', app.id], 'the default app is there from the start');
  assert.ok(listed.every((a) => a.secret === undefined), 'a listing shows no secret');

  const updated = await cli('update', app.id, '--guests', 'off', '--room-creation', 'verified', '--reports-to-hide', '5', '--origin', 'https://new.example', '--jwks-url', 'https://shop.example/jwks.json');
  assert.equal(updated.code, 0, updated.out);
  assert.deepEqual(JSON.parse(updated.out), {
    id: app.id,
    name: 'Shop',
    origins: ['https://new.example'],
    jwksUrl: 'https://shop.example/jwks.json',
    settings: { guestsAllowed: false, roomCreation: 'verified', anonymousRestPosting: false, reportsToHide: 5, ...NO_MODERATION },
    createdAt: (JSON.parse(created.out) as { createdAt: string }).createdAt,
  });

  const rotated = JSON.parse((await cli('rotate-secret', app.id)).out) as { secret: string };
  assert.notEqual(rotated.secret, app.secret);

  const bad = await cli('create', '--name', 'Typo', '--origin', 'https://shop.example/');
  assert.equal(bad.code, 1);
  assert.match(bad.out, /Not an origin: "https:\/\/shop.example\/"/);
  const keep = await cli('delete', 'default');
  assert.equal(keep.code, 1);
  assert.match(keep.out, /default app cannot be deleted/);
  assert.equal((await cli('delete', app.id)).code, 0);
  assert.deepEqual((JSON.parse((await cli('list')).out) as Array<{ id: string }>).map((a) => a.id), ['default']);
});

test('`apps update` from another process reaches a running server on the same SQLite file within appsCacheMs', async () => {
  const dataDir = await tempDir();
  const appsCacheMs = 300;
  const running = await startServer({ dataDir, appsCacheMs });
  try {
    const app = await running.server.apps.create('Shop', ['https://shop.example']);
    const room = await running.server.chat.createRoom('127.0.0.1', app.id);
    const guestRead = async () => (await fetch(`${running.url}/v1/rooms/${room.code}`, { headers: { [APP_HEADER]: app.id } })).status;
    assert.equal(await guestRead(), 200, 'guests are allowed at first');

    const { child, output } = run(['apps', 'update', app.id, '--guests', 'off', '--data-dir', dataDir]);
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output());
    const updatedAt = Date.now();
    // The server read the app before the update and keeps it up to appsCacheMs: the effect comes within it.
    await eventually(async () => (await guestRead()) === 401, 'the running server to refuse guests', appsCacheMs + 2000);
    const took = Date.now() - updatedAt;
    assert.ok(took <= appsCacheMs + 1000, `took ${took} ms, more than appsCacheMs (${appsCacheMs} ms) and a margin`);
    const refused = (await (await fetch(`${running.url}/v1/rooms/${room.code}`, { headers: { [APP_HEADER]: app.id } })).json()) as { error: { code: string } };
    assert.equal(refused.error.code, ErrorCode.AUTH_REQUIRED);
  } finally {
    await running.server.close();
  }
});
