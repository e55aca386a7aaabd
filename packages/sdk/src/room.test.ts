// Room's own logic (outbox order, retry and backoff, expiry, leave, gap catch-up) against a fake
// transport and mocked timers: no server, no sockets, no waiting on the clock.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ChatError } from './errors.js';
import { memoryOutboxStore, Outbox, type OutboxEntry } from './outbox.js';
import { DEFAULT_LIMITS, ErrorCode, type ChatMessage, type ClientToServerEvents, type Member, type RoomSnapshot } from './protocol.js';
import { Room, type RoomTransport } from './room.js';

const CODE = 'ROOMCODE';
const ALICE: Member = { id: 'alice-public', name: 'Alice' };

const message = (seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `id${seq}`,
  roomCode: CODE,
  seq,
  kind: 'text',
  author: 'Someone',
  text: `m${seq}`,
  createdAt: new Date(0).toISOString(),
  ...extra,
});

const snapshot = (messages: ChatMessage[] = [message(1)], extra: Partial<RoomSnapshot> = {}): RoomSnapshot => ({
  code: CODE,
  createdAt: new Date(0).toISOString(),
  self: ALICE,
  members: [ALICE],
  messages,
  hasMore: false,
  limits: { ...DEFAULT_LIMITS },
  ...extra,
});

type Event = keyof ClientToServerEvents;
type Answer = (payload: Record<string, unknown>) => unknown;

/**
 * A RoomTransport that records every request and answers each from a script: `on(event, answer)`
 * sets how an event is answered (a value, or a ChatError to reject with); sends are by default
 * stored with the next seq.
 */
class FakeTransport implements RoomTransport {
  readonly outbox: Outbox;
  readonly requests: Array<{ event: Event; payload: Record<string, unknown> }> = [];
  readonly forgotten: Room[] = [];
  readonly answers = new Map<Event, Answer[]>();
  nextSeq = 2;

  constructor(outbox = new Outbox(memoryOutboxStore(), 60_000)) {
    this.outbox = outbox;
  }

  /** Answers the next `event` with `answer` (once), before the defaults. */
  once(event: Event, answer: Answer | ChatError | object): this {
    const list = this.answers.get(event) ?? [];
    list.push(typeof answer === 'function' ? (answer as Answer) : () => answer);
    this.answers.set(event, list);
    return this;
  }

  sent(): string[] {
    return this.requests.filter((r) => r.event === 'message:send').map((r) => String(r.payload.text ?? r.payload.imageId));
  }

  request<E extends Event>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<never> {
    const body = payload as unknown as Record<string, unknown>;
    this.requests.push({ event, payload: body });
    const scripted = this.answers.get(event)?.shift();
    const answer = scripted ? scripted(body) : this.#default(event, body);
    return Promise.resolve(answer).then((value) => {
      if (value instanceof ChatError) throw value;
      return value as never;
    });
  }

  #default(event: Event, payload: Record<string, unknown>): unknown {
    if (event === 'message:send') {
      return { ok: true, message: message(this.nextSeq++, { author: 'Alice', authorId: ALICE.id, text: payload.text as string, clientId: payload.clientId as string }) };
    }
    if (event === 'room:leave') return { ok: true };
    if (event === 'message:history') return { ok: true, messages: [], hasMore: false };
    throw new Error(`no answer for ${event}`);
  }

  upload(): never {
    throw new Error('not used');
  }
  resolveUrl(path: string): string {
    return `http://chat.example${path}`;
  }
  openDirect(): Promise<Room> {
    return Promise.reject(new Error('not used here'));
  }
  forget(room: Room): void {
    this.forgotten.push(room);
  }
  readonly renames: string[] = [];
  renamed(room: Room, oldCode: string): void {
    this.renames.push(`${oldCode}->${room.code}`);
  }
}

/** Lets promise callbacks and microtasks run (the fake transport answers asynchronously). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Mocked setTimeout and Date, and a way to move time on and let the room react. */
function clock(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.UTC(2026, 11, 6, 12) });
  return async (ms: number) => {
    t.mock.timers.tick(ms);
    await settle();
  };
}

const unavailable = () => new ChatError(ErrorCode.UNAVAILABLE, 'Storage is unavailable');

