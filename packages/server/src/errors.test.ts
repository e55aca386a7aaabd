import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { io as rawSocket, type Socket } from 'socket.io-client';
import type { ChatClient, ChatMessage } from '@roomchat/sdk';
import { connect, createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('bad input gets a clear, stable error and the server keeps serving', () => {
  let storage: TestStorage;
  let running: RunningServer;
  let roomCode: string;
  const clients: ChatClient[] = [];
  const sockets: Socket[] = [];
  const client = () => {
    const c = connect(running.url);
    clients.push(c);
    return c;
  };
  /** A bare socket.io client, to send what the SDK never would. */
  const raw = async () => {
    const s = rawSocket(running.url, { transports: ['websocket'], reconnection: false });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('connect_error', reject));
    return s;
  };
  const post = async (path: string, body: string | Buffer, contentType = 'application/octet-stream') => {
    const res = await fetch(running.url + path, { method: 'POST', body, headers: { 'content-type': contentType } });
    return { status: res.status, body: (await res.json()) as ErrorBody & Record<string, unknown> };
  };

  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, imageMaxPixels: 1_000_000, imageMaxBytes: 512 * 1024, joinFailuresPerWindow: 1000 });
    roomCode = (await client().createRoom({ name: 'Host' })).code;
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const s of sockets) s.close();
    await running.server.close();
    await storage.dispose();
  });

  test('message length is checked in characters: 4000 pass, 4001 is MESSAGE_TOO_LONG, blank is MESSAGE_EMPTY', async () => {
    const room = await client().joinRoom(roomCode, { name: 'Writer' });
    const longest = '😀'.repeat(4000); // 8000 UTF-16 units, 16000 bytes: still one message
    assert.equal((await room.send(longest)).text, longest);
    await assert.rejects(room.send('x'.repeat(4001)), { code: 'MESSAGE_TOO_LONG' });
    await assert.rejects(room.send(' \n\t '), { code: 'MESSAGE_EMPTY' });
    await assert.rejects(room.send('bell\u0007'), { code: 'INVALID_PAYLOAD' });
  });

  test('names must be 1..40 characters without control or text-direction characters (NAME_INVALID)', async () => {
    const c = client();
    for (const name of ['', '   ', 'x'.repeat(41), 'evil\u202Etxt.exe', 'tab\u0000bed', 'iso\u2067late']) {
      await assert.rejects(c.joinRoom(roomCode, { name }), { code: 'NAME_INVALID' }, JSON.stringify(name));
    }
    // Counted in code points: the emoji (3 of them, joined) does not count as 5 UTF-16 units.
    const prefix = 'Zoë 👩‍💻 ';
    assert.equal([...prefix].length, 8);
    await assert.rejects(c.joinRoom(roomCode, { name: prefix + 'y'.repeat(33) }), { code: 'NAME_INVALID' });
    const ok = await c.joinRoom(roomCode, { name: prefix + 'y'.repeat(32) });
    assert.equal([...ok.self.name].length, 40);
  });

  test('an unknown or malformed code gets the same ROOM_NOT_FOUND answer, on sockets and HTTP', async () => {
    const c = client();
    const errors = [];
    for (const code of ['ZZZZZZZZ', '!!', 'x'.repeat(64), '']) {
      errors.push(await c.joinRoom(code, { name: 'Guess' }).catch((e: unknown) => e));
    }
    for (const e of errors) assert.deepEqual({ code: (e as ErrorBody['error']).code, message: (e as Error).message }, { code: 'ROOM_NOT_FOUND', message: 'No room has that code' });
    const res = await fetch(`${running.url}/v1/rooms/ZZZZZZZZ`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: 'ROOM_NOT_FOUND', message: 'No room has that code' } });
  });

  test('an image id from another room is refused with IMAGE_NOT_FOUND', async () => {
    const other = await client().createRoom({ name: 'Other' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const image = await other.uploadImage(png);
    const here = await client().joinRoom(roomCode, { name: 'Thief' });
    await assert.rejects(here.sendUploadedImage(image.id), { code: 'IMAGE_NOT_FOUND' });
    await assert.rejects(here.sendUploadedImage('no-such-image'), { code: 'IMAGE_NOT_FOUND' });
    assert.equal((await other.sendUploadedImage(image.id)).image?.id, image.id, 'in its own room it is fine');
  });

  test('uploads are typed by their bytes: HTML labelled PNG, SVG and garbage are UNSUPPORTED_MEDIA_TYPE', async () => {
    const path = `/v1/rooms/${roomCode}/images`;
    const html = await post(path, '<html><script>alert(1)</script></html>', 'image/png');
    assert.deepEqual([html.status, html.body.error.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const svg = await post(path, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'image/svg+xml');
    assert.deepEqual([svg.status, svg.body.error.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const truncated = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123' } }).png().toBuffer()).subarray(0, 60);
    const broken = await post(path, truncated, 'image/png');
    assert.deepEqual([broken.status, broken.body.error.code], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const empty = await post(path, '', 'image/png');
    assert.deepEqual([empty.status, empty.body.error.code], [400, 'INVALID_PAYLOAD']);
  });

  test('concurrent uploads beyond the processing limit wait their turn and all succeed', async () => {
    const limited = await startServer({ ...storage.options, imageProcessingConcurrency: 1 });
    try {
      const code = ((await (await fetch(`${limited.url}/v1/rooms`, { method: 'POST' })).json()) as { room: { code: string } }).room.code;
      const images = await Promise.all(
        ['#f00', '#0f0', '#00f', '#ff0'].map((background) => sharp({ create: { width: 600, height: 400, channels: 3, background } }).png().toBuffer()),
      );
      const answers = await Promise.all(
        images.map(async (png) => (await fetch(`${limited.url}/v1/rooms/${code}/images`, { method: 'POST', body: png })).status),
      );
      assert.deepEqual(answers, [201, 201, 201, 201]);
    } finally {
      await limited.server.close();
    }
  });

  test('a pixel bomb and an oversized upload are PAYLOAD_TOO_LARGE', async () => {
    const path = `/v1/rooms/${roomCode}/images`;
    // 2000 x 2000 = 4 M pixels against a 1 M limit: small to send, large to decode.
    const bomb = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer();
    assert.ok(bomb.length < 512 * 1024, 'the bomb itself is under the byte limit');
    const res = await post(path, bomb, 'image/png');
    assert.deepEqual([res.status, res.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
    const big = await post(path, Buffer.alloc(600 * 1024, 1), 'image/png');
    assert.deepEqual([big.status, big.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
  });

  test('malformed socket events are answered with INVALID_PAYLOAD, never a crash or a silent hang', async () => {
    const s = await raw();
    const ask = (event: string, ...args: unknown[]) => s.timeout(2000).emitWithAck(event, ...args) as Promise<{ ok: boolean; error?: { code: string } }>;
    for (const payload of ['a string', null, 42, [1, 2], { code: 5 }, { name: { first: 'x' } }]) {
      const res = await ask('room:join', payload);
      assert.equal(res.ok, false, JSON.stringify(payload));
      assert.ok(['INVALID_PAYLOAD', 'NAME_INVALID'].includes(res.error!.code), `${JSON.stringify(payload)} -> ${res.error!.code}`);
    }
    const join = await ask('room:join', { code: roomCode, name: 'Raw' });
    assert.equal(join.ok, true);
    for (const payload of [{ code: roomCode }, { code: roomCode, clientId: 'a', text: 'x', imageId: 'b' }, { code: roomCode, clientId: 'bad id!', text: 'x' }, { code: roomCode, clientId: 'a', text: ['x'] }]) {
      const res = await ask('message:send', payload);
      assert.deepEqual([res.ok, res.error?.code], [false, 'INVALID_PAYLOAD'], JSON.stringify(payload));
    }
    const history = await ask('message:history', { code: roomCode, before: -1 });
    assert.equal(history.error?.code, 'INVALID_PAYLOAD');
    s.emit('message:send', { code: roomCode, clientId: 'no-ack', text: 'fire and forget' }); // no ack: ignored
    const notMember = await ask('message:send', { code: 'ABCDEFGH', clientId: 'x', text: 'hi' });
    assert.equal(notMember.error?.code, 'NOT_A_MEMBER');
  });

  test('an unknown event is answered with UNKNOWN_EVENT', async () => {
    const s = await raw();
    const res = (await s.timeout(2000).emitWithAck('admin:drop-tables', {})) as { ok: boolean; error: { code: string } };
    assert.deepEqual([res.ok, res.error.code], [false, 'UNKNOWN_EVENT']);
  });

  test('__proto__ and constructor keys stay inert data', async () => {
    const s = await raw();
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "name": "Proto", "code": "' + roomCode + '"}');
    const res = (await s.timeout(2000).emitWithAck('room:join', hostile)) as { ok: boolean };
    assert.equal(res.ok, true, 'the payload is valid apart from the extra keys, which are dropped');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // The REST JSON parser (bourne) refuses such bodies outright.
    const rest = await post(`/v1/rooms/${roomCode}/messages`, '{"__proto__": {"polluted": true}, "name": "Proto", "text": "hi"}', 'application/json');
    assert.deepEqual([rest.status, rest.body.error.code], [400, 'INVALID_PAYLOAD']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a socket packet over the size limit closes that connection only', async () => {
    const s = await raw();
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    s.emit('room:join', { code: roomCode, name: 'x'.repeat(200_000) });
    assert.equal(await closed, 'transport close');
    const res = await fetch(`${running.url}/healthz`);
    assert.equal(res.status, 200);
  });

  test('the REST API validates bodies and routes with the same codes', async () => {
    const bad = await post(`/v1/rooms/${roomCode}/messages`, '{not json', 'application/json');
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_PAYLOAD']);
    const noName = await post(`/v1/rooms/${roomCode}/messages`, JSON.stringify({ text: 'hi' }), 'application/json');
    assert.deepEqual([noName.status, noName.body.error.code], [400, 'NAME_INVALID']);
    const long = await post(`/v1/rooms/${roomCode}/messages`, JSON.stringify({ name: 'Bot', text: 'x'.repeat(4001) }), 'application/json');
    assert.deepEqual([long.status, long.body.error.code], [400, 'MESSAGE_TOO_LONG']);
    const missing = await fetch(`${running.url}/v1/nothing-here`);
    assert.deepEqual([missing.status, ((await missing.json()) as ErrorBody).error.code], [404, 'NOT_FOUND']);
    const history = await fetch(`${running.url}/v1/rooms/${roomCode}/messages?limit=9999`);
    assert.deepEqual([history.status, ((await history.json()) as ErrorBody).error.code], [400, 'INVALID_PAYLOAD']);
  });

  test('after all of it the server still serves a normal conversation', async () => {
    const a = await client().joinRoom(roomCode, { name: 'Afterwards' });
    const m = await a.send('still alive');
    assert.equal(m.text, 'still alive');
    const health = await fetch(`${running.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'ok' });
  });
});

describe('rate limits', () => {
  /** The message window: a budget's window starts at its first message, whatever the machine's speed. */
  const WINDOW_MS = 1000;
  let storage: TestStorage;
  let running: RunningServer;
  const clients: ChatClient[] = [];

  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, joinFailuresPerWindow: 3, messagesPerWindow: 5, messageWindowMs: WINDOW_MS });
  });
  after(async () => {
    for (const c of clients) c.close();
    await running.server.close();
    await storage.dispose();
  });

  // Runs first: the join-failure test below spends this address's budget for the whole suite.
  test('messages per connection are limited; the SDK holds the excess and sends it when allowed', async () => {
    const c = connect(running.url);
    clients.push(c);
    const room = await c.createRoom({ name: 'Chatty' });
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await room.send(`m${i}`));
    const pending: string[][] = [];
    room.on('pending', (entries) => pending.push(entries.map((e) => e.text!)));
    const stored = await room.send('one too many');
    assert.equal(stored.text, 'one too many');
    // Stored no earlier than the window of the first five allowed, however long they took: the
    // server's clock, at the first message and at this one.
    const waited = Date.parse(stored.createdAt) - Date.parse(sent[0]!.createdAt);
    assert.ok(waited >= WINDOW_MS - 50, `stored ${waited} ms after the first of the window`);
    assert.deepEqual(pending, [['one too many'], []], 'held in the outbox until then');

    // Underneath, the server answered RATE_LIMITED with the time to wait.
    const raw = rawSocket(running.url, { transports: ['websocket'], reconnection: false });
    try {
      await raw.timeout(2000).emitWithAck('room:join', { code: room.code, name: 'Raw' });
      // Emitted at once: the sixth is over the budget unless the first five took a whole window.
      const answers = (await Promise.all(
        Array.from({ length: 6 }, (_, i) => raw.timeout(2000).emitWithAck('message:send', { code: room.code, clientId: `r${i}`, text: 'x' })),
      )) as Array<{ ok: boolean; message?: ChatMessage; error?: { code: string; retryAfterMs: number } }>;
      const limited = answers.filter((a) => !a.ok);
      const stored = answers.flatMap((a) => (a.ok ? [Date.parse(a.message!.createdAt)] : []));
      if (Math.max(...stored) - Math.min(...stored) < WINDOW_MS) {
        assert.deepEqual(limited.map((a) => a.error!.code), ['RATE_LIMITED'], 'five per window, then RATE_LIMITED');
        assert.ok(limited[0]!.error!.retryAfterMs > 0 && limited[0]!.error!.retryAfterMs <= WINDOW_MS);
      }
    } finally {
      raw.close();
    }
  });

  test('failed join attempts are limited per address, then even a right code is RATE_LIMITED', async () => {
    const owner = connect(running.url);
    const guesser = connect(running.url);
    clients.push(owner, guesser);
    const room = await owner.createRoom({ name: 'Owner' });
    for (let i = 0; i < 3; i++) await assert.rejects(guesser.joinRoom('WRONG' + 'ABC', { name: 'G' }), { code: 'ROOM_NOT_FOUND' });
    const limited = (await guesser.joinRoom(room.code, { name: 'G' }).then(
      () => assert.fail('joined despite the limit'),
      (e: unknown) => e,
    )) as { code: string; retryAfterMs: number };
    assert.equal(limited.code, 'RATE_LIMITED');
    assert.ok(limited.retryAfterMs > 0, 'says when to retry');
    const http = await fetch(`${running.url}/v1/rooms/${room.code}`);
    assert.equal(http.status, 429, 'HTTP lookups share the budget, so they are no way around it');
    assert.ok(Number(http.headers.get('retry-after')) > 0);
  });
});
