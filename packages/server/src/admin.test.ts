/**
 * The admin page's API (docs/admin.md): admin tokens (a server admin's, one app's), the app
 * secret, their refusals (none, expired, forged, another app's secret, a user's token), the
 * /v1/admin routes (rooms by activity, found by code or key), a report decided with an admin
 * token through the server-to-server API, the `admin token` command, and /admin as served.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test as plainTest } from 'node:test';
import { SignJWT } from 'jose';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode } from '@roomchat/protocol';
import type { App } from './auth/apps.js';
import { ADMIN_AUDIENCE } from './auth/admin-tokens.js';
import { ADMIN_PAGE_CSP } from './http/site.routes.js';
import { connect, createStorage, engines, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

type Json = Record<string, any>;

for (const engine of engines()) {
  describe(`the admin API on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    let blog: App;
    /** GET or another method on the API with these headers: the status and body. */
    const api = async (path: string, headers: Record<string, string>, init: RequestInit = {}) => {
      const res = await fetch(`${running.url}${path}`, { ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const bearer = (token: string, app?: string) => ({ authorization: `Bearer ${token}`, ...(app ? { [APP_HEADER]: app } : {}) });

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, moderationPageSize: 50 });
      shop = await running.server.apps.create('Shop', ['https://shop.example']);
      blog = await running.server.apps.create('Blog', ['https://blog.example']);
    });
    after(async () => {
      if (skipped) return;
      await running.server.close();
      await storage.dispose();
    });

    test('a server admin token picks any app; an app token and the app secret reach their own app only', async () => {
      const server = await running.server.adminTokens.issue({ app: undefined }, 60_000);
      const session = await api('/v1/admin/session', bearer(server, blog.id));
      assert.deepEqual(session.body, { app: { id: blog.id, name: 'Blog' }, serverAdmin: true });
      const apps = (await api('/v1/admin/apps', bearer(server))).body.apps.map((a: Json) => a.id);
      assert.ok(apps.includes(shop.id) && apps.includes(blog.id) && apps.includes('default'));

      const shopToken = await running.server.adminTokens.issue({ app: shop.id }, 60_000);
      assert.deepEqual((await api('/v1/admin/session', bearer(shopToken))).body, { app: { id: shop.id, name: 'Shop' }, serverAdmin: false });
      assert.deepEqual((await api('/v1/admin/apps', bearer(shopToken))).body.apps, [{ id: shop.id, name: 'Shop' }]);
      const elsewhere = await api('/v1/admin/rooms', bearer(shopToken, blog.id));
      assert.equal(elsewhere.status, 403);
      assert.equal(elsewhere.body.error.code, ErrorCode.FORBIDDEN);

      const secret = { authorization: `${APP_SECRET_SCHEME} ${shop.secret}`, [APP_HEADER]: shop.id };
      assert.deepEqual((await api('/v1/admin/apps', secret)).body.apps, [{ id: shop.id, name: 'Shop' }]);
      const wrongSecret = await api('/v1/admin/rooms', { authorization: `${APP_SECRET_SCHEME} ${shop.secret}`, [APP_HEADER]: blog.id });
      assert.equal(wrongSecret.status, 401);
      assert.equal(wrongSecret.body.error.code, ErrorCode.AUTH_INVALID);
    });

    test('refuses no credential, an expired token, a forged one and a user’s token, with stable codes', async () => {
      const none = await api('/v1/admin/rooms', {});
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, ErrorCode.AUTH_REQUIRED);

      const expired = await running.server.adminTokens.issue({ app: undefined }, 1000, Date.now() - 60_000);
      const old = await api('/v1/admin/rooms', bearer(expired));
      assert.equal(old.status, 401);
      assert.equal(old.body.error.code, ErrorCode.AUTH_EXPIRED);

      // Right claims, wrong key: what someone without the server's stored key could make.
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('roomchat-server')
        .setAudience(ADMIN_AUDIENCE)
        .setSubject('admin')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('not the server key, but long enough'));
      const refused = await api('/v1/admin/apps', bearer(forged));
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, ErrorCode.AUTH_INVALID);
      // Signed with the app's own secret (as a user token is) but claiming to be an admin token.
      const fromApp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('roomchat-server').setAudience(ADMIN_AUDIENCE).setExpirationTime('10m').sign(new TextEncoder().encode(shop.secret));
      assert.equal((await api('/v1/admin/apps', bearer(fromApp, shop.id))).status, 401);

      const user = await api('/v1/admin/rooms', bearer(await signFor(shop, 'alice'), shop.id));
      assert.equal(user.status, 403);
      assert.equal(user.body.error.code, ErrorCode.FORBIDDEN);
    });

    test('lists the app’s rooms by last activity with their counts, and finds one by code or key', async () => {
      const token = await running.server.adminTokens.issue({ app: shop.id }, 60_000);
      const secret = { authorization: `${APP_SECRET_SCHEME} ${shop.secret}`, [APP_HEADER]: shop.id };
      const quiet = (await api('/v1/rooms/by-key/orders-quiet', secret, { method: 'PUT', body: '{}' })).body.room.code as string;
      const busy = (await api('/v1/rooms/by-key/orders-busy', secret, { method: 'PUT', body: '{}' })).body.room.code as string;
      await running.server.chat.createRoom('127.0.0.1', blog.id); // another app's: never listed
      for (const [code, text] of [
        [quiet, 'hello'],
        [busy, 'one'],
        [busy, 'two'],
      ] as const) {
        assert.equal((await api(`/v1/rooms/${code}/messages`, secret, { method: 'POST', body: JSON.stringify({ name: 'Bot', text }) })).status, 201);
      }
      const rooms = (await api('/v1/admin/rooms', bearer(token))).body.rooms as Json[];
      assert.deepEqual(
        rooms.map((r) => [r.code, r.key, r.messages]),
        [
          [busy, 'orders-busy', 2],
          [quiet, 'orders-quiet', 1],
        ],
      );
      assert.ok(Date.parse(rooms[0]!.lastActivityAt) >= Date.parse(rooms[1]!.lastActivityAt));
      assert.deepEqual((await api(`/v1/admin/rooms?q=${quiet}`, bearer(token))).body.rooms.map((r: Json) => r.code), [quiet]);
      assert.deepEqual((await api(`/v1/admin/rooms?q=${quiet.toLowerCase()}`, bearer(token))).body.rooms.map((r: Json) => r.code), [quiet]);
      assert.deepEqual((await api('/v1/admin/rooms?q=orders-b', bearer(token))).body.rooms.map((r: Json) => r.code), [busy]);
      // LIKE's wildcards are matched as themselves.
      assert.deepEqual((await api('/v1/admin/rooms?q=orders_', bearer(token))).body.rooms, []);
      assert.deepEqual((await api('/v1/admin/rooms?q=%25', bearer(token))).body.rooms, []);
    });

    test('an admin token decides a report through the server-to-server API, as the app would', async () => {
      const token = await running.server.adminTokens.issue({ app: undefined }, 60_000);
      const room = await running.server.chat.createRoom('127.0.0.1');
      const a = connect(running.url);
      const b = connect(running.url);
      try {
        const alice = await a.joinRoom(room.code, { name: 'Alice' });
        const bob = await b.joinRoom(room.code, { name: 'Bob' });
        const rude = await alice.send('rude words');
        await bob.report(rude.id, 'rude');
        const listed = (await api('/v1/admin/rooms', bearer(token))).body.rooms.find((r: Json) => r.code === room.code);
        assert.equal(listed.openReports, 1);
        const queue = (await api(`/v1/rooms/${room.code}/reports`, bearer(token))).body.reports as Json[];
        assert.equal(queue[0]!.message.id, rude.id);
        const decided = await api(`/v1/rooms/${room.code}/reports/${rude.id}`, bearer(token), { method: 'POST', body: JSON.stringify({ decision: 'remove' }) });
        assert.equal(decided.status, 200, JSON.stringify(decided.body));
        assert.deepEqual((await api(`/v1/rooms/${room.code}/reports`, bearer(token))).body.reports, []);
        const audit = (await api(`/v1/audit?room=${room.code}`, bearer(token))).body.entries as Json[];
        assert.ok(audit.length > 0, 'the decision is in the audit trail');
      } finally {
        a.close();
        b.close();
      }
    });
  });
}

