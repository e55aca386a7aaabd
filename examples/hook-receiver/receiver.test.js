// The example against a real Roomchat server: the app's hook is this receiver, which verifies
// the server's signature and denies, rewrites or allows what members send. Run by the root
// `npm test` (scripts/test.mjs) and `npm test` here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createChatServer } from '@roomchat/server';
import { createReceiver } from './receiver.mjs';

let dataDir;
let chat;
let chatUrl;
let receiver;
let app;
let code;

const asApp = (method, path, body) =>
  fetch(`${chatUrl}${path}`, {
    method,
    headers: { 'roomchat-app': app.id, authorization: `Roomchat-Secret ${app.secret}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((res) => res.json());

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomchat-hook-receiver-'));
  chat = createChatServer({ dataDir, logLevel: 'silent', appsCacheMs: 0 });
  ({ url: chatUrl } = await chat.listen({ port: 0, host: '127.0.0.1' }));
  app = await chat.apps.create('Hook receiver test', ['http://127.0.0.1']);
  await chat.apps.update(app.id, { settings: { anonymousRestPosting: true } });
  // The hook's URL is set first with a placeholder, to learn the secret the receiver needs.
  const { settings } = await asApp('PATCH', '/v1/app/settings', { hookUrl: 'http://127.0.0.1:1/', hookFailMode: 'closed' });
  receiver = createReceiver(settings.hookSecret);
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await asApp('PATCH', '/v1/app/settings', { hookUrl: `http://127.0.0.1:${receiver.address().port}/` });
  ({ room: { code } } = await asApp('POST', '/v1/rooms'));
});

after(async () => {
  receiver?.close();
  await chat?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const post = (text) =>
  fetch(`${chatUrl}/v1/rooms/${code}/messages`, { method: 'POST', headers: { 'roomchat-app': app.id, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ann', text }) }).then(async (res) => ({ status: res.status, body: await res.json() }));

test('the receiver verifies the signature and allows, denies or rewrites what members send', async () => {
  assert.equal((await post('hello')).body.message.text, 'hello');
  const denied = await post('spoiler: the butler did it');
  assert.deepEqual([denied.status, denied.body.error.code, denied.body.error.message], [403, 'MESSAGE_BLOCKED', 'No spoilers before Friday']);
  assert.equal((await post('my card 4111 1111 1111 1111 ok')).body.message.text, 'my card [card number removed] ok');
});

test('with another secret the receiver refuses the call (401), and the app, failing closed, refuses the message', async () => {
  await asApp('PATCH', '/v1/app/settings', { rotateHookSecret: true });
  const refused = await post('hello again');
  assert.deepEqual([refused.status, refused.body.error.code], [503, 'UNAVAILABLE']);
});
