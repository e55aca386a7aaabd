/**
 * Test support: real servers on 127.0.0.1 port 0 with a temporary SQLite file, or a fresh
 * PostgreSQL schema when TEST_DATABASE_URL is set, and real SDK clients connected to them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer as createNetServer, connect as netConnect, type Server, type Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import knex from 'knex';
import { io, type Socket } from 'socket.io-client';
import { ChatClient, type ChatClientOptions } from '@roomchat/sdk';
import { migrate, openDatabase, type Database as KnexDatabase } from './db.js';
import { createChatServer, type ChatServer, type ChatServerOptions } from './index.js';

export type Engine = 'sqlite' | 'postgres';

/**
 * The engines storage tests run on. Both always: a PostgreSQL suite is registered without
 * TEST_DATABASE_URL too, its tests skipped with the reason (`needs`), so they show as skipped
 * instead of vanishing; the runner fails a CI run that skipped any.
 */
export function engines(): Engine[] {
  return ['sqlite', 'postgres'];
}

/** A service a test may need, by the variable that points at it. */
export type Service = 'TEST_DATABASE_URL' | 'TEST_REDIS_URL';

/**
 * Options for a test that needs these services: `{ skip: 'TEST_DATABASE_URL is not set' }` when
 * one is not configured, else none. scripts/test.mjs recognises the reason by the variable's name.
 */