test('sends go out one at a time in the order made, each resolving with its stored message, and leave the outbox when acknowledged', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  const pending: number[] = [];
  room.on('pending', (entries) => pending.push(entries.length));
  let inFlight = 0;
  let most = 0;
  for (let i = 0; i < 3; i++) {
    transport.once('message:send', async (payload) => {
      most = Math.max(most, ++inFlight);
      await settle();
      inFlight--;
      return { ok: true, message: message(2 + i, { text: payload.text as string, clientId: payload.clientId as string }) };
    });
  }
  const results = await Promise.all(['one', 'two', 'three'].map((text) => room.send(text)));
  assert.deepEqual(results.map((m) => m.text), ['one', 'two', 'three']);
  assert.deepEqual(transport.sent(), ['one', 'two', 'three']);
  assert.equal(most, 1, 'never two sends awaiting an ack at once');
  assert.deepEqual(room.pending, []);
  assert.equal(pending.at(-1), 0);
  assert.ok(Math.max(...pending) >= 1, 'pending listed the queued sends');
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4], 'acknowledged messages enter the timeline');
});

test('a send is queued with its client id and the time it was queued', async (t) => {
  clock(t);
  const transport = new FakeTransport();
  transport.once('message:send', () => new Promise(() => {})); // never answered
  const room = new Room(transport, snapshot(), 'alice-private');
  void room.send('hello', { clientId: 'my-id' });
  await settle();
  assert.deepEqual(room.pending, [{ roomCode: CODE, clientId: 'my-id', text: 'hello', queuedAt: new Date(Date.UTC(2026, 11, 6, 12)).toISOString() }]);
  assert.deepEqual(transport.requests[0]!.payload, { code: CODE, clientId: 'my-id', text: 'hello' });
  void room.sendUploadedImage('img-1', { clientId: 'img-send' });
  assert.deepEqual(room.pending[1], { roomCode: CODE, clientId: 'img-send', imageId: 'img-1', queuedAt: room.pending[0]!.queuedAt });
});

test('UNAVAILABLE and TIMEOUT are retried after 0.5, 1, 2, 5 and then every 10 s; a success starts the backoff over', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  const failures = [unavailable(), new ChatError(ErrorCode.TIMEOUT, 'No answer'), unavailable(), unavailable(), unavailable(), unavailable()];
  for (const failure of failures) transport.once('message:send', failure);
  let stored: ChatMessage | undefined;
  void room.send('persistent').then((m) => (stored = m));
  await settle();
  const attempts = () => transport.sent().length;
  assert.equal(attempts(), 1);
  for (const [wait, expected] of [[500, 2], [1000, 3], [2000, 4], [5000, 5], [10_000, 6], [10_000, 7]] as const) {
    await advance(wait - 1);
    assert.equal(attempts(), expected - 1, `not before ${wait} ms`);
    await advance(1);
    assert.equal(attempts(), expected, `retried after ${wait} ms`);
  }
  assert.equal(stored?.text, 'persistent', 'the seventh attempt was stored');
  assert.deepEqual(room.pending, []);

  // The backoff starts over after a success.
  transport.once('message:send', unavailable());
  void room.send('next');
  await settle();
  await advance(499);
  assert.equal(attempts(), 8);
  await advance(1);
  assert.equal(attempts(), 9);
});

test('RATE_LIMITED waits as long as the server asks', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  transport.once('message:send', new ChatError(ErrorCode.RATE_LIMITED, 'Too many', { retryAfterMs: 3000 }));
  const room = new Room(transport, snapshot(), 'alice-private');
  const sent = room.send('later');
  await settle();
  await advance(2999);
  assert.equal(transport.sent().length, 1);
  await advance(1);
  assert.equal((await sent).text, 'later');
});

test('a send failing with DISCONNECTED waits for the re-join instead of a timer, and goes out after it', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  transport.once('message:send', new ChatError(ErrorCode.DISCONNECTED, 'The connection was lost'));
  const room = new Room(transport, snapshot(), 'alice-private');
  const sent = room.send('across a reconnect');
  await settle();
  room._offline();
  await advance(60_000);
  assert.equal(transport.sent().length, 1, 'no timer retries a lost connection');
  assert.equal(room.pending.length, 1);
  room._resync(snapshot([message(1)]));
  await settle();
  assert.equal((await sent).text, 'across a reconnect');
  assert.equal(transport.sent().length, 2);
});

