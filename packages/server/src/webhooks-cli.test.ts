import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { verify } from './signing.js';
import { connect, createStorage, eventually, startServer, type TestStorage } from './testing.js';

const CLI = new URL('./cli.js', import.meta.url).pathname;
const disposers: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const dispose of disposers.reverse()) await dispose();
});

/** Runs `roomchat-server webhooks ...` on `dataDir`; resolves with its exit code and output. */
async function cli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const child = spawn(process.execPath, [CLI, 'webhooks', ...args, '--data-dir', dataDir], { env: { ...process.env, ...env } });
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const [code] = await once(child, 'exit');
  return { code: code as number, out };
}

// Eight CLI processes, each starting Node and checking migrations: on a loaded machine over a minute.
test('`webhooks` adds an endpoint a running server delivers to, lists, disables, shows the log of and removes it', { timeout: 180_000 }, async () => {
  const storage: TestStorage = await createStorage('sqlite');
  disposers.push(() => storage.dispose());
  const dataDir = storage.options.dataDir!;
  const received: Array<{ raw: string; signature: string }> = [];
  const receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d));
    req.on('end', () => {
      received.push({ raw, signature: String(req.headers['roomchat-signature']) });
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  disposers.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;

  // The server runs while the CLI changes the database; appsCacheMs 0: it sees the change at once.
  const running = await startServer({ dataDir, appsCacheMs: 0, webhookPollMs: 20 });
  disposers.push(() => running.server.close());

  const added = await cli(dataDir, ['add', '--app', 'default', '--url', url, '--event', 'message.created']);
  assert.equal(added.code, 0, added.out);
  const endpoint = JSON.parse(added.out) as { id: string; secret: string; events: string[]; enabled: boolean; url: string };
  assert.deepEqual([endpoint.url, endpoint.events, endpoint.enabled], [url, ['message.created'], true]);

  const client = connect(running.url);
  disposers.push(() => client.close());
  const room = await client.createRoom({ name: 'Ops' });
  const sent = await room.send('configured from the shell');
  await eventually(() => received.some((r) => r.raw.includes(`"evt_${sent.id}"`)), 'the message at the endpoint');
  assert.ok(verify(endpoint.secret, received[0]!.raw, received[0]!.signature, Date.now()));

  const listed = JSON.parse((await cli(dataDir, ['list'])).out) as Array<{ id: string; secret?: string }>;
  assert.deepEqual(listed.map((e) => [e.id, e.secret]), [[endpoint.id, undefined]]);
  const disabled = JSON.parse((await cli(dataDir, ['disable', endpoint.id])).out) as { enabled: boolean };
  assert.equal(disabled.enabled, false);
  const log = JSON.parse((await cli(dataDir, ['deliveries', endpoint.id, '--limit', '5'])).out) as Array<{ eventId: string; outcome: string; status: number }>;
  assert.deepEqual(log.map((d) => [d.eventId, d.outcome, d.status]), [[`evt_${sent.id}`, 'delivered', 200]]);

  const refused = await cli(dataDir, ['add', '--app', 'default', '--url', 'http://127.0.0.1:9/x'], { ROOMCHAT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'off' });
  assert.equal(refused.code, 1);
  assert.match(refused.out, /private and loopback addresses are refused/);
  const noApp = await cli(dataDir, ['add', '--app', 'nope', '--url', url]);
  assert.deepEqual([noApp.code, /No app has the id "nope"/.test(noApp.out)], [1, true]);

  assert.equal((await cli(dataDir, ['remove', endpoint.id])).code, 0);
  const gone = await cli(dataDir, ['remove', endpoint.id]);
  assert.deepEqual([gone.code, /No webhook endpoint has the id/.test(gone.out)], [1, true]);
  assert.deepEqual(JSON.parse((await cli(dataDir, ['list'])).out), []);
});
