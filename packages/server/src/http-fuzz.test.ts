/**
 * Property-based fuzzing of the REST API (issue #19): random methods, paths under /v1, query
 * strings, headers (Origin, Content-Type, a Content-Length that lies) and bodies (JSON values,
 * random bytes, long strings), sent over real connections to a real server on 127.0.0.1.
 * The property: no answer is a 5xx other than 503 UNAVAILABLE, every error under /v1 has the
 * `{ error: { code, message } }` shape with a code of the protocol, and the server stays up.
 */
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import sharp from 'sharp';
import { ErrorCode } from '@roomchat/protocol';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

/** Requests per run: enough to reach every route with many shapes, and well under a minute. */
const FUZZ_RUNS = 1_000;
/** Largest body sent (the JSON limit is 64 KiB; image bodies are capped lower in this server). */
const MAX_BODY_BYTES = 96 * 1024;
/** A lying Content-Length makes the server wait this long for the rest (then 408), so it is short here. */
const REQUEST_TIMEOUT_MS = 400;

const CODES = new Set<string>(Object.values(ErrorCode));

let storage: TestStorage;
let running: RunningServer;
let roomCode: string;
let imageId: string;
let png: Buffer;

before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer({
    ...storage.options,
    corsOrigins: ['https://good.example'],
    httpRequestTimeoutMs: REQUEST_TIMEOUT_MS,
    imageMaxBytes: 64 * 1024,
    // The limits stay on, but high enough that most requests reach the routes behind them.
    roomCreatesPerWindow: 100_000,
    messagesPerWindow: 100_000,
    uploadsPerWindow: 100_000,
    joinFailuresPerWindow: 100_000,
  });
  roomCode = ((await (await fetch(`${running.url}/v1/rooms`, { method: 'POST' })).json()) as { room: { code: string } }).room.code;
  png = await sharp({ create: { width: 6, height: 4, channels: 3, background: '#a50' } }).png().toBuffer();
  const uploaded = await fetch(`${running.url}/v1/rooms/${roomCode}/images`, { method: 'POST', body: png });
  imageId = ((await uploaded.json()) as { image: { id: string } }).image.id;
});
after(async () => {
  await running.server.close();
  await storage.dispose();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection (a lying Content-Length spoils it for any other). */
function send(method: string, target: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Answer> {
  const { port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // After an answer, the server may close the connection on the rest of a body it did not want.
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${method} ${target} in 15 s`)));
    req.end(body);
  });
}

const segment = fc.oneof(
  fc.constantFrom('rooms', 'images', 'messages', 'thumbnail', '..', '.', '', '%2e%2e', '%00', '%FF', encodeURIComponent('😀'), 'ZZZZZZZZ'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.stringMatching(/^[2-9A-Z]{1,40}$/),
);
const codeLike = fc.oneof(fc.constant('{code}'), fc.constant('ZZZZZZZZ'), segment);
const pathArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/v1/rooms/{code}/messages', '/v1/rooms/{code}/images', '/v1/rooms', '/v1/rooms/{code}', '/v1/images/{image}') },
  fc.constantFrom('/v1/rooms', '/v1/rooms/', '/v1', '/v1/', '/healthz', '/', '/widget.js'),
  codeLike.map((c) => `/v1/rooms/${c}`),
  fc.tuple(codeLike, fc.constantFrom('messages', 'images', 'members', '')).map(([c, tail]) => `/v1/rooms/${c}/${tail}`),
  fc.tuple(fc.oneof(fc.constant('{image}'), segment), fc.constantFrom('', '/thumbnail', '/x')).map(([id, tail]) => `/v1/images/${id}${tail}`),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/v1/${parts.join('/')}`),
);
const queryArb = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('limit', 'before', 'after', 'since', 'x', 'limit[]', '__proto__'), fc.oneof(fc.integer().map(String), fc.string({ maxLength: 20 })), { maxKeys: 4 }).map(
    (q) => '?' + new URLSearchParams(q).toString(),
  ),
  fc.string({ maxLength: 40 }).map((s) => '?' + encodeURIComponent(s).replace(/%3D/g, '=').replace(/%26/g, '&')),
);
const methodArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 3, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'PURGE', 'TRACE', 'SEARCH', 'LOCK', 'MKCOL') },
);
const contentTypeArb = fc.option(
  fc.oneof(
    { weight: 2, arbitrary: fc.constant('application/json') },
    fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/octet-stream', 'image/png', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)) },
  ),
  { nil: undefined },
);
const originArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('https://good.example', '{self}') },
  { weight: 2, arbitrary: fc.constantFrom('https://evil.example', 'null', 'not a url', 'http://127.0.0.1', 'https://good.example.evil.example') },
);
const bodyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 2, arbitrary: fc.record({ name: fc.string({ minLength: 1, maxLength: 50 }), text: fc.string({ minLength: 1, maxLength: 200 }), imageId: fc.option(fc.constant('{image}'), { nil: undefined }) }).map((m) => Buffer.from(JSON.stringify(m))) },
  { weight: 2, arbitrary: fc.record({ name: fc.stringMatching(/^[A-Za-z][\w ]{0,19}$/), text: fc.string({ minLength: 1, maxLength: 200 }) }).map((m) => Buffer.from(JSON.stringify(m))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: MAX_BODY_BYTES })).map(([s, n]) => Buffer.from(s.repeat(Math.ceil(n / s.length))).subarray(0, n)) },
  { weight: 1, arbitrary: fc.constant('{png}').map(() => png) },
);
/** How the Content-Length relates to the body: honest (Node's own), a lie either way, or chunked. */
const framingArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('honest' as const) },
  { weight: 1, arbitrary: fc.constantFrom('longer' as const, 'shorter' as const, 'chunked+length' as const) },
);
const extraHeadersArb = fc.dictionary(
  fc.constantFrom('x-forwarded-for', 'if-none-match', 'accept', 'range', 'expect', 'cookie', 'x-http-method-override'),
  fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  { maxKeys: 2 },
);

