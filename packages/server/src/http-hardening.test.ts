/**
 * Issue #19, HTTP side: no single client can hang a request, exhaust the server's CPU with one
 * upload, or slip past the origin allowlist; every answer, even below Koa, has the JSON error shape;
 * and start-up or database trouble is reported in a form an operator (or a log pipeline) can use.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import knex from 'knex';
import sharp from 'sharp';
import { DEFAULT_CONFIG } from './config.js';
import { SQLITE_FILE_NAME } from './db.js';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

interface ErrorBody {
  error: { code: string; message: string };
}

async function createRoom(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/rooms`, { method: 'POST' });
  assert.equal(res.status, 201);
  return ((await res.json()) as { room: { code: string } }).room.code;
}

/** An animated GIF of `frames` distinct 8x8 frames (cgif merges identical ones). */
async function animatedGif(frames: number): Promise<Buffer> {
  const side = 8;
  const raw = Buffer.alloc(side * side * frames * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (Math.floor(i / (side * side * 3)) * 37 + i) % 256;
  return sharp(raw, { raw: { width: side, height: side * frames, channels: 3, pageHeight: side } }).gif().toBuffer();
}

/** Sends `request` on a raw TCP connection and resolves with all it got once the server closes it. */
async function rawExchange(url: string, request: string): Promise<string> {
  const socket = netConnect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined); // a reset counts as closed; the assertions judge what came
  socket.write(request);
  await once(socket, 'close');
  return received;
}

