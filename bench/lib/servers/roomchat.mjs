// Roomchat, as users run it: createChatServer with a temporary data directory (or a PostgreSQL
// schema), silent logs, and rate limits lifted so that the load is not refused. With
// `storeNothing`, its messages go to a writer that keeps none (lib/discarding-message-writer.mjs).
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { discardingMessageWriter } from '../discarding-message-writer.mjs';
import { BENCH_OVERRIDES } from '../overrides.mjs';
import { processStats, serveCalls } from '../proc.mjs';
import { storageBench } from '../storage-bench.mjs';

const opts = JSON.parse(process.env.BENCH_SERVER_OPTS ?? '{}');
if (opts.serverModule === null) throw new Error('roomchat-before needs BENCH_BEFORE=/path/to/packages/server/dist/src/index.js');
const { createChatServer } = await import(opts.serverModule ? pathToFileURL(opts.serverModule).href : '@roomchat/server');
const dataDir = mkdtempSync(path.join(tmpdir(), 'roomchat-bench-'));
// Also when the process dies of an error: a data directory left behind can be gigabytes.
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

const server = createChatServer({
  dataDir,
  logLevel: 'silent',
  ...BENCH_OVERRIDES,
  ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl, searchPath: opts.searchPath } : {}),
  ...(opts.redisUrl ? { redisUrl: opts.redisUrl, redisKeyPrefix: opts.redisKeyPrefix } : {}),
  ...(opts.storeNothing ? { messageWriter: discardingMessageWriter() } : {}),
});
const { port } = await server.listen({ port: 0, host: '127.0.0.1' });

serveCalls({
  // Group commit's batches and the appends in them, so far: how many messages a commit holds.
  stats: ({ gc }) => ({ ...processStats({ gc }), sockets: server.io.engine.clientsCount, groupCommit: { ...server.chat.messages.stats } }),
  async createRooms({ count }) {
    const codes = [];
    for (let i = 0; i < count; i++) codes.push((await server.chat.createRoom('127.0.0.1')).code);
    return codes;
  },
  /** Inserts `count` text messages into a new room directly (batched multi-row inserts), for history. */
  async seedHistory({ count, batch = 500 }) {
    const started = performance.now();
    const room = await server.chat.createRoom('127.0.0.1');
    const db = server.db;
    const now = Date.now() - count;
    for (let seq = 1; seq <= count; ) {
      const rows = [];
      for (let i = 0; i < batch && seq <= count; i++, seq++) {
        rows.push({ room_id: room.id, seq, kind: 'text', author: `user${seq % 50}`, text: `history message number ${seq}, some words to give it a realistic length`, client_id: null, image_id: null, created_at: now + seq });
      }
      await db.transaction(async (trx) => {
        await trx('messages').insert(rows);
      });
    }
    return { code: room.code, count, seconds: (performance.now() - started) / 1000 };
  },
  storageBench: ({ mode, concurrency, durationMs }) => storageBench({ chat: server.chat, db: server.db, mode, concurrency, durationMs }),
  async close() {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});
process.send({ event: 'ready', port });
