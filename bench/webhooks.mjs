// What webhooks cost the send path (issue #25), interleaved rounds:
//   1. the RoomEvents subscriber alone, per event: an app without endpoints, and with one;
//   2. acked messages/s of N SDK senders (one message in flight each, in this process with the
//      server) with no endpoint; with one endpoint whose receiver never answers (the queueing
//      alone: two requests hang, nothing else is delivered); and with one endpoint answering 204
//      (queueing and delivering every message). The receiver is a process of its own.
//      SQLite, or PostgreSQL with --pg.
// node bench/webhooks.mjs [--pg] [--rounds=3] [--senders=16] [--messages=150] [--modes=none,hang,ok]
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { ChatClient } from '@roomchat/sdk';
import { createChatServer } from '@roomchat/server';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const rounds = arg('rounds', 3);
const senders = arg('senders', 16);
const perSender = arg('messages', 150);
const pgUrl = process.argv.includes('--pg') ? (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const limits = { messagesPerWindow: 1e9, messagesPerAddressPerWindow: 1e9, roomCreatesPerWindow: 1e9, joinsPerWindow: 1e9, joinsPerAddressPerWindow: 1e9, connectionsPerAddress: 1e9 };

// The receiver: /ok answers 204, /hang never answers.
const receiver = spawn(process.execPath, ['-e', `
  const server = require('node:http').createServer((req, res) => req.resume().on('end', () => req.url === '/ok' && res.writeHead(204).end()));
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));`]);
const [port] = await once(receiver.stdout, 'data');
const hookBase = `http://127.0.0.1:${String(port).trim()}`;

async function storage() {
  const dataDir = await mkdtemp(join(tmpdir(), 'roomchat-bench-hooks-'));
  if (!pgUrl) return { options: { dataDir }, dispose: () => rm(dataDir, { recursive: true, force: true }) };
  const schema = `bench_hooks_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = knex({ client: 'pg', connection: pgUrl });
  await admin.raw('create schema ??', [schema]);
  return {
    options: { dataDir, databaseUrl: pgUrl, searchPath: schema },
    dispose: async () => {
      await admin.raw('drop schema ?? cascade', [schema]);
      await admin.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Acked messages/s of `senders` clients, each in its own room, one message in flight each. */
async function sendRate(mode) {
  const withEndpoint = mode !== 'none';
  const store = await storage();
  const server = createChatServer({ ...store.options, logLevel: 'silent', ...limits, webhookTimeoutMs: 600_000, shutdownTimeoutMs: 100 });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  if (withEndpoint) await server.webhooks.endpoints.create('default', { url: `${hookBase}/${mode}` });
  const clients = Array.from({ length: senders }, () => new ChatClient({ url, socket: { transports: ['websocket'] } }));
  const rooms = await Promise.all(clients.map((c, i) => c.createRoom({ name: `S${i}` })));
  for (const room of rooms) await room.send('warm-up');
  // Wall time gives the rate; CPU time (this process: server and clients) is what survives a busy machine.
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(rooms.map(async (room) => { for (let i = 0; i < perSender; i++) await room.send(`message ${i}`); }));
  const rate = (senders * perSender) / ((performance.now() - started) / 1000);
  // Delivering: until the backlog is delivered, so its CPU counts too.
  if (mode === 'ok') for (let i = 0; i < 3000 && (await server.webhooks.queue.pending()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerMessageUs = (cpu.user + cpu.system) / (senders * perSender);
  for (const c of clients) c.close();
  await server.close();
  await store.dispose();
  return { rate, cpuPerMessageUs };
}

/** ns per call of the subscriber for an entry-appended event. */
async function subscriberCost(withEndpoint) {
  const store = await storage();
  const server = createChatServer({ ...store.options, logLevel: 'silent', appsCacheMs: 60_000 });
  await server.listen({ port: 0, host: '127.0.0.1' });
  if (withEndpoint) await server.webhooks.endpoints.create('default', { url: 'http://127.0.0.1:9/' });
  await server.webhooks.endpoints.forApp('default');
  const room = { id: 1, appId: 'default', code: 'ABCDEFGH', createdAt: new Date().toISOString() };
  const n = withEndpoint ? 20_000 : 1_000_000;
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    server.webhooks.onRoomEvent({ type: 'entry-appended', room, entry: { id: String(i), roomCode: room.code, seq: i, kind: 'text', author: 'A', text: 'hello there', createdAt: room.createdAt } });
  }
  const spent = process.cpuUsage(started);
  const ns = ((spent.user + spent.system) * 1000) / n;
  const settle = process.cpuUsage();
  await server.close(); // waits for the batched inserts
  const closing = process.cpuUsage(settle);
  const insertMs = (closing.user + closing.system) / 1000;
  await store.dispose();
  return { ns, perInsertedRowUs: withEndpoint ? (insertMs * 1000) / n : 0 };
}

console.log(`engine: ${pgUrl ? 'PostgreSQL' : 'SQLite'}; ${senders} senders × ${perSender} messages; ${rounds} interleaved rounds`);
const none = await subscriberCost(false);
const one = await subscriberCost(true);
console.log(`subscriber, CPU per event: no endpoint ${none.ns.toFixed(0)} ns; one endpoint ${one.ns.toFixed(0)} ns to gather, then ~${one.perInsertedRowUs.toFixed(1)} µs per queued row (batched insert, closing included)`);
const modes = (process.argv.find((a) => a.startsWith('--modes='))?.split('=')[1] ?? 'none,hang,ok').split(',');
const results = Object.fromEntries(modes.map((m) => [m, []]));
const cpu = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) {
  const line = [];
  for (const mode of Object.keys(results)) {
    const { rate, cpuPerMessageUs } = await sendRate(mode);
    results[mode].push(rate);
    cpu[mode].push(cpuPerMessageUs);
    line.push(`${mode} ${rate.toFixed(0)} msg/s, ${cpuPerMessageUs.toFixed(0)} µs CPU/msg`);
  }
  console.log(`round ${r + 1}: ${line.join('; ')}`);
}
if (!modes.includes('none')) process.exit(receiver.kill() && 0);
const base = median(results.none);
const pct = (mode) => `${((median(results[mode]) / base) * 100).toFixed(0)} %`;
console.log(`median acked msg/s: no endpoint ${base.toFixed(0)}; queued only (receiver silent) ${median(results.hang).toFixed(0)} (${pct('hang')}); queued and delivered ${median(results.ok).toFixed(0)} (${pct('ok')})`);
console.log(`median CPU per message (server and clients): no endpoint ${median(cpu.none).toFixed(0)} µs; queued only ${median(cpu.hang).toFixed(0)} µs; queued and delivered ${median(cpu.ok).toFixed(0)} µs`);
receiver.kill();