test(`${FUZZ_RUNS} random requests to the REST API: never a 5xx (but 503 UNAVAILABLE), every /v1 error is a JSON error with a known code, and the server stays up`, { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(methodArb, pathArb, queryArb, originArb, contentTypeArb, bodyArb, framingArb, extraHeadersArb, async (method, pathTemplate, query, origin, contentType, body, framing, extra) => {
      const target = pathTemplate.replace('{code}', roomCode).replace('{image}', imageId) + query;
      const payload = body && Buffer.from(body.toString('latin1').replace('{image}', imageId), 'latin1');
      const headers: Record<string, string> = { ...extra };
      if (origin) headers.origin = origin.replace('{self}', running.url);
      if (contentType) headers['content-type'] = contentType;
      if (framing === 'longer') headers['content-length'] = String((payload?.length ?? 0) + 100);
      if (framing === 'shorter' && payload && payload.length > 1) headers['content-length'] = String(payload.length >> 1);
      if (framing === 'chunked+length') Object.assign(headers, { 'transfer-encoding': 'chunked', 'content-length': String(payload?.length ?? 0) });

      let answer: Answer;
      try {
        answer = await send(method, target, headers, payload);
      } catch (error) {
        // Only a connection the server cut after a lying framing is acceptable without an answer.
        if (framing !== 'honest' && /ECONNRESET|socket hang up|EPIPE/.test(String(error))) return;
        throw error;
      }
      const what = `${method} ${target} (${framing}, ${contentType ?? 'no type'}, origin ${origin ?? 'none'}) -> ${answer.status} ${answer.body.subarray(0, 200).toString()}`;
      assert.ok(answer.status < 500 || answer.status === 503, what);
      // Every error has the shape, under /v1 and elsewhere (404, 405, and what Node refuses itself).
      if (answer.status >= 400 && method !== 'HEAD') {
        assert.match(String(answer.headers['content-type']), /^application\/json/, what);
        const parsed = JSON.parse(answer.body.toString()) as { error?: { code?: unknown; message?: unknown } };
        assert.ok(parsed.error && typeof parsed.error.message === 'string', what);
        assert.ok(CODES.has(String(parsed.error.code)), what);
        if (answer.status === 503) assert.equal(parsed.error.code, 'UNAVAILABLE', what);
      }
    }),
    { numRuns: FUZZ_RUNS, includeErrorInReport: true },
  );
  const health = await fetch(`${running.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok', database: 'ok' });
});
