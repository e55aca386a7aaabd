/**
 * An app's filters through a real server (issue #23, per app): set with the app secret
 * (GET/PATCH /v1/app/settings) or the CLI (`apps update`), applied to what members send and edit
 * over a socket and REST: blocked and masked words, the link policy for guests and signed-in
 * members, the mention cap; hostile settings refused with a clear error. The rules as functions:
 * filters.test.ts; the hook: hook.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import sharp from 'sharp';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode, type ChatMessage } from '@roomchat/protocol';
import type { ChatClient, ChatError } from '@roomchat/sdk';
import { appsCommand } from '../apps-cli.js';
import type { App } from '../auth/apps.js';
import { connect, createStorage, engines, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from '../testing.js';

const SHOP = 'https://shop.example';

for (const engine of engines()) {
  describe(`an app's filters on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    const clients: ChatClient[] = [];

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0, messagesPerWindow: 1000, messagesPerAddressPerWindow: 1000 });
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, each asserted field by field.
    type Answer = { status: number; body: any };
    const call = async (app: App, method: string, urlPath: string, body?: unknown, authorization = `${APP_SECRET_SCHEME} ${app.secret}`): Promise<Answer> => {
      const headers: Record<string, string> = { [APP_HEADER]: app.id, authorization };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${running.url}${urlPath}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: await res.json() };
    };
    /** A new app with `settings`, guests allowed, and a room. */
    const appWith = async (settings: Record<string, unknown>) => {
      const app = await running.server.apps.create(`App ${Math.random()}`, [SHOP]);
      const patched = await call(app, 'PATCH', '/v1/app/settings', settings);
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const room = await call(app, 'POST', '/v1/rooms');
      return { app, code: room.body.room.code as string };
    };
    const guest = async (app: App, code: string, name: string) => {
      const c = connect(running.url, { app: app.id, socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c.joinRoom(code, { name });
    };
    const user = async (app: App, code: string, sub: string, name: string) => {
      const c = connect(running.url, { app: app.id, token: await signFor(app, sub, name), socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c.joinRoom(code);
    };
    const blocked = (pattern: RegExp) => (err: ChatError) => err.code === ErrorCode.MESSAGE_BLOCKED && pattern.test(err.message);
    const texts = async (app: App, code: string) =>
      ((await call(app, 'GET', `/v1/rooms/${code}/messages`)).body.messages as ChatMessage[]).filter((m) => m.kind === 'text').map((m) => m.text);

    test('a blocked word refuses the message (MESSAGE_BLOCKED) over a socket and REST; nothing is stored or broadcast', async () => {
      const { app, code } = await appWith({ blockedWords: ['Darn', 'heck'] });
      const ann = await guest(app, code, 'Ann');
      const bob = await guest(app, code, 'Bob');
      const seen: string[] = [];
      bob.on('message', (m) => seen.push(m.text ?? ''));
      await assert.rejects(ann.send('oh DARN it'), blocked(/word this chat does not allow/));
      await assert.rejects(ann.send('what the h.e.c.k'), blocked(/word/));
      const rest = await call(app, 'POST', `/v1/rooms/${code}/messages`, { name: 'Ann', text: 'ｄａｒｎ' }, `Bearer ${await signFor(app, 'r1')}`);
      assert.equal(rest.status, 403);
      assert.equal(rest.body.error.code, ErrorCode.MESSAGE_BLOCKED);
      await ann.send('darning socks is fine');
      assert.deepEqual(await texts(app, code), ['darning socks is fine']);
      assert.deepEqual(seen, ['darning socks is fine'], 'only the message that passed was broadcast');
    });

    test('a masked word is stored and broadcast as asterisks', async () => {
      const { app, code } = await appWith({ blockedWords: ['darn'], wordAction: 'mask' });
      const ann = await guest(app, code, 'Ann');
      const bob = await guest(app, code, 'Bob');
      const seen = new Promise<ChatMessage>((resolve) => bob.on('message', resolve));
      const sent = await ann.send('Darn, d.a.r.n and darning');
      assert.equal(sent.text, '****, ******* and darning');
      assert.equal((await seen).text, '****, ******* and darning');
      assert.deepEqual(await texts(app, code), ['****, ******* and darning']);
    });

    test('a masked message marks only the members its stored text still names', async () => {
      const { app, code } = await appWith({ blockedWords: ['darn', 'bob'], wordAction: 'mask' });
      const ann = await guest(app, code, 'Ann');
      await guest(app, code, 'Bob');
      const cy = await guest(app, code, 'Cy');
      const both = await ann.send('@Bob @Cy darn it');
      assert.equal(both.text, '@*** @Cy **** it');
      assert.deepEqual(both.mentions, [cy.self.id], 'Bob is no longer named');
      const none = await ann.send('@Bob, darn');
      assert.equal(none.text, '@***, ****');
      assert.equal(none.mentions, undefined, 'no one left to mark');
      const unmasked = await ann.send('@Cy @Ann hello');
      assert.deepEqual(new Set(unmasked.mentions), new Set([cy.self.id, ann.self.id]), 'a text the filter left alone keeps its mentions');
    });

    test('an image has no text to filter: it is stored where the filters apply', async () => {
      const { app, code } = await appWith({ blockedWords: ['darn'], wordAction: 'mask', linkPolicy: 'deny', mentionsMax: 1 });
      const ann = await guest(app, code, 'Ann');
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#22aa44' } }).png().toBuffer();
      const picture = await ann.sendImage(new Blob([new Uint8Array(png)], { type: 'image/png' }));
      assert.deepEqual([picture.kind, picture.text], ['image', undefined]);
    });

    test('an edit passes the same filters: a blocked word refuses it, a masked one is masked', async () => {
      const blocking = await appWith({ blockedWords: ['darn'] });
      const ann = await guest(blocking.app, blocking.code, 'Ann');
      const message = await ann.send('all good');
      await assert.rejects(ann.edit(message.id, 'all darn good'), blocked(/word/));
      assert.deepEqual(await texts(blocking.app, blocking.code), ['all good']);
      const masking = await appWith({ blockedWords: ['darn'], wordAction: 'mask' });
      const bob = await guest(masking.app, masking.code, 'Bob');
      const second = await bob.send('all good');
      assert.equal((await bob.edit(second.id, 'all darn good')).text, 'all **** good');
    });

    test('link policy deny: nobody posts links, signed-in or not', async () => {
      const { app, code } = await appWith({ linkPolicy: 'deny' });
      const visitor = await guest(app, code, 'Ann');
      const member = await user(app, code, 'u1', 'Una');
      await assert.rejects(visitor.send('see https://spam.example'), blocked(/Links are not allowed/));
      await assert.rejects(member.send('see shop.com/deal'), blocked(/Links are not allowed/));
      await member.send('no link here.');
    });

    test('link policy verified: a signed-in member posts links, a guest may not (socket and REST)', async () => {
      const { app, code } = await appWith({ linkPolicy: 'verified', anonymousRestPosting: undefined });
      const visitor = await guest(app, code, 'Ann');
      const member = await user(app, code, 'u2', 'Una');
      await assert.rejects(visitor.send('see https://spam.example'), blocked(/signed-in members/));
      assert.equal((await member.send('see https://shop.example/deal')).text, 'see https://shop.example/deal');
      const rest = await call(app, 'POST', `/v1/rooms/${code}/messages`, { name: 'x', text: 'www.shop.com' }, `Bearer ${await signFor(app, 'u3')}`);
      assert.equal(rest.status, 201, 'a token’s user over REST is verified too');
      const message = await visitor.send('plain words');
      await assert.rejects(visitor.edit(message.id, 'now with http://spam.example'), blocked(/signed-in members/), 'an edit cannot add a link either');
    });

    test('link policy allow (the default): anyone posts links', async () => {
      const { app, code } = await appWith({});
      const visitor = await guest(app, code, 'Ann');
      assert.equal((await visitor.send('see https://example.com')).text, 'see https://example.com');
    });

    test('the mention cap refuses a message (or edit) that mentions more present members than it allows', async () => {
      const { app, code } = await appWith({ mentionsMax: 2 });
      const ann = await guest(app, code, 'Ann');
      await guest(app, code, 'Bob');
      await guest(app, code, 'Cy');
      await guest(app, code, 'Dee');
      await assert.rejects(ann.send('@Bob @Cy @Dee lunch?'), blocked(/at most 2 members/));
      const ok = await ann.send('@Bob @Cy lunch? @nobody');
      assert.equal(ok.mentions?.length, 2);
      await assert.rejects(ann.edit(ok.id, '@Bob @Cy @Dee lunch?'), blocked(/at most 2 members/));
      // Under a cap, texts that mention no one pass: a plain one, and a reply.
      const plain = await ann.send('lunch at one?');
      assert.equal((await ann.send('or two', { replyTo: plain.id })).replyTo?.id, plain.id);
    });

    test('the app’s own backend is not filtered: its bot posts what it posts', async () => {
      const { app, code } = await appWith({ blockedWords: ['darn'], linkPolicy: 'deny' });
      const bot = await call(app, 'POST', `/v1/rooms/${code}/messages`, { name: 'Shop bot', text: 'Darn, see https://shop.example' });
      assert.equal(bot.status, 201);
    });

    test('GET /v1/app/settings shows the settings (with the hook secret) to the app secret only; PATCH refuses hostile settings with a clear error', async () => {
      const { app } = await appWith({ blockedWords: ['ｄａｒｎ', 'DARN', 'heck'], hookUrl: 'https://shop.example/hook' });
      const got = await call(app, 'GET', '/v1/app/settings');
      assert.deepEqual(got.body.settings.blockedWords, ['darn', 'heck'], 'normalised, once each');
      assert.match(got.body.settings.hookSecret, /^hooksec_/);
      assert.equal(got.body.settings.hookTimeoutMs, 2000);
      assert.equal(got.body.settings.hookFailMode, 'open');
      const asUser = await call(app, 'GET', '/v1/app/settings', undefined, `Bearer ${await signFor(app, 'u1')}`);
      assert.equal(asUser.status, 403);
      const rotated = await call(app, 'PATCH', '/v1/app/settings', { rotateHookSecret: true });
      assert.notEqual(rotated.body.settings.hookSecret, got.body.settings.hookSecret);

      const refusals: Array<[unknown, RegExp]> = [
        [{ blockedWords: Array.from({ length: 1001 }, (_, i) => `w${i}`) }, /At most 1000 blocked words \(filterWordsMax\)/],
        [{ blockedWords: ['x'.repeat(51)] }, /filterWordMaxLength/],
        [{ blockedWords: ['two words'] }, /one word/],
        [{ blockedWords: 'darn' }, /blockedWords/],
        [{ linkPolicy: 'sometimes' }, /linkPolicy/],
        [{ hookUrl: 'javascript:alert(1)' }, /http or https/],
        [{ hookTimeoutMs: 60_000 }, /hookTimeoutMaxMs/],
        [{ guestsAllowed: false }, /guestsAllowed/],
      ];
      for (const [body, message] of refusals) {
        const answer = await call(app, 'PATCH', '/v1/app/settings', body);
        assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 60));
        assert.equal(answer.body.error.code, ErrorCode.INVALID_PAYLOAD);
        assert.match(answer.body.error.message, message);
      }
      const huge = await fetch(`${running.url}/v1/app/settings`, {
        method: 'PATCH',
        headers: { [APP_HEADER]: app.id, authorization: `${APP_SECRET_SCHEME} ${app.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ blockedWords: Array.from({ length: 20_000 }, (_, i) => `word${i}`) }),
      });
      assert.equal(huge.status, 413, 'a body over httpJsonMaxBytes is refused before it is parsed');
      assert.deepEqual((await call(app, 'GET', '/v1/app/settings')).body.settings.blockedWords, ['darn', 'heck'], 'unchanged');
    });

    test('the CLI sets the filters and the hook (printing the hook secret once), and refuses a huge word list naming the limit', async () => {
      const app = await running.server.apps.create('Cli', [SHOP]);
      const out: string[] = [];
      const cli = (...args: string[]) => appsCommand(running.server.db, args, (line) => out.push(line));
      await cli('update', app.id, '--blocked-words', 'Darn,heck', '--word-action', 'mask', '--link-policy', 'verified', '--mentions-max', '3', '--hook-url', 'https://shop.example/hook', '--hook-timeout-ms', '1500', '--hook-fail-mode', 'closed');
      const printed = JSON.parse(out.at(-1)!).settings;
      assert.deepEqual(
        { ...printed, hookSecret: printed.hookSecret.slice(0, 8) },
        { guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: false, reportsToHide: 3, blockedWords: ['darn', 'heck'], wordAction: 'mask', linkPolicy: 'verified', mentionsMax: 3, hookUrl: 'https://shop.example/hook', hookSecret: 'hooksec_', hookTimeoutMs: 1500, hookFailMode: 'closed' },
      );
      await cli('list');
      const listed = (JSON.parse(out.at(-1)!) as Array<{ id: string; settings: { hookSecret: string } }>).find((a) => a.id === app.id)!;
      assert.equal(listed.settings.hookSecret, '(hidden)', 'a listing hides the hook secret');

      const file = path.join(storage.options.dataDir!, 'words.txt');
      await writeFile(file, Array.from({ length: 1001 }, (_, i) => `word${i}`).join('\n'));
      await assert.rejects(cli('update', app.id, '--blocked-words-file', file), /--blocked-words: At most 1000 blocked words \(filterWordsMax\)/);
      await assert.rejects(cli('update', app.id, '--mentions-max', 'lots'), /--mentions-max is a whole number/);
      await assert.rejects(cli('update', app.id, '--hook-fail-mode', 'sometimes'), /--hook-fail-mode/);
      await cli('update', app.id, '--blocked-words', 'none', '--mentions-max', 'none', '--hook-url', 'none');
      const cleared = JSON.parse(out.at(-1)!).settings;
      assert.deepEqual([cleared.blockedWords, cleared.mentionsMax, cleared.hookUrl], [[], null, null]);
    });
  });
}