test('while offline, sends are held; the re-join sends them, in order', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  room._offline();
  const sends = [room.send('a'), room.send('b')];
  await settle();
  assert.deepEqual(transport.sent(), []);
  assert.deepEqual(room.pending.map((e) => e.text), ['a', 'b']);
  room._resync(snapshot([message(1)]));
  assert.deepEqual((await Promise.all(sends)).map((m) => m.text), ['a', 'b']);
});

test('a failure retrying cannot cure rejects that send, emits send-failed, drops it from the outbox, and the next send goes on', async () => {
  const transport = new FakeTransport();
  transport.once('message:send', new ChatError(ErrorCode.MESSAGE_TOO_LONG, 'Too long'));
  const room = new Room(transport, snapshot(), 'alice-private');
  const failed: Array<[string | undefined, string]> = [];
  room.on('send-failed', (entry, error) => failed.push([entry.text, error.code]));
  const tooLong = room.send('x'.repeat(10));
  const fine = room.send('fine');
  await assert.rejects(tooLong, { code: 'MESSAGE_TOO_LONG' });
  assert.equal((await fine).text, 'fine');
  assert.deepEqual(failed, [['x'.repeat(10), 'MESSAGE_TOO_LONG']]);
  assert.deepEqual(room.pending, []);
});

test('an error that is not a ChatError fails the send as INTERNAL', async () => {
  const transport = new FakeTransport();
  transport.once('message:send', () => Promise.reject(new TypeError('boom')));
  const room = new Room(transport, snapshot(), 'alice-private');
  await assert.rejects(room.send('x'), (e: unknown) => e instanceof ChatError && e.code === 'INTERNAL' && e.message.includes('boom'));
});

test('sending a client id already queued joins the first send: one request, both resolve with the stored message', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  room._offline();
  const first = room.send('once', { clientId: 'dup' });
  const again = room.send('once', { clientId: 'dup' });
  assert.equal(room.pending.length, 1);
  room._resync(snapshot([message(1)]));
  const [a, b] = await Promise.all([first, again]);
  assert.equal(a.id, b.id);
  assert.equal(transport.sent().length, 1);
});

test('leave() drops the pending sends, rejects them with DISCONNECTED, closes the room and tells the client to forget it, even when the leave request fails', async () => {
  for (const leaveAnswer of [{ ok: true }, new ChatError(ErrorCode.TIMEOUT, 'No answer')]) {
    const transport = new FakeTransport();
    const room = new Room(transport, snapshot(), 'alice-private');
    room._offline();
    const pending = [room.send('never sent 1'), room.send('never sent 2')];
    for (const p of pending) p.catch(() => undefined);
    let closed = 0;
    room.on('closed', () => closed++);
    transport.once('room:leave', leaveAnswer);
    const leaving = room.leave();
    if (leaveAnswer instanceof ChatError) await assert.rejects(leaving, { code: 'TIMEOUT' });
    else await leaving;
    assert.deepEqual(room.pending, [], 'no send is kept for later');
    assert.deepEqual(transport.outbox.entries(CODE), [], 'nor left in the outbox');
    for (const p of pending) await assert.rejects(p, { code: 'DISCONNECTED' });
    assert.equal(room.left, true);
    assert.equal(closed, 1);
    assert.deepEqual(transport.forgotten, [room]);
    assert.deepEqual(transport.requests.filter((r) => r.event === 'room:leave').map((r) => r.payload), [{ code: CODE }]);

    await room.leave();
    assert.equal(transport.requests.filter((r) => r.event === 'room:leave').length, 1, 'leaving twice asks once');
    await assert.rejects(room.send('after leaving'), { code: 'NOT_A_MEMBER' });
    room._resync(snapshot([message(1)]));
    assert.equal(transport.sent().length, 0, 'nothing goes out once left');
  }
});

test("leave() keeps other rooms' sends in the shared outbox", async () => {
  const outbox = new Outbox(memoryOutboxStore(), 60_000);
  const other: OutboxEntry = { roomCode: 'OTHERROOM', clientId: 'o1', text: 'elsewhere', queuedAt: new Date().toISOString() };
  outbox.add(other);
  const transport = new FakeTransport(outbox);
  const room = new Room(transport, snapshot(), 'alice-private');
  await room.leave();
  assert.deepEqual(outbox.entries('OTHERROOM'), [other]);
});

