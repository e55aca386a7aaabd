/**
 * The moderation kit (issue #23, docs/moderation.md) through the real server and the real SDK, on
 * SQLite and PostgreSQL: roles and who may do what, kick, ban (by member identity and by user id),
 * mute, slow mode, lock, code rotation, close, moderator deletes, reports hiding a message until a
 * decision, the audit trail and the app's REST API. Then on two nodes: a mute and a kick taken on
 * one hold for a member connected to the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { SignJWT } from 'jose';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode, type ModerationEntry } from '@roomchat/protocol';
import type { ChatClient, ChatError, Room } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { connect, createStorage, engines, eventually, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const SHOP = 'https://shop.example';

/** A token of `app` for `sub`, with the host's `roles`. */
function tokenFor(app: { secret: string }, sub: string, name: string, roles: string[] = []): Promise<string> {
  return new SignJWT({ name, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(app.secret));
}

/** Resolves with the code a promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<{ code: string; retryAfterMs?: number | undefined }> {
  try {
    await promise;
  } catch (e) {
    const error = e as ChatError;
    return { code: error.code, retryAfterMs: error.retryAfterMs };
  }
  throw new Error('expected a rejection');
}

/** The next `event` a room emits. */
const next = <T>(room: Room, event: 'removed' | 'moderation' | 'message-updated'): Promise<T> => new Promise((resolve) => room.once(event, resolve as never));

for (const engine of engines()) {
  describe(`moderation on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let shop: App;
    const clients: ChatClient[] = [];
    const guest = (memberId?: string) => {
      const c = connect(running.url, memberId === undefined ? {} : { memberId });
      clients.push(c);
      return c;
    };
    const user = async (sub: string, name: string, roles: string[] = []) => {
      const c = connect(running.url, { app: shop.id, token: await tokenFor(shop, sub, name, roles), socket: { extraHeaders: { origin: SHOP } } });
      clients.push(c);
      return c;
    };
    /** A call of the shop's backend, with its secret. */
    const s2s = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: { [APP_HEADER]: shop.id, authorization: `${APP_SECRET_SCHEME} ${shop.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
    };
    /** A room with its owner (the creator) and a guest in it. */
    const ownedRoom = async () => {
      const owner = await guest().createRoom({ name: 'Olga' });
      const member = await guest().joinRoom(owner.code, { name: 'Max' });
      await eventually(() => owner.members.length === 2, 'the member to arrive');
      return { owner, member };
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, appsCacheMs: 0, messagesPerWindow: 1000, joinsPerWindow: 1000, joinsPerAddressPerWindow: 10_000, messagesPerAddressPerWindow: 10_000, roomCreatesPerWindow: 1000 });
      shop = await running.server.apps.create('Shop', [SHOP], { reportsToHide: 2 });
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test("a code room's creator owns it, and the member list shows roles", async () => {
      const { owner, member } = await ownedRoom();
      assert.equal(owner.role, 'owner');
      assert.equal(member.role, 'member');
      assert.equal(member.members.find((m) => m.id === owner.self.id)?.role, 'owner');
      assert.equal(member.members.find((m) => m.id === member.self.id)?.role, undefined);
    });

    test('a member cannot kick, ban, mute, lock or close: FORBIDDEN', async () => {
      const { owner, member } = await ownedRoom();
      const other = await guest().joinRoom(owner.code, { name: 'Nina' });
      for (const attempt of [member.kick(other.self.id), member.ban({ memberId: other.self.id }), member.mute(other.self.id, 60_000), member.setLocked(true), member.close(), member.promote(other.self.id)]) {
        assert.equal((await codeOf(attempt)).code, ErrorCode.FORBIDDEN);
      }
      assert.equal((await codeOf(member.reports())).code, ErrorCode.FORBIDDEN);
    });

    test('a kicked member is told, leaves the room at once, and may come back', async () => {
      const { owner, member } = await ownedRoom();
      const removed = next<{ reason: string; message?: string }>(member, 'removed');
      await owner.kick(member.self.id, 'cool down');
      assert.deepEqual(await removed, { reason: 'kicked', message: 'cool down' });
      assert.equal(member.left, true);
      await eventually(() => !owner.members.some((m) => m.id === member.self.id), 'the kicked member to leave the list');
      const back = await guest().joinRoom(owner.code, { name: 'Max again' });
      await back.send('I am back');
    });

    test('a banned guest cannot come back with the same member id under another name: BANNED', async () => {
      const owner = await guest().createRoom({ name: 'Olga' });
      const memberId = `mallory-${Math.random().toString(36).slice(2)}`;
      const mallory = await guest(memberId).joinRoom(owner.code, { name: 'Mallory' });
      const removed = next<{ reason: string }>(mallory, 'removed');
      await owner.ban({ memberId: mallory.self.id }, { reason: 'spam' });
      assert.equal((await removed).reason, 'banned');
      assert.equal((await codeOf(guest(memberId).joinRoom(owner.code, { name: 'Not Mallory' }))).code, ErrorCode.BANNED);
      // Unbanned, the same member gets in again.
      await owner.unban({ memberId: mallory.self.id });
      await guest(memberId).joinRoom(owner.code, { name: 'Mallory' });
    });

    test('a guest cannot take a verified user\'s member id, and with it the user\'s role', async () => {
      const owner = await (await user('olga', 'Olga')).openRoom({ key: `impostor-${engine}` });
      await s2s('PUT', `/v1/rooms/${owner.code}/owner`, { userId: 'olga' });
      await eventually(() => owner.role === 'owner', 'the owner to know');
      for (const memberId of [`user:${shop.id}:olga`, `bot:${shop.id}:Olga`]) {
        const impostor = connect(running.url, { app: shop.id, memberId, socket: { extraHeaders: { origin: SHOP } } });
        clients.push(impostor);
        assert.equal((await codeOf(impostor.joinRoom(owner.code, { name: 'Olga' }))).code, ErrorCode.INVALID_PAYLOAD, memberId);
      }
      assert.deepEqual(owner.members.map((m) => m.name), ['Olga'], 'nobody joined as her');
    });

    test('a verified user banned by user id cannot come back under another name, on any of its devices', async () => {
      const admin = await (await user('boss', 'Boss', ['admin'])).openRoom({ key: `ban-${engine}` });
      assert.equal(admin.role, 'admin');
      const eve = await (await user('eve', 'Eve')).openRoom({ key: `ban-${engine}` });
      const removed = next<{ reason: string }>(eve, 'removed');
      await admin.ban({ userId: 'eve' }, { reason: 'abuse' });
      assert.equal((await removed).reason, 'banned');
      const again = await user('eve', 'Definitely Not Eve');
      assert.equal((await codeOf(again.openRoom({ key: `ban-${engine}` }))).code, ErrorCode.BANNED);
      const bans = await s2s('GET', `/v1/rooms/${admin.code}/bans`);
      assert.equal((bans.body.bans as { reason?: string }[])[0]?.reason, 'abuse');
    });

    test('a moderator acts on members, but not on the owner or another moderator; only the owner promotes', async () => {
      const { owner, member: mod } = await ownedRoom();
      const mod2 = await guest().joinRoom(owner.code, { name: 'Mo' });
      const plain = await guest().joinRoom(owner.code, { name: 'Pat' });
      const promoted = next<ModerationEntry>(plain, 'moderation');
      await owner.promote(mod.self.id);
      assert.equal((await promoted).role, 'moderator');
      await eventually(() => mod.role === 'moderator', 'the moderator to know its role');
      assert.equal(plain.members.find((m) => m.id === mod.self.id)?.role, 'moderator');
      await owner.promote(mod2.self.id);
      for (const attempt of [mod.ban({ memberId: owner.self.id }), mod.kick(owner.self.id), mod.kick(mod2.self.id), mod.mute(mod2.self.id, 5000), mod.demote(mod2.self.id), mod.promote(plain.self.id), mod.rotateCode()]) {
        assert.equal((await codeOf(attempt)).code, ErrorCode.FORBIDDEN);
      }
      await mod.mute(plain.self.id, 60_000);
      await owner.demote(mod2.self.id);
      await mod.kick(mod2.self.id);
    });

    test('ownership is handed over: the new owner owns, the old one is a moderator', async () => {
      const { owner, member } = await ownedRoom();
      await owner.transferOwnership(member.self.id);
      await eventually(() => member.role === 'owner', 'the new owner to know');
      assert.equal(owner.role, 'moderator');
      assert.equal((await codeOf(owner.kick(member.self.id))).code, ErrorCode.FORBIDDEN);
      await member.demote(owner.self.id);
    });

    test("a moderator's delete of another's message is gone from history and catch-up, and audited", async () => {
      const { owner, member } = await ownedRoom();
      const sent = await member.send('something rude');
      const updated = next<{ deletedAt?: string }>(member, 'message-updated');
      await owner.delete(sent.id);
      assert.ok((await updated).deletedAt);
      const late = await guest().joinRoom(owner.code, { name: 'Late' });
      const shown = late.messages.find((m) => m.id === sent.id);
      assert.ok(shown?.deletedAt);
      assert.equal(shown?.text, undefined);
      const caughtUp = await late.history({ after: 0 });
      assert.ok(!JSON.stringify(caughtUp).includes('something rude'));
      const audit = await running.server.chat.audit.page('default', { limit: 50 });
      assert.ok(audit.entries.some((e) => e.action === 'delete' && e.target === sent.id && e.actorId === owner.self.id));
    });

    test('a muted member gets MUTED with retryAfterMs, is told, and can send once the mute ends', async () => {
      const { owner, member } = await ownedRoom();
      const told = next<ModerationEntry>(member, 'moderation');
      await owner.mute(member.self.id, 1000, 'calm down');
      const entry = await told;
      assert.equal(entry.action, 'mute');
      assert.equal(entry.target, member.self.id);
      assert.ok(member.moderation.mutedUntil);
      const refused = await codeOf(member.send('can I talk?'));
      assert.equal(refused.code, ErrorCode.MUTED);
      assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= 1000);
      await new Promise((r) => setTimeout(r, refused.retryAfterMs! + 20));
      await member.send('I can talk again');
    });

    test('slow mode lets a member send once per interval (SLOW_MODE with retryAfterMs); moderators are exempt', async () => {
      const { owner, member } = await ownedRoom();
      await owner.setSlowMode(2);
      await eventually(() => member.moderation.slowModeSeconds === 2, 'the member to see slow mode');
      await member.send('one');
      const refused = await codeOf(member.send('two'));
      assert.equal(refused.code, ErrorCode.SLOW_MODE);
      assert.ok(refused.retryAfterMs! > 0 && refused.retryAfterMs! <= 2000);
      await owner.send('owner one');
      await owner.send('owner two');
      await owner.setSlowMode(0);
    });

    test("slow mode holds neither an app admin nor the app's backend", async () => {
      const admin = await (await user('sally', 'Sally', ['admin'])).openRoom({ key: `slow-${engine}` });
      await admin.setSlowMode(5);
      await admin.send('admin one');
      await admin.send('admin two');
      for (const text of ['bot one', 'bot two']) {
        const posted = await s2s('POST', `/v1/rooms/${admin.code}/messages`, { name: 'Shop bot', text });
        assert.equal(posted.status, 201, JSON.stringify(posted.body));
      }
      const member = await (await user('milo', 'Milo')).openRoom({ key: `slow-${engine}` });
      await member.send('member one');
      assert.equal((await codeOf(member.send('member two'))).code, ErrorCode.SLOW_MODE, 'while members are held');
    });

    test('a locked room refuses newcomers (ROOM_LOCKED) but lets its members back in', async () => {
      const owner = await guest().createRoom({ name: 'Olga' });
      const memberId = `back-${Math.random().toString(36).slice(2)}`;
      const before = await guest(memberId).joinRoom(owner.code, { name: 'Regular' });
      await before.leave();
      await owner.setLocked(true);
      assert.equal((await codeOf(guest().joinRoom(owner.code, { name: 'Newcomer' }))).code, ErrorCode.ROOM_LOCKED);
      const back = await guest(memberId).joinRoom(owner.code, { name: 'Regular' });
      assert.equal(back.moderation.locked, true);
      await owner.setLocked(false);
      await guest().joinRoom(owner.code, { name: 'Newcomer' });
    });

    test('a rotated code stops working (ROOM_NOT_FOUND); members stay, get the new code and keep talking', async () => {
      const { owner, member } = await ownedRoom();
      const old = owner.code;
      const told = next<ModerationEntry>(member, 'moderation');
      const code = await owner.rotateCode();
      assert.notEqual(code, old);
      assert.equal((await told).code, code);
      assert.equal(member.code, code);
      assert.equal((await codeOf(guest().joinRoom(old, { name: 'Late' }))).code, ErrorCode.ROOM_NOT_FOUND);
      const got = new Promise<string>((resolve) => owner.on('message', (m) => m.text === 'still here' && resolve(m.roomCode)));
      await member.send('still here');
      assert.equal(await got, code);
      const late = await guest().joinRoom(code, { name: 'Late' });
      assert.ok(late.messages.some((m) => m.text === 'still here'));
    });

    test('a closed room takes everyone out, and answers ROOM_CLOSED to joins', async () => {
      const { owner, member } = await ownedRoom();
      const removed = next<{ reason: string }>(member, 'removed');
      await owner.close('event over');
      assert.equal((await removed).reason, 'closed');
      assert.equal((await codeOf(guest().joinRoom(owner.code, { name: 'Late' }))).code, ErrorCode.ROOM_CLOSED);
    });

    test('reports hide a message from members after N; keep shows it again, remove deletes it', async () => {
      const owner = await (await user('owner', 'Owner')).openRoom({ key: `reports-${engine}` });
      await s2s('PUT', `/v1/rooms/${owner.code}/owner`, { userId: 'owner' });
      await eventually(() => owner.role === 'owner', 'the owner to know');
      const author = await (await user('troll', 'Troll')).openRoom({ key: `reports-${engine}` });
      const a = await (await user('a', 'A')).openRoom({ key: `reports-${engine}` });
      const b = await (await user('b', 'B')).openRoom({ key: `reports-${engine}` });
      for (const text of ['bad one', 'bad two']) {
        const sent = await author.send(text);
        await eventually(() => a.messages.some((m) => m.id === sent.id) && b.messages.some((m) => m.id === sent.id), 'the message to arrive');
        assert.equal(await a.report(sent.id, 'offensive'), false);
        const hidden = next<{ hidden?: boolean }>(b, 'message-updated');
        assert.equal(await b.report(sent.id, 'offensive'), true); // reportsToHide: 2
        assert.equal((await hidden).hidden, true);
        // A member's history and a newcomer's snapshot keep its place but not its text.
        const page = await a.history({ after: 0 });
        const seen = page.messages.find((m) => m.id === sent.id) as { hidden?: boolean; text?: string };
        assert.equal(seen.hidden, true);
        assert.equal(seen.text, undefined);
        const late = await (await user(`late-${text}`, 'Late')).openRoom({ key: `reports-${engine}` });
        assert.equal(late.messages.find((m) => m.id === sent.id)?.text, undefined);
        // Moderators see it whole, in history and in the queue.
        const mine = (await owner.history({ after: 0 })).messages.find((m) => m.id === sent.id) as { text?: string };
        assert.equal(mine.text, text);
        const queue = await owner.reports();
        assert.equal(queue.find((r) => r.message.id === sent.id)?.reports.length, 2);
      }
      const [first, second] = (await owner.reports()).map((r) => r.message);
      const shown = next<{ hidden?: boolean; text?: string }>(a, 'message-updated');
      await owner.decideReport(first!.id, 'keep');
      const back = await shown;
      assert.equal(back.hidden, undefined);
      assert.equal(back.text, 'bad one');
      const deleted = next<{ deletedAt?: string }>(a, 'message-updated');
      const { status } = await s2s('POST', `/v1/rooms/${owner.code}/reports/${second!.id}`, { decision: 'remove' });
      assert.equal(status, 200);
      assert.ok((await deleted).deletedAt);
      assert.deepEqual(await owner.reports(), []);
    });

    test("the app's backend moderates over REST and reads the audit trail", async () => {
      const member = await (await user('zed', 'Zed')).openRoom({ key: `s2s-${engine}` });
      const code = member.code;
      const muted = await s2s('POST', `/v1/rooms/${code}/moderation`, { action: 'mute', memberId: member.self.id, durationMs: 60_000, reason: 'flood' });
      assert.equal(muted.status, 200);
      assert.equal((muted.body.entry as ModerationEntry).action, 'mute');
      assert.equal((await codeOf(member.send('hello'))).code, ErrorCode.MUTED);
      const bad = await s2s('POST', `/v1/rooms/${code}/moderation`, { action: 'mute', memberId: member.self.id });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error?.code, ErrorCode.INVALID_PAYLOAD);
      const audit = await s2s('GET', `/v1/audit?room=${code}`);
      const rows = audit.body.entries as { action: string; reason?: string; actorName: string }[];
      assert.deepEqual(rows.map((r) => [r.action, r.reason, r.actorName]), [['mute', 'flood', 'Shop']]);
      const anonymous = await fetch(`${running.url}/v1/audit`, { headers: { [APP_HEADER]: shop.id } });
      assert.equal(anonymous.status, 401);
    });
  });
}

