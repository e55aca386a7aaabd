// The example against a real Roomchat server: registered through the API, it gets a message's
// event with a signature it verifies; a forged or replayed request is refused and not handled,
// and an event delivered twice is handled once. Run by the root `npm test` and `npm test` here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createChatServer, sign } from '@roomchat/server';
import { createReceiver, verified } from './receiver.js';

let dataDir;
let chat;
let chatUrl;
let receiver;
let receiverUrl;
let endpoint;
const handled = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomchat-webhook-receiver-'));
  chat = createChatServer({ dataDir, logLevel: 'silent', webhookPollMs: 20 });
  ({ url: chatUrl } = await chat.listen({ port: 0, host: '127.0.0.1' }));
  // The secret is only known once the endpoint exists: the receiver reads it when a request comes.
  receiver = createReceiver({ get secret() { return endpoint.secret; }, onEvent: (event) => handled.push(event) });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/roomchat-events`;
  const app = await chat.apps.get('default');
  const answer = await fetch(`${chatUrl}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Roomchat-Secret ${app.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl, events: ['message.created'] }),
  });
  ({ endpoint } = await answer.json());
});

after(async () => {
  receiver?.close();
  await chat?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('a message posted to a room reaches the receiver, which verifies its signature', async () => {
  const { room } = await (await fetch(`${chatUrl}/v1/rooms`, { method: 'POST' })).json();
  const posted = await fetch(`${chatUrl}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', text: 'hello, backend' }) });
  const { message } = await posted.json();
  for (let i = 0; i < 250 && !handled.some((e) => e.id === `evt_${message.id}`); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const event = handled.find((e) => e.id === `evt_${message.id}`);
  assert.ok(event, 'the event was handled');
  assert.deepEqual([event.type, event.room.code, event.data.text], ['message.created', room.code, 'hello, backend']);
});

test('a forged, tampered or replayed request is refused; a repeat is acknowledged and handled once', async () => {
  const body = JSON.stringify({ id: 'evt_test_1', type: 'ping', createdAt: new Date().toISOString(), appId: 'default', room: null, data: {} });
  const send = (signature, raw = body) => fetch(receiverUrl, { method: 'POST', headers: { 'roomchat-signature': signature }, body: raw });
  const before = handled.length;
  assert.equal((await send(sign('whsec_wrong', body, Date.now()))).status, 400);
  assert.equal((await send(sign(endpoint.secret, body, Date.now()), body.replace('ping', 'pong'))).status, 400);
  assert.equal((await send(sign(endpoint.secret, body, Date.now() - 10 * 60_000))).status, 400);
  assert.equal((await send('t=1,v1=zz')).status, 400);
  assert.equal(handled.length, before);
  assert.equal((await send(sign(endpoint.secret, body, Date.now()))).status, 204);
  assert.equal((await send(sign(endpoint.secret, body, Date.now()))).status, 204);
  assert.equal(handled.length, before + 1);
  // The example's verification and the server's agree.
  assert.ok(verified(endpoint.secret, body, sign(endpoint.secret, body, Date.now())));
});