export function needs(...services: Service[]): { skip?: string } {
  const missing = services.filter((name) => !process.env[name]);
  return missing.length ? { skip: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set` } : {};
}

/** The services `engine` needs: PostgreSQL's URL, or none for SQLite. */
export function servicesOf(engine: Engine): Service[] {
  return engine === 'postgres' ? ['TEST_DATABASE_URL'] : [];
}

type TestFn = (t: TestContext) => void | Promise<void>;
/**
 * `test` for a suite that needs `services`: every test is registered, and skipped with the reason
 * when a service is missing. The suite's hooks check `skipped` themselves (node runs them anyway).
 */
export function testNeeding(...services: Service[]): { test: (name: string, optionsOrFn: { timeout?: number } | TestFn, fn?: TestFn) => Promise<void>; skipped: boolean } {
  const skip = needs(...services);
  return {
    test: (name, optionsOrFn, fn) => (typeof optionsOrFn === 'function' ? test(name, skip, optionsOrFn) : test(name, { ...optionsOrFn, ...skip }, fn)),
    skipped: skip.skip !== undefined,
  };
}

/** A place for one test's data that survives server restarts and is removed by `dispose`. */
export interface TestStorage {
  engine: Engine;
  options: ChatServerOptions;
  dispose(): Promise<void>;
}

export async function createStorage(engine: Engine): Promise<TestStorage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roomchat-test-'));
  if (engine === 'sqlite') {
    return { engine, options: { dataDir }, dispose: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: register the test with needs(\'TEST_DATABASE_URL\') so that it is skipped');
  // Each test gets its own schema, so runs (and parallel test files) never see each other's rows.
  const schema = `roomchat_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = knex({ client: 'pg', connection: databaseUrl });
  try {
    await admin.raw('create schema ??', [schema]);
  } finally {
    await admin.destroy();
  }
  return {
    engine,
    options: { dataDir, databaseUrl, searchPath: schema },
    async dispose() {
      const cleanup = knex({ client: 'pg', connection: databaseUrl });
      try {
        await cleanup.raw('drop schema if exists ?? cascade', [schema]);
      } finally {
        await cleanup.destroy();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The database of `storage`, opened as the server opens it, with its schema migrated. */
export async function openMigrated(storage: TestStorage): Promise<KnexDatabase> {
  const { databaseUrl, dataDir, searchPath } = storage.options;
  const db = openDatabase({ databaseUrl, dataDir: dataDir!, ...(searchPath ? { searchPath } : {}) });
  await migrate(db);
  return db;
}

export interface RunningServer {
  server: ChatServer;
  url: string;
}

/** A token as a host's backend signs it for its user `sub`: HS256 with the app's secret, 10 minutes. */
export function signFor(app: { secret: string }, sub: string, name = `User ${sub}`): Promise<string> {
  return new SignJWT({ name }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(app.secret));
}

/** Starts a server on 127.0.0.1 with an ephemeral port. */
export async function startServer(options: ChatServerOptions): Promise<RunningServer> {
  const server = createChatServer({ logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', ...options });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url };
}

/** A bare Socket.IO connection, as a script would open one (no SDK, no reconnects), once it is connected. */
export async function openSocket(url: string, { auth = {}, origin }: { auth?: Record<string, string>; origin?: string } = {}): Promise<Socket> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...(origin ? { extraHeaders: { origin } } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A request over a bare socket, answered by its ack within 5 s. */
// biome-ignore lint/suspicious/noExplicitAny: acks are checked field by field
export const ask = (socket: Socket, event: string, payload: object): Promise<any> => socket.timeout(5000).emitWithAck(event, payload);

/** An SDK client with short timeouts and fast reconnects, closed by the returned disposer list. */
export function connect(url: string, options: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({
    url,
    requestTimeoutMs: 5000,
    ...options,
    socket: { reconnectionDelay: 50, reconnectionDelayMax: 200, transports: ['websocket'], ...options.socket },
  });
}

/** Resolves when `check` returns true, polling; rejects after `timeoutMs` with `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * GET with If-None-Match, returning the status. Not fetch: fetch adds `Cache-Control: no-cache`
 * to conditional requests, which (rightly) makes a server answer in full.
 */
export function conditionalGet(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/**
 * A TCP proxy in front of a server, to break connections as a network would: `cut()` drops every
 * open connection, `down()` also refuses new ones until `up()`.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #open = new Set<NetSocket>();
  #refusing = false;
  #targetPort: number;
  url = '';

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createNetServer((client) => {
      if (this.#refusing) {
        client.destroy();
        return;
      }
      const upstream = netConnect(this.#targetPort, '127.0.0.1');
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        this.#open.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.#open.delete(a);
          b.destroy();
        });
      }
    });
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(Number(new URL(targetUrl).port));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.#server.address() as { port: number }).port}`;
    return proxy;
  }

  /** Sends new connections to another server (a load balancer failing over); open ones stay. */
  retarget(targetUrl: string): void {
    this.#targetPort = Number(new URL(targetUrl).port);
  }

  cut(): void {
    for (const socket of this.#open) socket.destroy();
  }
  down(): void {
    this.#refusing = true;
    this.cut();
  }
  up(): void {
    this.#refusing = false;
  }
  close(): Promise<void> {
    this.down();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A port that was free a moment ago, for a server that must come back on the same address. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * What a SQLite write on the event loop promises when another connection (a shell, a script) holds
 * the database's write lock, checked with a second connection to `filename` holding it: the event
 * loop keeps running while `write` waits (SQLite's own busy handler would sleep the process), the
 * write lands once the lock is released, and a write held up past `busyTimeoutMs` fails with
 * SQLITE_BUSY. Returns the first write's result.
 */
export async function checkWaitForLockOnTimer<T>(filename: string, busyTimeoutMs: number, write: () => Promise<T>): Promise<T> {
  const intruder = new Database(filename);
  try {
    intruder.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const writing = write();
    writing.catch(() => undefined); // awaited below
    await new Promise((resolve) => setTimeout(resolve, 400));
    clearInterval(ticker);
    // Blocked in SQLite's busy handler the loop would run none; a loaded machine runs fewer than 40.
    assert.ok(ticks >= 5, `the event loop ran ${ticks} 10 ms timers in 400 ms while the write waited`);
    intruder.exec('ROLLBACK');
    const result = await writing;

    intruder.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await assert.rejects(write(), { code: 'SQLITE_BUSY' });
    const waited = performance.now() - started;
    // Not before the busy timeout; how soon after it depends on the machine's load, so the test's
    // own timeout is the upper bound (a write that never gives up fails it).
    assert.ok(waited >= busyTimeoutMs - 100, `gave up after ${Math.round(waited)} ms (busy timeout ${busyTimeoutMs} ms)`);
    return result;
  } finally {
    if (intruder.inTransaction) intruder.exec('ROLLBACK');
    intruder.close();
  }
}
