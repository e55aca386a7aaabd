/**
 * The pre-publish hook (issue #23, per app), against a real HTTP receiver on 127.0.0.1: allow,
 * deny, replace, a timeout and a dead hook (failing open and closed), garbage answers, the
 * signature as a receiver checks it, edits through the hook, one room's order kept while the hook
 * answers out of order, and a stalled hook of one app that does not hold up another app.
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode, type ChatMessage } from '@roomchat/protocol';
import type { ChatClient, ChatError } from '@roomchat/sdk';
import type { App } from '../auth/apps.js';
import { SIGNATURE_HEADER, verify } from '../signing.js';
import { connect, createStorage, engines, freePort, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from '../testing.js';
import type { HookRequest } from './hook.js';

/** A request the hook received, with the answer still to give. */
interface Received {
  body: string;
  json: HookRequest;
  signature: string | undefined;
  answer(status: number, body: string | object): void;
}

/** A site's hook receiver: each request is emitted as `request`, answered by `respond` (or by the test, later). */
class HookReceiver {
  readonly events = new EventEmitter();
  readonly received: Received[] = [];
  respond: ((r: Received) => void) | undefined = (r) => r.answer(200, { action: 'allow' });
  readonly #server: Server = createServer((req, res) => void this.#take(req, res));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async #take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const received: Received = {
      body,
      json: JSON.parse(body) as HookRequest,
      signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
      answer: (status, answer) => {
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
      },
    };
    this.received.push(received);
    this.events.emit('request', received);
    this.respond?.(received);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