test('a send stored resolves with its message even when a listener closes the room as the ack releases later entries', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  let answer!: (value: unknown) => void;
  transport.once('message:send', () => new Promise((resolve) => (answer = resolve)));
  const sent = room.send('hello');
  await settle();
  room._receive(message(3, { kind: 'leave', text: undefined })); // held: it comes after ours
  room.on('message', (m) => {
    if (m.kind === 'leave') room._closed(); // as the README's alice.mjs closes its client
  });
  answer({ ok: true, message: message(2, { text: 'hello' }) });
  assert.equal((await sent).seq, 2, 'stored, so resolved, not rejected');
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3]);
});

test('a closed room (client closed) cancels its retry timer and rejects what waits', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  transport.once('message:send', unavailable());
  const room = new Room(transport, snapshot(), 'alice-private');
  const sent = room.send('x');
  await settle();
  room._closed();
  await assert.rejects(sent, { code: 'DISCONNECTED' });
  await advance(30_000);
  assert.equal(transport.sent().length, 1, 'no retry after closing');
  assert.equal(room.pending.length, 1, 'closing the client keeps the send for next time');
});

test('sends left in the outbox by an earlier page load go out when the room is created; entries past their age do not', async (t) => {
  const advance = clock(t);
  const outbox = new Outbox(memoryOutboxStore(), 60_000);
  const queued = (clientId: string, msAgo: number): OutboxEntry => ({ roomCode: CODE, clientId, text: clientId, queuedAt: new Date(Date.now() - msAgo).toISOString() });
  outbox.add(queued('expired', 60_001));
  outbox.add(queued('fresh', 59_000));
  const transport = new FakeTransport(outbox);
  new Room(transport, snapshot(), 'alice-private');
  await settle();
  assert.deepEqual(transport.sent(), [], "not before the creator's turn is over (it may still add listeners)");
  await advance(0);
  assert.deepEqual(transport.sent(), ['fresh']);
});

test('a live message beyond a gap (a broadcast was lost) is held back, the gap is fetched from history, and all are released in order', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1), message(2)]), 'alice-private');
  const released: number[] = [];
  room.on('message', (m) => released.push(m.seq));
  transport.once('message:history', { ok: true, messages: [message(3), message(4)], hasMore: false });
  room._receive(message(5));
  assert.deepEqual(released, [], 'held back');
  await settle();
  const history = transport.requests.find((r) => r.event === 'message:history');
  assert.deepEqual(history?.payload, { code: CODE, after: 2, limit: DEFAULT_LIMITS.historyMaxPageSize });
  assert.deepEqual(released, [3, 4, 5]);
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
});

test('a gap is fetched page by page until it is filled', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  transport.once('message:history', { ok: true, messages: [message(2), message(3)], hasMore: true });
  transport.once('message:history', { ok: true, messages: [message(4)], hasMore: false });
  room._receive(message(6));
  transport.once('message:history', { ok: true, messages: [message(5)], hasMore: false });
  await settle();
  const afters = transport.requests.filter((r) => r.event === 'message:history').map((r) => r.payload.after);
  assert.deepEqual(afters, [1, 3, 4]);
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
});

test('while its own send awaits the ack, a gap is not fetched (it may be that very message); after the ack it is', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  let answer!: (value: unknown) => void;
  transport.once('message:send', () => new Promise((resolve) => (answer = resolve)));
  const sent = room.send('mine');
  await settle();
  room._receive(message(3)); // someone else's, stored after ours
  await settle();
  assert.equal(transport.requests.filter((r) => r.event === 'message:history').length, 0);
  answer({ ok: true, message: message(2, { text: 'mine' }) });
  await sent;
  await settle();
  assert.equal(transport.requests.filter((r) => r.event === 'message:history').length, 0, 'the ack filled the gap');
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3]);

  // A gap that the ack does not fill is fetched once the ack is in.
  transport.once('message:send', () => new Promise((resolve) => (answer = resolve)));
  transport.once('message:history', { ok: true, messages: [message(5)], hasMore: false });
  const second = room.send('again');
  await settle();
  room._receive(message(6));
  answer({ ok: true, message: message(4, { text: 'again' }) });
  await second;
  await settle();
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
});