plainTest('/admin is served under its policy, with its bundle and styles', async () => {
  const running = await startServer({ dataDir: await mkdtemp(path.join(tmpdir(), 'roomchat-admin-')) });
  try {
    const page = await fetch(`${running.url}/admin`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), ADMIN_PAGE_CSP);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(await page.text(), /<script type="module" src="\/admin.js"><\/script>/);
    const bundle = await fetch(`${running.url}/admin.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.match(await bundle.text(), /roomchat-admin/);
    assert.equal((await fetch(`${running.url}/admin.css`)).status, 200);
  } finally {
    await running.server.close();
  }
});

plainTest('`roomchat-server admin token` prints a token a running server on the same database accepts', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-admin-cli-'));
  const running = await startServer({ dataDir });
  try {
    const cli = async (...args: string[]) => {
      const child = spawn(process.execPath, [new URL('./cli.js', import.meta.url).pathname, 'admin', ...args, '--data-dir', dataDir]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      const [code] = await once(child, 'exit');
      return { code: code as number, out: out.trim() };
    };
    const printed = await cli('token', '--ttl', '10m');
    assert.equal(printed.code, 0, printed.out);
    const res = await fetch(`${running.url}/v1/admin/session`, { headers: { authorization: `Bearer ${printed.out}` } });
    assert.deepEqual(await res.json(), { app: { id: 'default', name: 'Default app' }, serverAdmin: true });
    const badTtl = await cli('token', '--ttl', 'forever');
    assert.equal(badTtl.code, 1);
    assert.match(badTtl.out, /--ttl is a duration/);
    const noApp = await cli('token', '--app', 'nosuchapp');
    assert.equal(noApp.code, 1);
    assert.match(noApp.out, /No app has the id "nosuchapp"/);
  } finally {
    await running.server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
