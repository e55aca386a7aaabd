import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Router from '@koa/router';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import sharp from 'sharp';
import { APP_SECRET_SCHEME } from '@roomchat/protocol';
import { connect, createStorage, engines, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

// ajv-formats is CommonJS with its function as module.exports.default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
type Json = Record<string, any>;
const pointer = (...segments: string[]) => segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

for (const engine of engines()) {
  describe(`the OpenAPI document on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let doc: Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const seen = new Set<string>();

    /** Calls the server and checks the answer against the document's response for its status. */
    const call = async (method: string, template: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(`${running.url}${path}`, { method: method.toUpperCase(), ...init });
      const operation = doc.paths[template]?.[method];
      assert.ok(operation, `${method} ${template} is documented`);
      let response = operation.responses[String(res.status)];
      assert.ok(response, `${method} ${template} documents status ${res.status}`);
      let where = pointer('paths', template, method, 'responses', String(res.status));
      if (response.$ref) {
        where = response.$ref.slice(2);
        response = where.split('/').reduce((node: Json, key: string) => node[key.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
      }
      const type = res.headers.get('content-type') ?? '';
      const body = type.startsWith('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer());
      if (type.startsWith('application/json')) {
        const validate = ajv.compile({ $ref: `openapi.json#/${where}/content/application~1json/schema` });
        assert.ok(validate(body), `${method} ${path} → ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
      } else {
        const declared = Object.keys(response.content ?? {});
        assert.ok(
          declared.some((d) => d === type || (d.endsWith('/*') && type.startsWith(d.slice(0, -1)))),
          `${type} is one of ${declared.join(', ')}`,
        );
      }
      seen.add(`${method} ${template} ${res.status >= 400 ? 'error' : 'success'}`);
      return { status: res.status, body: body as Json };
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, roomCreatesPerWindow: 4, editWindowMs: 60_000 });
      doc = (await (await fetch(`${running.url}/v1/openapi.json`)).json()) as Json;
      ajv.addSchema(doc, 'openapi.json');
    });
    after(async () => {
      if (skipped) return;
      await running.server.close();
      await storage.dispose();
    });

    test('is OpenAPI 3.1 and lists every /v1 route the server has, with its methods, and no other', () => {
      assert.equal(doc.openapi, '3.1.0');
      const routes = new Set<string>();
      for (const middleware of running.server.app.middleware) {
        const router = (middleware as { router?: Router }).router;
        for (const layer of router?.stack ?? []) {
          if (!layer.path.toString().startsWith('/v1')) continue;
          for (const method of layer.methods) if (method !== 'HEAD') routes.add(`${method.toLowerCase()} ${layer.path.toString().replace(/:(\w+)/g, '{$1}')}`);
        }
      }
      const documented = new Set(
        Object.entries(doc.paths as Json).flatMap(([path, item]) =>
          Object.keys(item)
            .filter((k) => k !== 'parameters')
            .map((m) => `${m} ${path}`),
        ),
      );
      assert.ok(routes.size >= 9);
      assert.deepEqual([...routes].sort(), [...documented].sort());
    });

    test('real answers of every route, successes and errors, match their documented schemas', async () => {
      const { body: created } = await call('post', '/v1/rooms', '/v1/rooms');
      const code: string = created.room.code;
      const client = connect(running.url);
      try {
        // A log with every kind of entry: join, text, image, reply, edit, reaction, delete.
        const member = await client.joinRoom(code, { name: 'Alice' });
        const first = await member.send('first words');
        await member.edit(first.id, 'first words, edited');
        await member.react(first.id, '👍');
        const doomed = await member.send('soon gone');
        await member.delete(doomed.id);
        const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#08f' } })
          .png()
          .toBuffer();
        const headers = { 'content-type': 'image/png' };
        const { body: uploaded } = await call('post', '/v1/rooms/{code}/images', `/v1/rooms/${code}/images`, { body: png, headers });
        await call('post', '/v1/rooms/{code}/images', `/v1/rooms/${code}/images`, { body: Buffer.from('not an image'), headers });
        await call('post', '/v1/rooms/{code}/images', `/v1/rooms/${code}/images`, { body: Buffer.alloc(0), headers });
        await call('post', '/v1/rooms/{code}/images', '/v1/rooms/NOSUCHROOM/images', { body: png, headers });
        const json = { 'content-type': 'application/json' };
        const post = (body: unknown, room = code) =>
          call('post', '/v1/rooms/{code}/messages', `/v1/rooms/${room}/messages`, { method: 'POST', headers: json, body: JSON.stringify(body) });
        assert.equal((await post({ name: 'Bot', imageId: uploaded.image.id })).status, 201);
        assert.equal((await post({ name: 'Bot', text: 'replying', replyTo: first.id })).status, 201);
        assert.equal((await post({ name: 'Bot', text: '' })).status, 400);
        assert.equal((await post({ name: 'Bot', text: 'x' }, 'NOSUCHROOM')).status, 404);

        assert.equal((await call('get', '/v1/rooms/{code}', `/v1/rooms/${code}`)).status, 200);
        assert.equal((await call('get', '/v1/rooms/{code}', '/v1/rooms/NOSUCHROOM')).status, 404);
        const history = await call('get', '/v1/rooms/{code}/messages', `/v1/rooms/${code}/messages`);
        assert.deepEqual(new Set(history.body.messages.map((m: Json) => m.kind)), new Set(['join', 'text', 'edit', 'reaction', 'delete', 'image']));
        assert.equal((await call('get', '/v1/rooms/{code}/messages', `/v1/rooms/${code}/messages?before=5&after=1`)).status, 400);
        assert.equal((await call('get', '/v1/rooms/{code}/messages', '/v1/rooms/NOSUCHROOM/messages')).status, 404);
        const found = await call('get', '/v1/rooms/{code}/search', `/v1/rooms/${code}/search?q=first`);
        assert.equal(found.body.messages[0].reactions[0].emoji, '👍');
        assert.equal((await call('get', '/v1/rooms/{code}/search', `/v1/rooms/${code}/search?q=${'x'.repeat(500)}`)).status, 400);
        assert.equal((await call('get', '/v1/rooms/{code}/search', '/v1/rooms/NOSUCHROOM/search?q=x')).status, 404);

        assert.equal((await call('get', '/v1/images/{id}', `/v1/images/${uploaded.image.id}`)).status, 200);
        assert.equal((await call('get', '/v1/images/{id}', '/v1/images/nope')).status, 404);
        assert.equal((await call('get', '/v1/images/{id}/thumbnail', `/v1/images/${uploaded.image.id}/thumbnail`)).status, 200);
        assert.equal((await call('get', '/v1/images/{id}/thumbnail', '/v1/images/nope/thumbnail')).status, 404);
        assert.equal((await call('get', '/v1/openapi.json', '/v1/openapi.json')).status, 200);

        // The site backend's routes, with the default app's secret (and refusals without it).
        const secret = { authorization: `${APP_SECRET_SCHEME} ${(await running.server.apps.get('default')).secret}` };
        const asApp = (method: string, template: string, path: string, body?: unknown, headers: Record<string, string> = secret) =>
          call(method, template, path, {
            headers: { ...headers, ...(body === undefined ? {} : json) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        const byKey = '/v1/rooms/by-key/{key}';
        const privateRoom = await asApp('put', byKey, '/v1/rooms/by-key/openapi-private', { private: true, members: ['alice'] });
        assert.equal(privateRoom.status, 201);
        assert.equal((await asApp('put', byKey, '/v1/rooms/by-key/openapi-private', {})).status, 200);
        assert.equal((await asApp('put', byKey, '/v1/rooms/by-key/no%20spaces', {})).status, 400);
        assert.equal((await asApp('put', byKey, '/v1/rooms/by-key/x', {}, {})).status, 401);
        const privateCode: string = privateRoom.body.room.code;
        const members = '/v1/rooms/{code}/members';
        assert.equal((await asApp('post', members, `/v1/rooms/${privateCode}/members`, { users: ['bob'] })).status, 200);
        assert.equal((await asApp('post', members, `/v1/rooms/${privateCode}/members`, { users: [] })).status, 400);
        const oneMember = '/v1/rooms/{code}/members/{user}';
        assert.equal((await asApp('delete', oneMember, `/v1/rooms/${privateCode}/members/bob`)).status, 200);
        assert.equal((await asApp('delete', oneMember, `/v1/rooms/NOSUCHROOM/members/bob`)).status, 404);
        const botPost = await asApp('post', '/v1/rooms/{code}/messages', `/v1/rooms/${privateCode}/messages`, { name: 'Bot', text: 'from the site' });
        assert.equal(botPost.body.message.bot, true);
        const oneMessage = '/v1/rooms/{code}/messages/{id}';
        assert.equal((await asApp('delete', oneMessage, `/v1/rooms/${privateCode}/messages/${botPost.body.message.id}`)).status, 200);
        assert.equal((await asApp('delete', oneMessage, `/v1/rooms/${privateCode}/messages/${botPost.body.message.id}`, undefined, {})).status, 401);
        assert.equal((await call('get', '/v1/rooms/{code}/messages', `/v1/rooms/${privateCode}/messages`)).status, 403, 'a private room, without the secret');
        // Moderation (docs/moderation.md): the app's backend acts, names an owner, reads bans, reports and the trail.
        const reported = await running.server.chat.rooms.get(code);
        await running.server.chat.reports.report(reported, { name: 'Reporter', id: 'reporter' }, first.id, 'spam', 1);
        assert.equal((await asApp('get', '/v1/rooms/{code}/reports', `/v1/rooms/${code}/reports`)).body.reports[0].hidden, true);
        assert.equal((await asApp('get', '/v1/rooms/{code}/reports', '/v1/rooms/NOSUCHROOM/reports')).status, 404);
        const decide = '/v1/rooms/{code}/reports/{id}';
        assert.equal((await asApp('post', decide, `/v1/rooms/${code}/reports/${first.id}`, { decision: 'keep' })).status, 200);
        assert.equal((await asApp('post', decide, `/v1/rooms/${code}/reports/${first.id}`, { decision: 'keep' })).status, 404);
        const moderate = '/v1/rooms/{code}/moderation';
        assert.equal((await asApp('post', moderate, `/v1/rooms/${code}/moderation`, { action: 'ban', memberId: member.self.id, reason: 'openapi' })).status, 200);
        assert.equal((await asApp('post', moderate, `/v1/rooms/${code}/moderation`, { action: 'explode' })).status, 400);
        const owner = '/v1/rooms/{code}/owner';
        assert.equal((await asApp('put', owner, `/v1/rooms/${code}/owner`, { userId: 'alice' })).status, 200);
        assert.equal((await asApp('put', owner, `/v1/rooms/${code}/owner`, {})).status, 400);
        assert.equal((await asApp('get', '/v1/rooms/{code}/bans', `/v1/rooms/${code}/bans`)).body.bans[0].reason, 'openapi');
        assert.equal((await asApp('get', '/v1/rooms/{code}/bans', '/v1/rooms/NOSUCHROOM/bans')).status, 404);
        assert.ok((await asApp('get', '/v1/audit', '/v1/audit')).body.entries.some((e: Json) => e.action === 'ban'));
        assert.equal((await asApp('get', '/v1/audit', '/v1/audit?before=soon')).status, 400);
        const moderated = await call('get', '/v1/rooms/{code}/messages', `/v1/rooms/${code}/messages?after=0&limit=200`);
        assert.ok(moderated.body.messages.some((m: Json) => m.kind === 'moderation'), 'moderation entries are in the log, as documented');
        const settings = '/v1/app/settings';
        assert.equal((await asApp('get', settings, settings)).status, 200);
        assert.equal((await asApp('get', settings, settings, undefined, {})).status, 401);
        assert.equal((await asApp('patch', settings, settings, { mentionsMax: null, linkPolicy: 'allow' })).status, 200);
        assert.equal((await asApp('patch', settings, settings, { blockedWords: ['two words'] })).status, 400);
        // The admin page's routes (docs/admin.md), with an admin token and with the app secret.
        const admin = { authorization: `Bearer ${await running.server.adminTokens.issue({ app: undefined }, 60_000)}` };
        assert.equal((await asApp('get', '/v1/admin/session', '/v1/admin/session', undefined, admin)).body.serverAdmin, true);
        assert.equal((await asApp('get', '/v1/admin/session', '/v1/admin/session', undefined, {})).status, 401);
        assert.ok((await asApp('get', '/v1/admin/apps', '/v1/admin/apps', undefined, admin)).body.apps.some((a: Json) => a.id === 'default'));
        assert.equal((await asApp('get', '/v1/admin/apps', '/v1/admin/apps', undefined, { authorization: 'Bearer forged.admin.token' })).status, 401);
        assert.equal((await asApp('get', '/v1/admin/rooms', `/v1/admin/rooms?q=${code}`)).body.rooms[0].code, code);
        assert.equal((await asApp('get', '/v1/admin/rooms', `/v1/admin/rooms?q=${'k'.repeat(300)}`)).status, 400);
        // Retention and data rights.
        const retention = '/v1/rooms/{code}/retention';
        assert.equal((await asApp('put', retention, `/v1/rooms/${code}/retention`, { days: 30 })).status, 200);
        assert.equal((await asApp('put', retention, `/v1/rooms/${code}/retention`, { days: 1e9 })).status, 400);
        const exported = '/v1/rooms/{code}/export';
        assert.equal((await asApp('get', exported, `/v1/rooms/${code}/export`)).status, 200);
        assert.equal((await asApp('get', exported, '/v1/rooms/NOSUCHROOM/export')).status, 404);
        const byUser = '/v1/users/{user}/messages';
        assert.equal((await asApp('delete', byUser, '/v1/users/alice/messages')).status, 200);
        assert.equal((await asApp('delete', byUser, '/v1/users/alice/messages', undefined, {})).status, 401);
        const byMember = '/v1/rooms/{code}/members/{member}/messages';
        assert.equal((await asApp('delete', byMember, `/v1/rooms/${code}/members/${member.self.id}/messages`)).status, 200);
        assert.equal((await asApp('delete', byMember, `/v1/rooms/${code}/members/not%20one/messages`)).status, 400);

        // Webhook endpoints (docs/webhooks.md).
        const added = await asApp('post', '/v1/webhooks', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['message.created'] });
        assert.equal(added.status, 201);
        assert.equal((await asApp('post', '/v1/webhooks', '/v1/webhooks', { url: 'ftp://example.com/' })).status, 400);
        assert.equal((await asApp('get', '/v1/webhooks', '/v1/webhooks')).status, 200);
        assert.equal((await asApp('get', '/v1/webhooks', '/v1/webhooks', undefined, {})).status, 401);
        const hook: string = added.body.endpoint.id;
        assert.equal((await asApp('post', '/v1/webhooks/{id}/ping', `/v1/webhooks/${hook}/ping`)).status, 202);
        assert.equal((await asApp('post', '/v1/webhooks/{id}/ping', '/v1/webhooks/whk_nope/ping')).status, 404);
        assert.equal((await asApp('get', '/v1/webhooks/{id}/deliveries', `/v1/webhooks/${hook}/deliveries?limit=5`)).status, 200);
        assert.equal((await asApp('get', '/v1/webhooks/{id}/deliveries', `/v1/webhooks/${hook}/deliveries?limit=0`)).status, 400);
        assert.equal((await asApp('delete', '/v1/webhooks/{id}', `/v1/webhooks/${hook}`)).status, 200);
        assert.equal((await asApp('delete', '/v1/webhooks/{id}', `/v1/webhooks/${hook}`)).status, 404);
        let limited = 0;
        for (let i = 0; i < 5 && limited === 0; i++) if ((await call('post', '/v1/rooms', '/v1/rooms')).status === 429) limited++;
        assert.equal(limited, 1, 'the rate-limited answer is documented too');
      } finally {
        client.close();
      }
      for (const template of Object.keys(doc.paths)) {
        for (const method of Object.keys(doc.paths[template]).filter((k) => k !== 'parameters')) {
          assert.ok(seen.has(`${method} ${template} success`), `${method} ${template} was called with success`);
          if (template !== '/v1/openapi.json') assert.ok(seen.has(`${method} ${template} error`), `${method} ${template} was called with an error`);
        }
      }
    });
  });
}