test('the re-join after a reconnect replaces members and catches up what was missed, then flushes', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  const members: string[][] = [];
  room.on('members', (list) => members.push(list.map((m) => m.name)));
  room._offline();
  const sent = room.send('after');
  transport.once('message:history', { ok: true, messages: [message(2)], hasMore: false });
  transport.nextSeq = 5;
  room._resync(snapshot([message(3), message(4)], { members: [ALICE, { id: 'bob', name: 'Bob' }] }));
  assert.deepEqual(members, [['Alice', 'Bob']]);
  assert.deepEqual((await sent).seq, 5);
  await settle();
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(transport.requests.findIndex((r) => r.event === 'message:history') < transport.requests.findIndex((r) => r.event === 'message:send'), true, 'caught up before sending');
});

test('members join and leave with events; a leave of someone unknown is ignored', () => {
  const room = new Room(new FakeTransport(), snapshot(), 'alice-private');
  const seen: string[] = [];
  room.on('member-joined', (m) => seen.push(`+${m.name}`));
  room.on('member-left', (m) => seen.push(`-${m.name}`));
  room.on('members', (list) => seen.push(list.map((m) => m.name).join(',')));
  room._memberJoined({ id: 'bob', name: 'Bob' });
  room._memberLeft({ id: 'nobody', name: 'Nobody' });
  room._memberLeft({ id: 'bob', name: 'Bob' });
  assert.deepEqual(seen, ['+Bob', 'Alice,Bob', '-Bob', 'Alice']);
});

test('loadOlder prepends the page before the oldest message, and stops when there is no more', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(5), message(6)], { hasMore: true }), 'alice-private');
  const history: number[][] = [];
  room.on('history', (older) => history.push(older.map((m) => m.seq)));
  transport.once('message:history', { ok: true, messages: [message(3), message(4)], hasMore: false });
  assert.deepEqual((await room.loadOlder(2)).map((m) => m.seq), [3, 4]);
  assert.deepEqual(transport.requests.at(-1)?.payload, { code: CODE, before: 5, limit: 2 });
  assert.deepEqual(history, [[3, 4]]);
  assert.equal(room.hasMore, false);
  assert.deepEqual(await room.loadOlder(), []);
  assert.equal(transport.requests.length, 1, 'no request once nothing is older');
});

test("image URLs are made absolute with the client's base; absolute ones are kept", () => {
  const image = { id: 'i', mime: 'image/png' as const, width: 1, height: 1, size: 1, url: '/v1/images/i', thumbUrl: '/v1/images/i/thumbnail' };
  const room = new Room(new FakeTransport(), snapshot([message(1, { kind: 'image', image }), message(2, { kind: 'image', image: { ...image, url: 'https://cdn.example/i', thumbUrl: 'https://cdn.example/t' } })]), 'alice-private');
  assert.deepEqual(room.messages.map((m) => [m.image?.url, m.image?.thumbUrl]), [
    ['http://chat.example/v1/images/i', 'http://chat.example/v1/images/i/thumbnail'],
    ['https://cdn.example/i', 'https://cdn.example/t'],
  ]);
  assert.deepEqual(room._joinPayload, { code: CODE, name: 'Alice', memberId: 'alice-private' });
});

test('self, limits and the image calls: an uploaded image is sent as an image message', async () => {
  const transport = new FakeTransport();
  const image = { id: 'img-9', mime: 'image/png' as const, width: 2, height: 2, size: 10, url: '/v1/images/img-9', thumbUrl: '/v1/images/img-9/thumbnail' };
  const uploads: Array<[string, unknown]> = [];
  transport.upload = (async (code: string, source: unknown) => {
    uploads.push([code, source]);
    return image;
  }) as never;
  transport.once('message:send', (payload) => ({ ok: true, message: message(2, { kind: 'image', image, clientId: payload.clientId as string }) }));
  const room = new Room(transport, snapshot([message(1)], { limits: { ...DEFAULT_LIMITS, messageMaxLength: 99 } }), 'alice-private');
  assert.deepEqual(room.self, ALICE);
  assert.equal(room.limits.messageMaxLength, 99);
  const sent = await room.sendImage('the-file' as never, { clientId: 'pic' });
  assert.deepEqual(uploads, [[CODE, 'the-file']]);
  assert.deepEqual(transport.requests.at(-1)?.payload, { code: CODE, clientId: 'pic', imageId: 'img-9' });
  assert.equal(sent.image?.url, 'http://chat.example/v1/images/img-9');
});