describe('the CORS allowlist also stops writes from other origins', () => {
  let storage: TestStorage;
  let strict: RunningServer;
  let open: RunningServer;
  before(async () => {
    storage = await createStorage('sqlite');
    strict = await startServer({ ...storage.options, corsOrigins: ['https://good.example'] });
    open = await startServer({ ...storage.options });
  });
  after(async () => {
    await strict.server.close();
    await open.server.close();
    await storage.dispose();
  });

  test('a page on another origin can neither create a room nor upload an image (403 ORIGIN_NOT_ALLOWED)', async () => {
    const code = await createRoom(strict.url); // no Origin: a backend or curl
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#abc' } }).png().toBuffer();
    // text/plain and a raw body are "simple" requests: the browser sends them without a preflight.
    const attempts = [
      fetch(`${strict.url}/v1/rooms`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: 'x' }),
      fetch(`${strict.url}/v1/rooms/${code}/images`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: png }),
      fetch(`${strict.url}/v1/rooms/${code}/messages`, { method: 'POST', headers: { origin: 'null', 'content-type': 'application/json' }, body: '{"name":"x","text":"y"}' }),
      fetch(`${strict.url}/v1/rooms/${code}`, { method: 'DELETE', headers: { origin: 'https://evil.example' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'ORIGIN_NOT_ALLOWED');
    }
    const history = (await (await fetch(`${strict.url}/v1/rooms/${code}/messages`)).json()) as { messages: unknown[] };
    assert.deepEqual(history.messages, [], 'nothing was posted');
  });

  test('the allowed origin, the server’s own pages, requests without Origin and reads still work', async () => {
    const good = await fetch(`${strict.url}/v1/rooms`, { method: 'POST', headers: { origin: 'https://good.example' } });
    assert.equal(good.status, 201);
    assert.equal(good.headers.get('access-control-allow-origin'), 'https://good.example');
    const own = await fetch(`${strict.url}/v1/rooms`, { method: 'POST', headers: { origin: strict.url } });
    assert.equal(own.status, 201, 'the demo page on the server itself');
    const code = await createRoom(strict.url);
    const read = await fetch(`${strict.url}/v1/rooms/${code}`, { headers: { origin: 'https://evil.example' } });
    assert.equal(read.status, 200, 'reads are for CORS to guard (the answer is hidden from the page)');
  });

  test('with corsOrigins ["*"] (the default) every origin may write', async () => {
    const res = await fetch(`${open.url}/v1/rooms`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(res.status, 201);
  });
});

describe('one upload cannot take unbounded pixels, frames or time', () => {
  let storage: TestStorage;
  let running: RunningServer;
  let code: string;
  const upload = async (bytes: Buffer) => {
    const res = await fetch(`${running.url}/v1/rooms/${code}/images`, { method: 'POST', body: bytes });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  };
  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, imageMaxFrames: 5, imageProcessingTimeoutMs: 1_000, uploadsPerWindow: 1_000 });
    code = await createRoom(running.url);
  });
  after(async () => {
    await running.server.close();
    await storage.dispose();
  });

  test('a 20000 x 20000 PNG of 1 MB is PAYLOAD_TOO_LARGE (413), not an unsupported type', async () => {
    // Beyond sharp's own 16383^2 ceiling, which refuses it while reading the header.
    const bomb = await sharp({ create: { width: 20_000, height: 20_000, channels: 3, background: '#fff' }, limitInputPixels: false })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < DEFAULT_CONFIG.imageMaxBytes / 4, `the bomb is small to send (${bomb.length} bytes)`);
    const res = await upload(bomb);
    assert.deepEqual([res.status, res.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
    assert.match(res.body.error.message, /pixels/);
  });

  test('an animation with more frames than imageMaxFrames is PAYLOAD_TOO_LARGE; one within it is stored', async () => {
    assert.ok(DEFAULT_CONFIG.imageMaxFrames <= 100, 'the default bounds the work (1,000 frames took 6 s of CPU)');
    const tooMany = await upload(await animatedGif(6));
    assert.deepEqual([tooMany.status, tooMany.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
    assert.match(tooMany.body.error.message, /6 frames; at most 5/);
    const ok = await upload(await animatedGif(5));
    assert.equal(ok.status, 201);
  });

  test('an image that takes longer than imageProcessingTimeoutMs to re-encode is stopped: PAYLOAD_TOO_LARGE', async () => {
    // 49 M pixels, under the pixel limit: the server's mozjpeg re-encode takes seconds, well past 1 s.
    const heavy = await sharp({ create: { width: 7_000, height: 7_000, channels: 3, background: '#396' } }).jpeg({ quality: 90 }).toBuffer();
    const started = performance.now();
    const res = await upload(heavy);
    assert.deepEqual([res.status, res.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
    assert.match(res.body.error.message, /too long/);
    assert.ok(performance.now() - started < 30_000);
  });
});

describe('requests that never arrive whole are answered and closed', () => {
  let storage: TestStorage;
  let running: RunningServer;
  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options, httpRequestTimeoutMs: 300 });
  });
  after(async () => {
    await running.server.close();
    await storage.dispose();
  });

  test('a body promised by Content-Length and never sent gets 408 REQUEST_TIMEOUT as JSON, then the connection closes', { timeout: 15_000 }, async () => {
    const code = await createRoom(running.url);
    for (const target of [`/v1/rooms/${code}/messages`, `/v1/rooms/${code}/images`]) {
      const answer = await rawExchange(running.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na`);
      assert.match(answer, /^HTTP\/1\.1 408 /, target);
      assert.match(answer, /content-type: application\/json/i);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as ErrorBody;
      assert.equal(body.error.code, 'REQUEST_TIMEOUT');
    }
  });

  test('headers that never finish (slowloris) get the same answer', { timeout: 15_000 }, async () => {
    const answer = await rawExchange(running.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    assert.match(answer, /^HTTP\/1\.1 408 [\s\S]*"REQUEST_TIMEOUT"/);
  });

  test('a route answered before its body arrived closes the connection instead of waiting for it', { timeout: 15_000 }, async () => {
    const answer = await rawExchange(running.url, 'POST /v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 201 /);
    assert.match(answer, /connection: close/i);
    assert.equal(answer.match(/HTTP\/1\.1 /g)?.length, 1, 'one answer, no late 408 after it');
  });

  test('the default timeout is a named setting of 30 s', () => {
    assert.equal(DEFAULT_CONFIG.httpRequestTimeoutMs, 30_000);
  });
});

describe('answers carry the JSON error shape and safe headers', () => {
  let storage: TestStorage;
  let running: RunningServer;
  before(async () => {
    storage = await createStorage('sqlite');
    running = await startServer({ ...storage.options });
  });
  after(async () => {
    await running.server.close();
    await storage.dispose();
  });

  test('a wrong method is 405 METHOD_NOT_ALLOWED as JSON, with an Allow header', async () => {
    const code = await createRoom(running.url);
    for (const [method, target, allow] of [
      ['PUT', '/v1/rooms', 'POST'],
      ['DELETE', `/v1/rooms/${code}`, 'HEAD, GET'],
      ['PATCH', `/v1/rooms/${code}/messages`, 'HEAD, GET, POST'],
      ['POST', '/healthz', 'HEAD, GET'],
    ] as const) {
      const res = await fetch(running.url + target, { method });
      assert.equal(res.status, 405, `${method} ${target}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'METHOD_NOT_ALLOWED');
      assert.deepEqual(res.headers.get('allow')?.split(', ').sort(), allow.split(', ').sort());
    }
  });

  test('/v1 answers and errors are no-store and nosniff; images keep their immutable caching', async () => {
    const code = await createRoom(running.url);
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123' } }).png().toBuffer();
    const uploaded = await fetch(`${running.url}/v1/rooms/${code}/images`, { method: 'POST', body: png });
    const { image } = (await uploaded.json()) as { image: { url: string } };
    const answers = {
      created: uploaded,
      room: await fetch(`${running.url}/v1/rooms/${code}`),
      history: await fetch(`${running.url}/v1/rooms/${code}/messages`),
      missingRoom: await fetch(`${running.url}/v1/rooms/ZZZZZZZZ`),
      missingRoute: await fetch(`${running.url}/v1/nothing`),
      missingImage: await fetch(`${running.url}/v1/images/nope`),
      badMethod: await fetch(`${running.url}/v1/rooms`, { method: 'PUT' }),
    };
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.headers.get('cache-control'), 'no-store', name);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', name);
    }
    const served = await fetch(running.url + image.url);
    assert.equal(served.status, 200);
    assert.match(served.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
  });

  test('the demo page, its assets and the site routes send Referrer-Policy: no-referrer', async () => {
    for (const target of ['/', '/demo.css', '/widget.js', '/healthz']) {
      const res = await fetch(running.url + target);
      await res.arrayBuffer();
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', target);
    }
  });
});