describe('moderation on two nodes (PostgreSQL and Redis)', () => {
  const { test, skipped } = testNeeding('TEST_DATABASE_URL', 'TEST_REDIS_URL');
  let storage: TestStorage;
  const nodes: RunningServer[] = [];
  const clients: ChatClient[] = [];

  before(async () => {
    if (skipped) return;
    storage = await createStorage('postgres');
    const options = { ...storage.options, redisUrl: process.env.TEST_REDIS_URL!, redisKeyPrefix: `roomchat-mod-test:${process.pid}:` };
    nodes.push(await startServer(options));
    nodes.push(await startServer(options));
  });
  after(async () => {
    if (skipped) return;
    for (const c of clients) c.close();
    for (const n of nodes) await n.server.close();
    await storage.dispose();
  });

  test('a mute, a kick and a code rotation taken on one node hold for a member connected to the other', { timeout: 30_000 }, async () => {
    const on = (node: RunningServer) => {
      const c = connect(node.url);
      clients.push(c);
      return c;
    };
    const owner = await on(nodes[0]!).createRoom({ name: 'Olga' });
    const member = await on(nodes[1]!).joinRoom(owner.code, { name: 'Max' });
    await member.send('warming the rules cache on node 2');
    const code = await owner.rotateCode();
    await eventually(() => member.code === code, 'the new code to reach the member');
    await member.send('under the new code');
    await owner.mute(member.self.id, 60_000);
    await eventually(() => member.moderation.mutedUntil !== undefined, 'the mute to reach the member');
    assert.equal((await codeOf(member.send('still talking'))).code, ErrorCode.MUTED);
    const removed = next<{ reason: string }>(member, 'removed');
    await owner.kick(member.self.id);
    assert.equal((await removed).reason, 'kicked');
    await eventually(() => !owner.members.some((m) => m.id === member.self.id), 'the kicked member to leave');
  });
});