for (const engine of engines()) {
  describe(`the pre-publish hook on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let hook: HookReceiver;
    const clients: ChatClient[] = [];

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0, hookTimeoutMaxMs: 60_000, messagesPerWindow: 1000, messagesPerAddressPerWindow: 1000 });
      hook = await new HookReceiver().start();
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await hook.close();
      await storage.dispose();
    });

    // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, each asserted field by field.
    type Answer = { status: number; body: any };
    const call = async (app: App, method: string, path: string, body?: unknown, authorization = `${APP_SECRET_SCHEME} ${app.secret}`): Promise<Answer> => {
      const headers: Record<string, string> = { [APP_HEADER]: app.id, authorization };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${running.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: await res.json() };
    };
    /** A new app whose hook is `url` (the receiver's by default), with a room, and a signed-in user's token. */
    const appWithHook = async (settings: Record<string, unknown> = {}) => {
      const app = await running.server.apps.create(`App ${Math.random()}`, ['https://shop.example']);
      const patched = await call(app, 'PATCH', '/v1/app/settings', { hookUrl: hook.url, ...settings });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const room = await call(app, 'POST', '/v1/rooms');
      return { app, code: room.body.room.code as string, secret: patched.body.settings.hookSecret as string, token: await signFor(app, 'u1', 'Ann') };
    };
    const post = (app: App, code: string, token: string, text: string) => call(app, 'POST', `/v1/rooms/${code}/messages`, { name: 'Ann', text }, `Bearer ${token}`);
    const texts = async (app: App, code: string) =>
      ((await call(app, 'GET', `/v1/rooms/${code}/messages`)).body.messages as ChatMessage[]).filter((m) => m.kind === 'text').map((m) => m.text);

    test('allow: the message is stored as sent; the hook got it signed, with the room, the author and the text', async () => {
      hook.respond = (r) => r.answer(200, { action: 'allow' });
      const { app, code, secret, token } = await appWithHook();
      assert.match(secret, /^hooksec_/);
      const sent = await post(app, code, token, 'hello there');
      assert.equal(sent.status, 201);
      assert.equal(sent.body.message.text, 'hello there');
      const r = hook.received.at(-1)!;
      assert.deepEqual(r.json, { type: 'message', app: app.id, room: { code }, author: { id: sent.body.message.authorId, name: 'Ann', verified: true }, text: 'hello there' });
      assert.ok(verify(secret, r.body, r.signature, Date.now()), 'the receiver verifies the signature with the hook secret');
      assert.ok(!verify(app.secret, r.body, r.signature, Date.now()), 'not with the app secret');
      assert.ok(!verify(secret, r.body.replace('hello', 'HELLO'), r.signature, Date.now()), 'not a changed body');
      assert.ok(!verify(secret, r.body, r.signature, Date.now() + 10 * 60_000), 'not a replay ten minutes later');
      assert.deepEqual(await texts(app, code), ['hello there']);
    });

    test('deny: MESSAGE_BLOCKED with the hook’s reason, and nothing is stored', async () => {
      hook.respond = (r) => r.answer(200, r.json.text.includes('spoiler') ? { action: 'deny', reason: 'No spoilers before Friday' } : { action: 'allow' });
      const { app, code, token } = await appWithHook();
      const denied = await post(app, code, token, 'a spoiler: he was dead all along');
      assert.equal(denied.status, 403);
      assert.deepEqual(denied.body.error, { code: ErrorCode.MESSAGE_BLOCKED, message: 'No spoilers before Friday' });
      assert.equal((await post(app, code, token, 'fine words')).status, 201);
      assert.deepEqual(await texts(app, code), ['fine words']);
    });

    test('replace: the hook’s text is stored and broadcast in place of the sent one', async () => {
      hook.respond = (r) => r.answer(200, { action: 'replace', text: r.json.text.replace(/\d{4} \d{4} \d{4} \d{4}/, '[card number removed]') });
      const { app, code, token } = await appWithHook();
      const watcher = connect(running.url, { app: app.id, token: await signFor(app, 'u2', 'Bob'), socket: { extraHeaders: { origin: 'https://shop.example' } } });
      clients.push(watcher);
      const room = await watcher.joinRoom(code);
      const seen = new Promise<ChatMessage>((resolve) => room.on('message', resolve));
      const sent = await post(app, code, token, 'my card is 4111 1111 1111 1111');
      assert.equal(sent.body.message.text, 'my card is [card number removed]');
      assert.equal((await seen).text, 'my card is [card number removed]');
      assert.deepEqual(await texts(app, code), ['my card is [card number removed]']);
    });

    test('an edit goes through the hook too (type edit, with the message id): allowed, replaced or denied', async () => {
      hook.respond = (r) => {
        if (r.json.type !== 'edit') return r.answer(200, { action: 'allow' });
        if (r.json.text.includes('spoiler')) return r.answer(200, { action: 'deny', reason: 'No spoilers' });
        r.answer(200, { action: 'replace', text: r.json.text.toUpperCase() });
      };
      const { app, code } = await appWithHook();
      const client = connect(running.url, { app: app.id, token: await signFor(app, 'u3', 'Cy'), socket: { extraHeaders: { origin: 'https://shop.example' } } });
      clients.push(client);
      const room = await client.joinRoom(code);
      const message = await room.send('first draft');
      const edited = await room.edit(message.id, 'second draft');
      assert.equal(edited.text, 'SECOND DRAFT');
      const edit = hook.received.at(-1)!.json;
      assert.deepEqual([edit.type, edit.messageId, edit.text], ['edit', message.id, 'second draft']);
      await assert.rejects(room.edit(message.id, 'a spoiler'), (err: ChatError) => err.code === ErrorCode.MESSAGE_BLOCKED && err.message === 'No spoilers');
      assert.deepEqual(await texts(app, code), ['SECOND DRAFT']);
    });

    test('a hook that does not answer in time: fail open stores the message, fail closed refuses it (UNAVAILABLE)', async () => {
      hook.respond = undefined; // never answers
      const open = await appWithHook({ hookTimeoutMs: 100, hookFailMode: 'open' });
      assert.equal((await post(open.app, open.code, open.token, 'waited for nothing')).status, 201);
      const closed = await appWithHook({ hookTimeoutMs: 100, hookFailMode: 'closed' });
      const refused = await post(closed.app, closed.code, closed.token, 'waited for nothing');
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, ErrorCode.UNAVAILABLE);
      assert.deepEqual(await texts(open.app, open.code), ['waited for nothing']);
      assert.deepEqual(await texts(closed.app, closed.code), []);
    });

    test('a hook that is down (connection refused): fail open stores, fail closed refuses', async () => {
      const dead = `http://127.0.0.1:${await freePort()}/hook`;
      const open = await appWithHook({ hookUrl: dead, hookFailMode: 'open' });
      assert.equal((await post(open.app, open.code, open.token, 'anyone there?')).status, 201);
      const closed = await appWithHook({ hookUrl: dead, hookFailMode: 'closed' });
      assert.equal((await post(closed.app, closed.code, closed.token, 'anyone there?')).status, 503);
      assert.deepEqual(await texts(closed.app, closed.code), []);
    });

    test('garbage answers count as a failure: not JSON, an unknown action, HTTP 500, an empty or oversized replacement, a redirect', async () => {
      const answers: Array<[number, string | object]> = [
        [200, 'not json'],
        [200, { action: 'maybe' }],
        [200, { action: 'deny', reason: 'x'.repeat(501) }],
        [500, { action: 'allow' }],
        [200, { action: 'replace', text: '   ' }],
        [200, { action: 'replace', text: 'x'.repeat(5000) }],
        [200, { action: 'replace', text: 'bell\u0007' }],
        [200, { action: 'replace', text: 'x'.repeat(70_000) }],
        [302, {}],
      ];
      const closed = await appWithHook({ hookFailMode: 'closed' });
      const open = await appWithHook({ hookFailMode: 'open' });
      for (const [status, body] of answers) {
        hook.respond = (r) => r.answer(status, body);
        const what = `HTTP ${status} ${JSON.stringify(body).slice(0, 40)}`;
        assert.equal((await post(closed.app, closed.code, closed.token, 'judge me')).status, 503, what);
        const passed = await post(open.app, open.code, open.token, 'judge me');
        assert.equal(passed.status, 201, what);
        assert.equal(passed.body.message.text, 'judge me', what);
      }
      assert.deepEqual(await texts(closed.app, closed.code), []);
    });

    test('the filters run first: a blocked word is refused without calling the hook; a masked text reaches the hook masked', async () => {
      hook.respond = (r) => r.answer(200, { action: 'allow' });
      const blocking = await appWithHook({ blockedWords: ['darn'] });
      const before = hook.received.length;
      assert.equal((await post(blocking.app, blocking.code, blocking.token, 'darn it')).body.error.code, ErrorCode.MESSAGE_BLOCKED);
      assert.equal(hook.received.length, before);
      const masking = await appWithHook({ blockedWords: ['darn'], wordAction: 'mask' });
      assert.equal((await post(masking.app, masking.code, masking.token, 'darn it')).body.message.text, '**** it');
      assert.equal(hook.received.at(-1)!.json.text, '**** it');
    });

    test('one room keeps its order when the hook answers out of order', async () => {
      const { app, code, token } = await appWithHook();
      const held: Received[] = [];
      hook.respond = (r) => {
        held.push(r);
        // Answer the second first, then the first.
        if (held.length === 2) {
          held[1]!.answer(200, { action: 'allow' });
          setImmediate(() => held[0]!.answer(200, { action: 'allow' }));
        }
      };
      const first = post(app, code, token, 'one');
      await once(hook.events, 'request');
      const second = post(app, code, await signFor(app, 'u9', 'Dee'), 'two');
      const [a, b] = await Promise.all([first, second]);
      assert.ok(a.body.message.seq < b.body.message.seq, 'stored in the order they arrived');
      assert.deepEqual(await texts(app, code), ['one', 'two']);
    });

    test('a stalled hook of one app does not hold up another app’s messages, nor its other rooms’ commits', async () => {
      const stalled = await appWithHook({ hookTimeoutMs: 30_000 });
      const quick = await appWithHook();
      const waiting: Received[] = [];
      hook.respond = (r) => (r.json.app === stalled.app.id ? waiting.push(r) : r.answer(200, { action: 'allow' }));
      let stalledDone = false;
      const stalledSends = Array.from({ length: 12 }, (_, i) =>
        post(stalled.app, stalled.code, stalled.token, `stuck ${i}`).then((answer) => {
          stalledDone = true;
          return answer;
        }),
      );
      // Past its lane (hookConcurrency 8): the first 8 reach the hook and wait there, the rest queue.
      while (waiting.length < 8) await once(hook.events, 'request');
      for (let i = 0; i < 3; i++) {
        const sent = await post(quick.app, quick.code, quick.token, `quick ${i}`);
        assert.equal(sent.status, 201);
      }
      assert.equal(stalledDone, false, 'the stalled app’s messages still wait for their hook');
      assert.equal(waiting.length, 8, 'no more than hookConcurrency calls in flight for one app');
      hook.respond = (r) => r.answer(200, { action: 'allow' });
      for (const r of waiting) r.answer(200, { action: 'allow' });
      const answers = await Promise.all(stalledSends);
      assert.deepEqual(answers.map((a) => a.status), Array(12).fill(201));
      assert.deepEqual(await texts(quick.app, quick.code), ['quick 0', 'quick 1', 'quick 2']);
    });

    test('the app’s messages past hookQueueMax get the fail mode at once, without a call', async () => {
      const small = await startServer({ ...storage.options, appsCacheMs: 0, hookConcurrency: 1, hookQueueMax: 1, messagesPerWindow: 1000 });
      try {
        const app = await small.server.apps.create('Queue', ['https://shop.example']);
        const secret = `${APP_SECRET_SCHEME} ${app.secret}`;
        const headers = { [APP_HEADER]: app.id, authorization: secret, 'content-type': 'application/json' };
        await fetch(`${small.url}/v1/app/settings`, { method: 'PATCH', headers, body: JSON.stringify({ hookUrl: hook.url, hookFailMode: 'closed' }) });
        const code = ((await (await fetch(`${small.url}/v1/rooms`, { method: 'POST', headers })).json()) as { room: { code: string } }).room.code;
        const waiting: Received[] = [];
        hook.respond = (r) => waiting.push(r);
        const token = await signFor(app, 'q1');
        const send = (text: string) =>
          fetch(`${small.url}/v1/rooms/${code}/messages`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'Q', text }) });
        const first = send('first');
        await once(hook.events, 'request');
        const second = await send('second');
        assert.equal(second.status, 503, 'refused at once: the queue is full');
        assert.equal(waiting.length, 1);
        waiting[0]!.answer(200, { action: 'allow' });
        assert.equal((await first).status, 201);
      } finally {
        hook.respond = (r) => r.answer(200, { action: 'allow' });
        await small.server.close();
      }
    });

    test('the app’s own backend (bot posts with the app secret) is not sent to its hook', async () => {
      hook.respond = (r) => r.answer(200, { action: 'deny' });
      const { app, code } = await appWithHook();
      const before = hook.received.length;
      const bot = await call(app, 'POST', `/v1/rooms/${code}/messages`, { name: 'Shop bot', text: 'Order shipped' });
      assert.equal(bot.status, 201);
      assert.equal(hook.received.length, before);
    });
  });
}