describe('operators get one clear line or JSON logs, never a bare driver message', () => {
  const CLI = new URL('./cli.js', import.meta.url).pathname;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const runCli = async (dataDir: string) => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], { env: { ...process.env, LOG_LEVEL: 'info' } });
    children.push(child);
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const [exitCode] = (await once(child, 'exit')) as [number];
    return { exitCode, stderr, stdout };
  };

  test('a data directory that cannot hold the database stops the CLI with one line naming it and the fix', { timeout: 30_000 }, async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'roomchat-hardening-'));
    dirs.push(root);
    // Root ignores chmod, so the failures are made with files where directories belong.
    await writeFile(path.join(root, 'a-file'), 'not a directory');
    const blocked = path.join(root, 'blocked');
    await mkdir(path.join(blocked, SQLITE_FILE_NAME), { recursive: true }); // the database's name taken by a directory
    for (const [dataDir, named] of [
      [path.join(root, 'a-file', 'data'), path.join(root, 'a-file', 'data')], // ENOTDIR
      [blocked, path.join(blocked, SQLITE_FILE_NAME)], // SQLITE_CANTOPEN: "unable to open database file"
    ] as const) {
      const { exitCode, stderr, stdout } = await runCli(dataDir);
      assert.notEqual(exitCode, 0);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line, no stack:\n${stderr}`);
      assert.ok(lines[0]!.includes(named), `names ${named}: ${lines[0]}`);
      assert.match(lines[0]!, /--data-dir/, 'says what to do');
      // The driver's own complaint (knex printed it with its stack) is a JSON log line like the rest.
      for (const line of stdout.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
    }
  });

  test(
    'a PostgreSQL connection dropped under a running server is logged as JSON like everything else',
    { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL', timeout: 60_000 },
    async () => {
      const storage = await createStorage('postgres');
      // Named, so only this server's connections are terminated, not other tests' on the database.
      const applicationName = `roomchat_hardening_${process.pid}`;
      const databaseUrl = `${storage.options.databaseUrl}${storage.options.databaseUrl!.includes('?') ? '&' : '?'}application_name=${applicationName}`;
      const script = `
        import { createChatServer } from ${JSON.stringify(new URL('./index.js', import.meta.url).href)};
        const server = createChatServer(JSON.parse(process.env.SERVER_OPTIONS));
        await server.listen({ port: 0, host: '127.0.0.1' });
        process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
      `;
      const options = { ...storage.options, databaseUrl, logLevel: 'info' };
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, SERVER_OPTIONS: JSON.stringify(options) } });
      children.push(child);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      const admin = knex({ client: 'pg', connection: process.env.TEST_DATABASE_URL! });
      try {
        let url: string | undefined;
        for (let i = 0; i < 1200 && !url; i++) {
          url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
          if (!url) await new Promise((r) => setTimeout(r, 25));
        }
        assert.ok(url, `server did not start:\n${output}`);
        await Promise.all([1, 2, 3].map(() => createRoom(url)));
        const { rows } = await admin.raw('select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = ?', [applicationName]);
        assert.ok(rows.length > 0, 'the server had pooled connections to drop');
        await new Promise((r) => setTimeout(r, 200));
        for (let i = 0; i < 3; i++) await fetch(`${url}/v1/rooms`, { method: 'POST' }).then((res) => res.arrayBuffer());
        child.kill('SIGTERM');
        await once(child, 'exit');
        const lines = output.split('\n').filter((line) => line.trim() !== '');
        assert.ok(lines.some((line) => /Connection/i.test(line)), `the dropped connection was reported:\n${output}`);
        for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
      } finally {
        await admin.destroy();
        if (child.exitCode === null) child.kill('SIGKILL');
        await storage.dispose();
      }
    },
  );
});
