import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { loggablePath } from './http/request-log.middleware.js';
import { createStorage, eventually, startServer, type RunningServer } from './testing.js';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  route?: string;
  responseTime?: number;
}

async function withLoggedServer(level: string, run: (running: RunningServer, raw: string[]) => Promise<void>): Promise<void> {
  const raw: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void raw.push(line) });
  const storage = await createStorage('sqlite');
  const running = await startServer({ ...storage.options, logger });
  try {
    await run(running, raw);
  } finally {
    await running.server.close();
    await storage.dispose();
  }
}

const requestLines = (raw: string[]) => raw.map((l) => JSON.parse(l) as Line).filter((l) => l.msg.startsWith('http request'));

describe('request logs', () => {
  test('one line per request with its id, method, route, status and time; the id is echoed in X-Request-Id', async () => {
    await withLoggedServer('info', async ({ url }, raw) => {
      const created = await fetch(`${url}/v1/rooms`, { method: 'POST', headers: { 'x-request-id': 'edge-42.a:b' } });
      assert.equal(created.headers.get('x-request-id'), 'edge-42.a:b', 'a well-formed incoming id is kept');
      const { room } = (await created.json()) as { room: { code: string } };
      const generated = await fetch(`${url}/v1/rooms/${room.code}/messages?limit=5`);
      const id = generated.headers.get('x-request-id');
      assert.match(id ?? '', /^[0-9a-f-]{36}$/, 'a new UUID when none came');
      for (const hostile of ['x'.repeat(65), 'has space', 'new\u00e9line', '<script>']) {
        const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': hostile } });
        assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `${hostile.slice(0, 10)} is replaced`);
      }
      await fetch(`${url}/v1/rooms/NOSUCHCODE`);
      await eventually(() => requestLines(raw).length === 7, 'a line for each of the 7 requests');
      const lines = requestLines(raw);
      assert.deepEqual(lines[0], { ...lines[0], level: 30, req: { id: 'edge-42.a:b', method: 'POST', path: '/v1/rooms' }, res: { statusCode: 201 }, route: '/v1/rooms' });
      assert.deepEqual(lines[1]!.req, { id, method: 'GET', path: '/v1/rooms/:code/messages' });
      assert.equal(lines[1]!.route, '/v1/rooms/:code/messages');
      assert.equal(typeof lines[1]!.responseTime, 'number');
      assert.deepEqual(lines[6]!.res, { statusCode: 404 });
      const all = raw.join('\n');
      assert.ok(!all.includes(room.code) && !all.includes('NOSUCHCODE'), 'room codes (capabilities) are never logged');
      assert.ok(!all.includes('limit=5'), 'nor query strings');
    });
  });

  test('no Authorization header, cookie or token reaches the log', async () => {
    await withLoggedServer('trace', async ({ url }, raw) => {
      await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer top-secret-token', cookie: 'session=secret-cookie' } });
      await fetch(`${url}/v1/rooms`, { method: 'POST', headers: { authorization: 'Basic dG9wOnNlY3JldA==', cookie: 'a=secret-cookie' } });
      await eventually(() => requestLines(raw).length === 2, 'both requests logged');
      const all = raw.join('\n');
      for (const secret of ['top-secret-token', 'secret-cookie', 'dG9wOnNlY3JldA==']) assert.ok(!all.includes(secret), `${secret} is not in the log`);
    });
  });

  test('written at the configured level: none at warn, 5xx and errors aside', async () => {
    await withLoggedServer('warn', async ({ url }, raw) => {
      await fetch(`${url}/healthz`);
      await fetch(`${url}/v1/rooms`, { method: 'POST' });
      assert.equal(requestLines(raw).length, 0);
    });
  });

  test('paths keep their shape, not their room codes or image ids', () => {
    assert.equal(loggablePath('/v1/rooms/ABCDEFGH/search?q=secret'), '/v1/rooms/:code/search');
    assert.equal(loggablePath('/v1/images/img_123/thumbnail'), '/v1/images/:id/thumbnail');
    assert.equal(loggablePath('/v1/rooms'), '/v1/rooms');
    assert.equal(loggablePath('/healthz?x=1'), '/healthz');
  });
});
