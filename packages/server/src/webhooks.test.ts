/**
 * Webhooks (issue #25) against a real receiver on 127.0.0.1: every event type arrives signed, a
 * failing receiver is retried with backoff and then given up, a restart with undelivered rows
 * loses none, two nodes on one PostgreSQL deliver each event once, and hostile configuration is
 * refused with a stable code. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test as plainTest } from 'node:test';
import { APP_HEADER, APP_SECRET_SCHEME, ErrorCode } from '@roomchat/protocol';
import type { ChatClient } from '@roomchat/sdk';
import type { App } from './auth/apps.js';
import { verify } from './signing.js';
import { connect, createStorage, engines, eventually, servicesOf, signFor, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';
import { isPrivateAddress, publicOnlyLookup } from './webhooks/addresses.js';
import type { WebhookEvent } from './webhooks/events.js';
import { retryDelay } from './webhooks/worker.js';

interface Received {
  event: WebhookEvent;
  raw: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A webhook receiver: records every request; `answer` decides the status (or 'hang': never answers). */
class Receiver {
  readonly received: Received[] = [];
  answer: (event: WebhookEvent) => number | 'hang' = () => 204;
  readonly #server: Server;
  readonly #waiters = new Set<() => void>();

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(raw) as WebhookEvent;
        this.received.push({ event, raw, headers: req.headers, at: Date.now() });
        for (const wake of this.#waiters) wake();
        const status = this.answer(event);
        if (status === 'hang') return;
        res.writeHead(status).end(status >= 400 ? 'receiver says no' : '');
      });
    });
  }

  async listen(port = 0): Promise<string> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves once `check` holds over what was received; fails after `timeoutMs` saying `what`. */
  async until(check: (received: Received[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await eventually(() => check(this.received), what, timeoutMs);
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: answers of many shapes, each asserted field by field.
type Answer = { status: number; body: any };
async function call(url: string, app: App, method: string, path: string, body?: unknown, authorization: string | null = `${APP_SECRET_SCHEME} ${app.secret}`): Promise<Answer> {
  const headers: Record<string, string> = { [APP_HEADER]: app.id };
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

/** A line of GET /v1/webhooks/:id/deliveries, newest first. */
interface DeliveryLine {
  attempt: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  status: number | null;
  error: string | null;
}

const FAST = { webhookRetryBaseMs: 40, webhookRetryMaxMs: 400, webhookPollMs: 20, appsCacheMs: 0 };

for (const engine of engines()) {
  describe(`webhooks on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    let app: App;
    const receivers: Receiver[] = [];
    const clients: ChatClient[] = [];
    const receiver = () => {
      const r = new Receiver();
      receivers.push(r);
      return r;
    };
    const client = (token?: string) => {
      const c = connect(running.url, { app: app.id, ...(token ? { token } : {}), socket: { extraHeaders: { origin: 'https://shop.example' } } });
      clients.push(c);
      return c;
    };
    const api = (method: string, path: string, body?: unknown, authorization?: string | null) => call(running.url, app, method, path, body, authorization);
    const logOf = async (endpointId: string): Promise<DeliveryLine[]> => (await api('GET', `/v1/webhooks/${endpointId}/deliveries?limit=100`)).body.deliveries;

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      running = await startServer({ ...storage.options, ...FAST, webhookMaxAttempts: 3, webhookLogPerEndpoint: 4 });
      app = await running.server.apps.create('Shop', ['https://shop.example']);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      // Receivers first: a hanging one's requests then fail at once, and closing does not wait for them.
      for (const r of receivers) await r.close();
      await running.server.close();
      await storage.dispose();
    });

    test('every event type reaches the endpoint, signed with its secret, with a stable id and the room', async () => {
      const hooks = receiver();
      const created = await api('POST', '/v1/webhooks', { url: await hooks.listen() });
      assert.equal(created.status, 201);
      const { id, secret, events, enabled } = created.body.endpoint;
      assert.match(id, /^whk_/);
      assert.match(secret, /^whsec_/);
      assert.deepEqual([events, enabled], [[], true]);

      const alice = client(await signFor(app, 'alice', 'Alice'));
      const room = await alice.createRoom({ name: 'Alice' });
      const first = await room.send('hello hooks');
      await room.edit(first.id, 'hello hooks, edited');
      await room.react(first.id, '👍');
      await room.delete(first.id);
      await room.leave();
      const types = ['room.created', 'member.joined', 'message.created', 'message.updated', 'message.reacted', 'message.deleted', 'member.left'];
      await hooks.until((r) => types.every((t) => r.some((x) => x.event.type === t)), `each of ${types.join(', ')}`);

      for (const { event, raw, headers } of hooks.received) {
        assert.ok(verify(secret, raw, headers['roomchat-signature'] as string, Date.now()), `${event.type} is signed with the endpoint's secret`);
        assert.ok(!verify('whsec_other', raw, headers['roomchat-signature'] as string, Date.now()));
        assert.equal(headers['roomchat-event-id'], event.id);
        assert.equal(headers['roomchat-event-type'], event.type);
        assert.equal(headers['content-type'], 'application/json');
        assert.equal(event.appId, app.id);
        assert.deepEqual(event.room, { code: room.code, private: false });
        assert.ok(!Number.isNaN(Date.parse(event.createdAt)));
      }
      const [message] = hooks.of('message.created');
      assert.deepEqual([message!.event.id, (message!.event.data as { text: string }).text, (message!.event.data as { id: string }).id], [`evt_${first.id}`, 'hello hooks', first.id]);
      assert.equal((hooks.of('message.updated')[0]!.event.data as { text: string; target: string }).text, 'hello hooks, edited');
      assert.equal((hooks.of('message.deleted')[0]!.event.data as { target: string }).target, first.id);
      assert.deepEqual((hooks.of('message.reacted')[0]!.event.data as { emoji: string; on: boolean }).emoji, '👍');
      assert.deepEqual((hooks.of('member.joined')[0]!.event.data as { member: unknown }).member, { id: room.self.id, name: 'Alice' });
      assert.equal((hooks.of('member.left')[0]!.event.data as { member: { name: string } }).member.name, 'Alice');
      assert.equal(new Set(hooks.received.map((r) => r.event.id)).size, hooks.received.length, 'each event once');

      const log = await api('GET', `/v1/webhooks/${id}/deliveries?limit=2`);
      assert.equal(log.status, 200);
      assert.equal(log.body.deliveries.length, 2);
      assert.deepEqual(Object.keys(log.body.deliveries[0]).sort(), ['at', 'attempt', 'durationMs', 'error', 'eventId', 'outcome', 'status', 'type']);
      assert.equal(log.body.deliveries[0].outcome, 'delivered');
      assert.equal((await api('DELETE', `/v1/webhooks/${id}`)).status, 200);
    });

    test('an endpoint gets only the event types it asked for, and a ping on request', async () => {
      const hooks = receiver();
      const { body } = await api('POST', '/v1/webhooks', { url: await hooks.listen(), events: ['message.created'] });
      const room = await client().createRoom({ name: 'Bob' });
      const sent = await room.send('only this one');
      const ping = await api('POST', `/v1/webhooks/${body.endpoint.id}/ping`);
      assert.equal(ping.status, 202);
      await hooks.until((r) => r.some((x) => x.event.id === ping.body.eventId), 'the ping');
      await hooks.until((r) => r.some((x) => x.event.id === `evt_${sent.id}`), 'the message');
      assert.deepEqual(hooks.received.map((r) => r.event.type).sort(), ['message.created', 'ping']);
      assert.deepEqual(hooks.of('ping')[0]!.event.room, null);
      await api('DELETE', `/v1/webhooks/${body.endpoint.id}`);
    });

    test('a member\'s report is report.created with a stable id, delivered once however often it is repeated; a moderation action is room.moderated', async () => {
      const hooks = receiver();
      const { body } = await api('POST', '/v1/webhooks', { url: await hooks.listen(), events: ['report.created', 'room.moderated'] });
      const owner = await client().createRoom({ name: 'Frank' });
      const sent = await owner.send('spoiler: it was the butler');
      const reporter = await client().joinRoom(owner.code, { name: 'Gina' });
      assert.equal(await reporter.report(sent.id, 'spoiler'), false);
      // Repeated once the first delivery is done (and its row gone from the queue), as well as at once.
      await hooks.until((r) => r.some((x) => x.event.type === 'report.created'), 'the report');
      await eventually(async () => (await running.server.webhooks.queue.pending(body.endpoint.id)) === 0, 'the first delivery done');
      assert.equal(await reporter.report(sent.id, 'spoiler'), false);
      assert.equal(await reporter.report(sent.id, 'spoiler'), false);
      await owner.kick(reporter.self.id, 'enough');
      await hooks.until((r) => r.length >= 2, 'the report and the kick');
      await eventually(async () => (await running.server.webhooks.queue.pending(body.endpoint.id)) === 0, 'nothing left to deliver');
      const reports = hooks.of('report.created');
      assert.equal(reports.length, 1, 'one report, one delivery');
      assert.equal(reports[0]!.event.id, `evt_report_${sent.id}_${reporter.self.id}`);
      assert.deepEqual(reports[0]!.event.room, { code: owner.code, private: false });
      assert.deepEqual(
        (({ createdAt, ...rest }) => rest)(reports[0]!.event.data as Record<string, unknown>),
        { messageId: sent.id, reporterId: reporter.self.id, reason: 'spoiler', hidden: false },
      );
      const [kick] = hooks.of('room.moderated');
      assert.deepEqual([(kick!.event.data as { action: string }).action, (kick!.event.data as { target: string }).target], ['kick', reporter.self.id]);
      await api('DELETE', `/v1/webhooks/${body.endpoint.id}`);
    });

    test('a failing receiver is retried with growing delays until it answers 2xx; the log shows each attempt', async () => {
      const hooks = receiver();
      let failures = 2;
      hooks.answer = () => (failures-- > 0 ? 503 : 200);
      const { body } = await api('POST', '/v1/webhooks', { url: await hooks.listen() });
      const ping = await api('POST', `/v1/webhooks/${body.endpoint.id}/ping`);
      await hooks.until((r) => r.length === 3, 'three attempts');
      const [a, b, c] = hooks.received;
      assert.deepEqual([a, b, c].map((r) => r!.headers['roomchat-delivery-attempt']), ['1', '2', '3']);
      assert.deepEqual([a, b, c].map((r) => r!.event.id), [ping.body.eventId, ping.body.eventId, ping.body.eventId]);
      // Jittered between half and all of 40 ms, then of 80 ms.
      assert.ok(b!.at - a!.at >= 20, `first retry after ${b!.at - a!.at} ms`);
      assert.ok(c!.at - b!.at >= 40, `second retry after ${c!.at - b!.at} ms`);
      // The queue row goes before the attempt's log line is written: wait on the log, not the queue.
      let log: DeliveryLine[] = [];
      await eventually(async () => (log = await logOf(body.endpoint.id)).some((d) => d.outcome === 'delivered'), 'the delivery in the log');
      assert.equal(await running.server.webhooks.queue.pending(body.endpoint.id), 0, 'delivered leaves the queue');
      assert.deepEqual(
        log.map((d) => [d.attempt, d.outcome, d.status]),
        [[3, 'delivered', 200], [2, 'retrying', 503], [1, 'retrying', 503]],
      );
      assert.match(log[1]!.error ?? '', /HTTP 503: receiver says no/);
      await api('DELETE', `/v1/webhooks/${body.endpoint.id}`);
    });

    test('a receiver that never succeeds is given up after webhookMaxAttempts, and the log stays bounded', async () => {
      const hooks = receiver();
      hooks.answer = () => 500;
      const { body } = await api('POST', '/v1/webhooks', { url: await hooks.listen() });
      const pings = [];
      for (let i = 0; i < 2; i++) pings.push((await api('POST', `/v1/webhooks/${body.endpoint.id}/ping`)).body.eventId);
      await hooks.until((r) => r.length === 6, 'three attempts at each of two pings');
      let log: DeliveryLine[] = [];
      const failed = () => log.filter((d) => d.outcome === 'failed').length;
      // Each attempt's log line (and the pruning after it) follows its queue update: wait on the log.
      await eventually(async () => {
        log = await logOf(body.endpoint.id);
        return failed() === 2 && log.length <= 4;
      }, 'both given up, the log pruned to webhookLogPerEndpoint');
      assert.equal(await running.server.webhooks.queue.pending(body.endpoint.id), 0, 'given up leaves the queue');
      assert.equal(log.length, 4, 'webhookLogPerEndpoint: the newest 4 of 6 attempts');
      await api('DELETE', `/v1/webhooks/${body.endpoint.id}`);
    });

    test('a dead endpoint does not hold up another one', async () => {
      const dead = receiver();
      dead.answer = () => 'hang';
      const alive = receiver();
      const deadEndpoint = (await api('POST', '/v1/webhooks', { url: await dead.listen() })).body.endpoint;
      const aliveEndpoint = (await api('POST', '/v1/webhooks', { url: await alive.listen() })).body.endpoint;
      const room = await client().createRoom({ name: 'Carol' });
      const sent: { id: string }[] = [];
      for (let i = 0; i < 12; i++) sent.push(await room.send(`m${i}`));
      await alive.until((r) => sent.every((m) => r.some((x) => x.event.id === `evt_${m.id}`)), 'every message at the live endpoint');
      // webhookConcurrencyPerEndpoint (2): the dead one holds two requests, no more.
      assert.equal(dead.received.length, 2);
      await api('DELETE', `/v1/webhooks/${deadEndpoint.id}`);
      await api('DELETE', `/v1/webhooks/${aliveEndpoint.id}`);
    });

    test('hostile configuration is refused with a stable code', async () => {
      const refused = async (body: unknown, why: RegExp) => {
        const answer = await api('POST', '/v1/webhooks', body);
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.error.code, ErrorCode.INVALID_PAYLOAD);
        assert.match(answer.body.error.message, why);
      };
      await refused({ url: 'not a url' }, /does not parse/);
      await refused({ url: 'ftp://example.com/x' }, /http or https/);
      await refused({ url: 'file:///etc/passwd' }, /http or https/);
      await refused({ url: 'https://user:pw@example.com/' }, /credentials/);
      await refused({ url: `https://example.com/${'x'.repeat(3000)}` }, /2048/);
      await refused({ url: 'https://example.com/', events: ['message.exploded'] }, /events/);
      await refused({ url: 'https://example.com/', extra: true }, /extra|Unrecognized/i);
      await refused({}, /url/);
      assert.equal((await api('POST', '/v1/webhooks', { url: 'https://example.com/' }, null)).status, 401);
      const token = await signFor(app, 'mallory');
      assert.equal((await api('POST', '/v1/webhooks', { url: 'https://example.com/' }, `Bearer ${token}`)).status, 403);
      const other = await running.server.apps.create('Other', ['https://other.example']);
      const theirs = (await call(running.url, other, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/theirs' })).body.endpoint;
      for (const [method, path] of [['DELETE', ''], ['GET', '/deliveries'], ['POST', '/ping']] as const) {
        const answer = await api(method, `/v1/webhooks/${theirs.id}${path}`);
        assert.deepEqual([answer.status, answer.body.error.code], [404, ErrorCode.NOT_FOUND], `${method} another app's endpoint`);
      }
      const ours = (await api('GET', '/v1/webhooks')).body.endpoints as { id: string }[];
      assert.ok(!ours.some((e) => e.id === theirs.id), 'another app\'s endpoints are not listed');
      const listed = (await call(running.url, other, 'GET', '/v1/webhooks')).body.endpoints;
      assert.deepEqual(listed.map((e: { id: string; secret?: string }) => [e.id, e.secret]), [[theirs.id, undefined]], 'listed without the secret');
      assert.equal((await api('GET', '/v1/webhooks/x/deliveries?limit=1000')).status, 400);
    });

    test('an app without endpoints queues nothing', async () => {
      const quiet = await running.server.apps.create('Quiet', ['https://shop.example']);
      const c = connect(running.url, { app: quiet.id, socket: { extraHeaders: { origin: 'https://shop.example' } } });
      clients.push(c);
      const room = await c.createRoom({ name: 'Dan' });
      await room.send('nobody listens');
      assert.equal(await running.server.webhooks.queue.pending(), 0);
    });
  });

  describe(`webhooks across a restart on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    test('a server closed with undelivered events delivers them all after it starts again', async () => {
      if (skipped) return;
      const storage = await createStorage(engine);
      const hooks = new Receiver();
      hooks.answer = () => 'hang';
      const url = await hooks.listen();
      try {
        const first = await startServer({ ...storage.options, ...FAST, shutdownTimeoutMs: 300, webhookTimeoutMs: 30_000 });
        const app = await first.server.apps.get('default');
        const endpoint = (await call(first.url, app, 'POST', '/v1/webhooks', { url })).body.endpoint;
        const c = connect(first.url);
        const room = await c.createRoom({ name: 'Erin' });
        const sent: { id: string }[] = [];
        for (let i = 0; i < 6; i++) sent.push(await room.send(`before the restart ${i}`));
        await hooks.until((r) => r.length === 2, 'two deliveries under way (the per-endpoint bound)');
        c.close();
        await first.server.close();
        assert.ok((await countQueued(storage)) >= 6, 'the events wait in the database');

        hooks.answer = () => 200;
        const second = await startServer({ ...storage.options, ...FAST });
        try {
          await hooks.until((r) => sent.every((m) => r.some((x) => x.event.id === `evt_${m.id}` && x.headers['roomchat-delivery-attempt'] === '1')), 'every message after the restart');
          await eventually(async () => (await second.server.webhooks.queue.pending(endpoint.id)) === 0, 'the queue empties');
        } finally {
          await second.server.close();
        }
      } finally {
        await hooks.close();
        await storage.dispose();
      }
    });
  });
}

describe('a receiver that does not answer in time', () => {
  plainTest('is cut off at webhookTimeoutMs and retried; the log says so', async () => {
    const storage = await createStorage('sqlite');
    const hooks = new Receiver();
    hooks.answer = () => 'hang';
    const url = await hooks.listen();
    const running = await startServer({ ...storage.options, ...FAST, webhookTimeoutMs: 150 });
    try {
      const app = await running.server.apps.get('default');
      const { endpoint } = (await call(running.url, app, 'POST', '/v1/webhooks', { url })).body;
      const started = Date.now();
      await call(running.url, app, 'POST', `/v1/webhooks/${endpoint.id}/ping`);
      await hooks.until((r) => r.length >= 2, 'a second attempt after the first timed out');
      assert.ok(Date.now() - started >= 150, 'not before the timeout');
      const log = (await call(running.url, app, 'GET', `/v1/webhooks/${endpoint.id}/deliveries`)).body.deliveries;
      assert.deepEqual([log.at(-1).outcome, log.at(-1).status, log.at(-1).error], ['retrying', null, 'no answer within 150 ms']);
      assert.ok(log.at(-1).durationMs >= 140, `cut off after ${log.at(-1).durationMs} ms`);
    } finally {
      await hooks.close();
      await running.server.close();
      await storage.dispose();
    }
  });
});

/** Rows in the webhook queue of a stopped server's database. */
async function countQueued(storage: TestStorage): Promise<number> {
  const { openDatabase } = await import('./db.js');
  const db = openDatabase({ databaseUrl: storage.options.databaseUrl, dataDir: storage.options.dataDir!, ...(storage.options.searchPath ? { searchPath: storage.options.searchPath } : {}) });
  try {
    return Number((await db('webhook_queue').count<{ n: number }[]>({ n: '*' }))[0]!.n);
  } finally {
    await db.destroy();
  }
}

describe('webhooks with two nodes on PostgreSQL and Redis', () => {
  const { test } = testNeeding('TEST_DATABASE_URL', 'TEST_REDIS_URL');
  test('each event reaches the endpoint exactly once, whichever node committed it and whichever delivers it', async () => {
    const storage = await createStorage('postgres');
    const hooks = new Receiver();
    const url = await hooks.listen();
    const prefix = `roomchat-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    const nodes: RunningServer[] = [];
    const clients: ChatClient[] = [];
    try {
      for (let i = 0; i < 2; i++) nodes.push(await startServer({ ...storage.options, ...FAST, redisUrl: process.env.TEST_REDIS_URL!, redisKeyPrefix: prefix }));
      const app = await nodes[0]!.server.apps.get('default');
      await call(nodes[0]!.url, app, 'POST', '/v1/webhooks', { url, events: ['message.created'] });
      const rooms = [];
      for (const node of nodes) {
        const c = connect(node.url);
        clients.push(c);
        rooms.push(await c.createRoom({ name: `On ${node.url}` }));
      }
      const sent = await Promise.all(rooms.flatMap((room) => Array.from({ length: 40 }, (_, i) => room.send(`n${i}`))));
      await hooks.until((r) => r.length >= sent.length, `${sent.length} deliveries`);
      // Every node polls every 20 ms: give a duplicate the time to show up before counting.
      for (const node of nodes) await eventually(async () => (await node.server.webhooks.queue.pending()) === 0, 'the queue empties');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const ids = hooks.received.map((r) => r.event.id).sort();
      assert.deepEqual(ids, sent.map((m) => `evt_${m.id}`).sort());
    } finally {
      for (const c of clients) c.close();
      for (const node of nodes) await node.server.close();
      await hooks.close();
      await storage.dispose();
    }
  });
});

describe('retry delays and private addresses', () => {
  plainTest('retries wait twice as long each time, with jitter, up to the maximum', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 5000, 1)), [1000, 2000, 4000, 5000]);
    assert.deepEqual([1, 2, 3].map((n) => retryDelay(n, 1000, 5000, 0)), [500, 1000, 2000]);
  });
  plainTest('private, loopback and link-local addresses are recognised, after DNS too', async () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) assert.ok(isPrivateAddress(a), a);
    for (const a of ['93.184.216.34', '2606:2800:220:1::1', '8.8.8.8']) assert.ok(!isPrivateAddress(a), a);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));
    assert.equal(err?.code, 'EPRIVATE');
  });
});
