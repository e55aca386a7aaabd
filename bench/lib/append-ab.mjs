// Two builds' storage, in turns, in one process: N closed-loop appenders (one room each, one
// message in flight) call the server's own `Messages.append` (no sockets), for `ms` per round,
// the builds alternating which goes first. Prints acked/s, ack p50/p99 and this process's CPU per
// message per round, and the ratio of the two builds. On a machine too busy for the socket
// benchmark to tell the builds apart, CPU per message in turns still can.
//
//   BENCH_BEFORE=/path/to/other/packages/server/dist/src/index.js node bench/lib/append-ab.mjs [sqlite|pg] [rounds] [ms] [senders]
//
// BENCH_PG_URL as in run.mjs; BENCH_DROP_GIN=1 compares this build with itself without
// PostgreSQL's search index (what its upkeep costs); BENCH_OTHER_SETTINGS='{"postgresBatchesInFlight":1}'
// compares it with itself under other settings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const [engine = 'sqlite', rounds = 6, ms = 2000, senders = 32] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dropGin = Boolean(process.env.BENCH_DROP_GIN);
const otherSettings = JSON.parse(process.env.BENCH_OTHER_SETTINGS ?? '{}');
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/server/dist/src/index.js');
const other = dropGin || process.env.BENCH_OTHER_SETTINGS ? `${pathToFileURL(here).href}?again` : process.env.BENCH_BEFORE && pathToFileURL(process.env.BENCH_BEFORE).href;
if (!other) throw new Error('BENCH_BEFORE=/path/to/other/packages/server/dist/src/index.js (or BENCH_DROP_GIN=1)');
const builds = { this: pathToFileURL(here).href, other };

const admin = engine === 'pg' ? new pg.Client({ connectionString: PG_URL }) : undefined;
await admin?.connect();
const setups = {};
for (const [name, href] of Object.entries(builds)) {
  const { createChatServer } = await import(href);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roomchat-ab-'));
  const schema = `ab_${name}_${process.pid}`;
  await admin?.query(`create schema ${schema}`);
  const server = createChatServer({ dataDir, logLevel: 'silent', messagesPerWindow: 1e9, roomCreatesPerWindow: 1e9, ...(admin ? { databaseUrl: PG_URL, searchPath: schema } : {}), ...(name === 'other' ? otherSettings : {}) });
  await server.listen({ port: 0, host: '127.0.0.1' });
  if (dropGin && name === 'other') await server.db.raw('drop index messages_search');
  const rooms = [];
  for (let i = 0; i < senders; i++) rooms.push(await server.chat.createRoom('127.0.0.1'));
  setups[name] = { server, rooms, dataDir, schema };
}

let n = 0;
async function round({ server, rooms }) {
  const latencies = [];
  const cpu = process.cpuUsage();
  const end = performance.now() + ms;
  await Promise.all(
    rooms.map(async (room) => {
      while (performance.now() < end) {
        // A turn of the event loop between a message's ack and the next, as when it comes over a
        // socket: a synchronous driver would otherwise settle every append in microtasks, and
        // timers (SQLite's search indexer, its checkpoints) would never run.
        await new Promise((resolve) => setImmediate(resolve));
        const t = performance.now();
        await server.chat.messages.append(room, { kind: 'text', author: 'x', text: `hello world, message number ${n}`, clientId: `c${n++}` });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.floor(latencies.length * q)].toFixed(1);
  return { perSec: Math.round(latencies.length / (ms / 1000)), p50: at(0.5), p99: at(0.99), cpuUsPerMsg: Math.round((used.user + used.system) / latencies.length) };
}

const ratios = [];
for (let r = 0; r < rounds; r++) {
  const result = {};
  for (const name of r % 2 ? ['other', 'this'] : ['this', 'other']) result[name] = await round(setups[name]);
  ratios.push({ acked: result.this.perSec / result.other.perSec, cpu: result.this.cpuUsPerMsg / result.other.cpuUsPerMsg });
  console.log(`round ${r + 1}: this ${JSON.stringify(result.this)}  other ${JSON.stringify(result.other)}`);
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2);
console.log(`this / other, median of rounds: acked/s ${median(ratios.map((x) => x.acked))}x, CPU per message ${median(ratios.map((x) => x.cpu))}x`);
for (const { server, dataDir, schema } of Object.values(setups)) {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  await admin?.query(`drop schema ${schema} cascade`);
}
await admin?.end();
