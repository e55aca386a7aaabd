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