test('a relative image URL with a colon in it is still made absolute', () => {
  const image = { id: 'i', mime: 'image/png' as const, width: 1, height: 1, size: 1, url: '/v1/images/i?v=a:b', thumbUrl: '/v1/images/i/thumbnail?v=a:b' };
  const room = new Room(new FakeTransport(), snapshot([message(1, { kind: 'image', image })]), 'alice-private');
  assert.equal(room.messages[0]!.image?.url, 'http://chat.example/v1/images/i?v=a:b');
});

test('errors say what happened: a send after leaving, a send dropped by leaving, a failure that was not a ChatError keeps its cause', async () => {
  const transport = new FakeTransport();
  const cause = new TypeError('boom');
  transport.once('message:send', () => Promise.reject(cause));
  const room = new Room(transport, snapshot(), 'alice-private');
  await assert.rejects(room.send('x'), (e: unknown) => e instanceof ChatError && e.cause === cause);
  room._offline();
  const dropped = room.send('dropped');
  room._closed();
  room._closed();
  await assert.rejects(dropped, { code: 'DISCONNECTED', message: 'The room was left before the message was sent' });
  await assert.rejects(room.send('late'), { code: 'NOT_A_MEMBER', message: 'The room was left' });
  assert.equal(transport.forgotten.length, 1, 'closing twice closes once');
});

test('pending is announced as each send is queued', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  room._offline();
  const seen: string[][] = [];
  room.on('pending', (entries) => seen.push(entries.map((e) => e.text!)));
  void room.send('a');
  void room.send('b');
  assert.deepEqual(seen, [['a'], ['a', 'b']]);
});

test('a DISCONNECTED answer is never retried on a timer, even before the client noticed the drop', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  transport.once('message:send', new ChatError(ErrorCode.DISCONNECTED, 'lost'));
  const room = new Room(transport, snapshot(), 'alice-private');
  void room.send('x');
  await settle();
  await advance(60_000);
  assert.equal(transport.sent().length, 1);
});

test('a live message in sequence is released at once, as a message event', () => {
  const room = new Room(new FakeTransport(), snapshot([message(1)]), 'alice-private');
  const released: number[] = [];
  room.on('message', (m) => released.push(m.seq));
  room._receive(message(2));
  room._receive(message(2));
  assert.deepEqual(released, [2], 'once');
});

test('one catch-up at a time: gaps seen while one runs are fetched by it, and a later gap starts another', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  let answer!: (value: unknown) => void;
  transport.once('message:history', () => new Promise((resolve) => (answer = resolve)));
  room._receive(message(3));
  room._receive(message(5));
  await settle();
  const histories = () => transport.requests.filter((r) => r.event === 'message:history').length;
  assert.equal(histories(), 1, 'one request while it is under way');
  transport.once('message:history', { ok: true, messages: [message(4)], hasMore: false });
  answer({ ok: true, messages: [message(2)], hasMore: false });
  await settle();
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
  transport.once('message:history', { ok: true, messages: [message(6)], hasMore: false });
  room._receive(message(7));
  await settle();
  assert.equal(histories(), 3, 'a gap after the first catch-up ended is fetched too');
  assert.deepEqual(room.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7]);
});

test('a gap that history cannot fill (nothing more to fetch) ends the catch-up instead of asking forever', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  room._receive(message(3));
  await settle();
  assert.equal(transport.requests.filter((r) => r.event === 'message:history').length, 1);
  assert.deepEqual(room.messages.map((m) => m.seq), [1], 'still waiting for seq 2');
});

test('offline, a gap is not fetched; after a re-join whose catch-up fails, held sends wait instead of going out past the gap', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([message(1)]), 'alice-private');
  room._offline();
  room._receive(message(3));
  await settle();
  assert.equal(transport.requests.length, 0, 'no request while offline');
  void room.send('held').catch(() => undefined);
  transport.once('message:history', new ChatError(ErrorCode.TIMEOUT, 'No answer'));
  room._resync(snapshot([message(4)]));
  await settle();
  assert.deepEqual(transport.sent(), [], 'not sent while the gap is open');
});

test('loadOlder on an empty room asks for the newest page without a cursor, and announces only pages that added something', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot([], { hasMore: true }), 'alice-private');
  let announced = 0;
  room.on('history', () => announced++);
  transport.once('message:history', { ok: true, messages: [], hasMore: true });
  assert.deepEqual(await room.loadOlder(), []);
  assert.deepEqual(transport.requests[0]!.payload, { code: CODE });
  assert.equal(announced, 0);
});
