// The REST API's promises that only HTTP clients see: its limits and budgets (configured through
// the environment as the CLI does), image headers and errors, and storage failures as 503.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { io as rawSocket } from 'socket.io-client';
import { settingsFromEnv } from './config.js';
import type { MessageWriter } from './message-writer.js';
import { connect, createStorage, eventually, needs, startServer, TcpProxy, type RunningServer, type TestStorage } from './testing.js';

interface ErrorBody {
  error: { code: string; message: string; retryAfterMs?: number };
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A server on a fresh SQLite data directory, with the ROOMCHAT_* variables given read as the CLI reads them. */
async function serverWithEnv(env: Record<string, string>, options: object = {}): Promise<RunningServer & { storage: TestStorage }> {
  const storage = await createStorage('sqlite');
  const running = await startServer({ ...storage.options, ...settingsFromEnv(env), ...options });
  cleanups.push(() => storage.dispose(), () => running.server.close());
  return { ...running, storage };
}

async function json(res: Response): Promise<ErrorBody & Record<string, unknown>> {
  return (await res.json()) as ErrorBody & Record<string, unknown>;
}

const createRoom = (url: string) => fetch(`${url}/v1/rooms`, { method: 'POST' });
const png = () => sharp({ create: { width: 16, height: 12, channels: 3, background: '#884422' } }).png().toBuffer();

describe('HTTP limits set through the environment', () => {
  test('ROOMCHAT_HTTP_JSON_MAX_BYTES bounds a JSON body: over it is 413 PAYLOAD_TOO_LARGE, under it is stored', async () => {
    const { url } = await serverWithEnv({ ROOMCHAT_HTTP_JSON_MAX_BYTES: '300' });
    const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
    const post = (text: string) =>
      fetch(`${url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bot', text }) });
    const small = await post('x'.repeat(100));
    assert.equal(small.status, 201);
    const big = await post('x'.repeat(400));
    assert.equal(big.status, 413);
    assert.deepEqual((await json(big)).error, { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' });
  });

  test('ROOMCHAT_ROOM_CREATES_PER_WINDOW: the next room from that address is 429 RATE_LIMITED with Retry-After, over HTTP and sockets alike', async () => {
    const { url } = await serverWithEnv({ ROOMCHAT_ROOM_CREATES_PER_WINDOW: '2', ROOMCHAT_ROOM_CREATE_WINDOW_MS: '60000' });
    assert.equal((await createRoom(url)).status, 201);
    assert.equal((await createRoom(url)).status, 201);
    const third = await createRoom(url);
    assert.equal(third.status, 429);
    const body = await json(third);
    assert.equal(body.error.code, 'RATE_LIMITED');
    assert.ok(body.error.retryAfterMs! > 0 && body.error.retryAfterMs! <= 60_000, `retryAfterMs ${body.error.retryAfterMs}`);
    const retryAfter = Number(third.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const socket = rawSocket(url, { transports: ['websocket'], reconnection: false });
    try {
      const answer = (await socket.timeout(5000).emitWithAck('room:create', { name: 'Sock' })) as ErrorBody & { ok: boolean };
      assert.deepEqual([answer.ok, answer.error.code], [false, 'RATE_LIMITED'], 'the same address over a socket shares the budget');
    } finally {
      socket.close();
    }
  });

  test('ROOMCHAT_UPLOADS_PER_WINDOW: the next upload from that address is 429 RATE_LIMITED', async () => {
    const { url } = await serverWithEnv({ ROOMCHAT_UPLOADS_PER_WINDOW: '1' });
    const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
    const upload = async () => fetch(`${url}/v1/rooms/${room.code}/images`, { method: 'POST', body: await png() });
    assert.equal((await upload()).status, 201);
    const second = await upload();
    assert.equal(second.status, 429);
    assert.equal((await json(second)).error.code, 'RATE_LIMITED');
  });

  test('wrong codes over HTTP spend the same failure budget as socket joins: then even the right code is refused on both', async () => {
    const { url } = await serverWithEnv({ ROOMCHAT_JOIN_FAILURES_PER_WINDOW: '3' });
    const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
    for (const wrong of ['ZZZZZZZZ', 'ZZZZZZZY', '!!']) {
      const res = await fetch(`${url}/v1/rooms/${wrong}`);
      assert.equal(res.status, 404);
      assert.equal((await json(res)).error.code, 'ROOM_NOT_FOUND');
    }
    const right = await fetch(`${url}/v1/rooms/${room.code}/messages`);
    assert.equal(right.status, 429, 'HTTP reads of a right code are refused too');
    const socket = rawSocket(url, { transports: ['websocket'], reconnection: false });
    try {
      const answer = (await socket.timeout(5000).emitWithAck('room:join', { code: room.code, name: 'Guess' })) as ErrorBody & { ok: boolean };
      assert.deepEqual([answer.ok, answer.error.code], [false, 'RATE_LIMITED']);
      assert.ok(answer.error.retryAfterMs! > 0);
    } finally {
      socket.close();
    }
  });
});

describe('sending over HTTP', () => {
  test('a message posted over HTTP goes through the same checks as a socket send, with the same codes', async () => {
    const { url } = await serverWithEnv({});
    const client = connect(url);
    cleanups.push(() => client.close());
    const room = await client.createRoom({ name: 'Alice' });
    const post = (body: object) =>
      fetch(`${url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bot', ...body }) });

    const unknownReply = await post({ text: 'hm', replyTo: '999999' });
    assert.equal(unknownReply.status, 404);
    assert.equal((await json(unknownReply)).error.code, 'MESSAGE_NOT_FOUND');
    await assert.rejects(room.send('hm', { replyTo: '999999' }), { code: 'MESSAGE_NOT_FOUND' });

    const foreignImage = await post({ imageId: 'not-an-image-of-this-room' });
    assert.equal(foreignImage.status, 404);
    assert.equal((await json(foreignImage)).error.code, 'IMAGE_NOT_FOUND');

    const original = await room.send('Hello @Alice');
    const reply = await post({ text: 'Hi @Alice', replyTo: original.id });
    assert.equal(reply.status, 201);
    const { message } = (await reply.json()) as { message: { replyTo?: { id: string; excerpt?: string }; mentions?: string[]; authorId?: string } };
    assert.deepEqual(message.replyTo, { id: original.id, author: 'Alice', excerpt: 'Hello @Alice' }, 'quoted as a socket reply is');
    assert.deepEqual(message.mentions, [room.self.id], 'mentions marked as in a socket send');
    assert.equal(message.authorId, undefined, 'an HTTP post has no member id');
    await eventually(() => room.messages.some((m) => m.text === 'Hi @Alice'), 'the post to reach the room over its socket');
  });
});

describe('images over HTTP', () => {
  test('the original and the thumbnail are each served with nosniff, a sandboxing CSP, immutable caching and an ETag', async () => {
    const { url } = await serverWithEnv({});
    const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
    const uploaded = await fetch(`${url}/v1/rooms/${room.code}/images`, { method: 'POST', body: await png() });
    const { image } = (await uploaded.json()) as { image: { url: string; thumbUrl: string } };
    for (const [path, type] of [[image.url, 'image/png'], [image.thumbUrl, 'image/webp']] as const) {
      const res = await fetch(url + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), type, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; sandbox", path);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', path);
      assert.match(res.headers.get('etag') ?? '', /^"[^"]+"$/, path);
    }
  });

  test('an unknown image id is 404 IMAGE_NOT_FOUND, for the original and the thumbnail', async () => {
    const { url } = await serverWithEnv({});
    for (const path of ['/v1/images/no-such-image', '/v1/images/no-such-image/thumbnail']) {
      const res = await fetch(url + path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await json(res), { error: { code: 'IMAGE_NOT_FOUND', message: 'No image with that id' } });
      // An error is JSON that no cache keeps, not an image that caches for a year.
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
    }
  });
});

describe('storage failures over HTTP', () => {
  /** A message writer that fails every write as storage would, with this error code. */
  const failingWriter = (code: string): MessageWriter => ({
    start: async () => {},
    close: async () => {},
    write: async () => {
      throw Object.assign(new Error(`simulated ${code} at /var/lib/roomchat`), { code });
    },
  });

  for (const [what, code] of [
    ['a read-only disk', 'SQLITE_READONLY'],
    ['a full disk', 'SQLITE_FULL'],
    ['a full disk on PostgreSQL', '53100'],
    ['a lost PostgreSQL connection', 'ECONNRESET'],
  ] as const) {
    test(`${what} (${code}) answers 503 UNAVAILABLE, without the internal message`, async () => {
      const { url } = await serverWithEnv({}, { messageWriter: failingWriter(code) });
      const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
      const res = await fetch(`${url}/v1/rooms/${room.code}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bot', text: 'hello' }),
      });
      assert.equal(res.status, 503);
      const body = await json(res);
      assert.deepEqual(body, { error: { code: 'UNAVAILABLE', message: 'Storage is unavailable; try again shortly' } });
    });
  }

  test('an unexpected failure answers 500 INTERNAL with a generic message', async () => {
    const { url } = await serverWithEnv({}, { messageWriter: failingWriter('SOMETHING_ELSE') });
    const { room } = (await (await createRoom(url)).json()) as { room: { code: string } };
    const res = await fetch(`${url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bot', text: 'hi' }) });
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), { error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  test('PostgreSQL out of reach: room and message requests answer 503 UNAVAILABLE, /healthz 503, and all recover with it', needs('TEST_DATABASE_URL'), async () => {
    const databaseUrl = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = await TcpProxy.start(`http://${databaseUrl.hostname}:${databaseUrl.port || 5432}`);
    cleanups.push(() => proxy.close());
    const storage = await createStorage('postgres');
    cleanups.push(() => storage.dispose());
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = new URL(proxy.url).port;
    const running = await startServer({ ...storage.options, databaseUrl: viaProxy.toString() });
    cleanups.push(() => running.server.close());
    const { room } = (await (await createRoom(running.url)).json()) as { room: { code: string } };

    proxy.down();
    const created = await createRoom(running.url);
    assert.equal(created.status, 503);
    assert.equal((await json(created)).error.code, 'UNAVAILABLE');
    const posted = await fetch(`${running.url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bot', text: 'lost' }) });
    assert.equal(posted.status, 503);
    assert.equal((await json(posted)).error.code, 'UNAVAILABLE');
    assert.equal((await fetch(`${running.url}/healthz`)).status, 503);

    proxy.up();
    const again = await fetch(`${running.url}/v1/rooms/${room.code}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bot', text: 'back' }) });
    assert.equal(again.status, 201);
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
  });
});
