#!/usr/bin/env node
// Roomchat benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (small sizes, < 3 min).
// Options: --only=fanout,persistence,storage,connections,history,bundle  --repeats=N
//   --servers=roomchat,socketio,ws (fan-out, persistence; also roomchat-nostore: Roomchat storing
//   nothing, to see what storing costs)  --profile (V8 CPU profiles of the servers)
//   --shapes=100x10,10x100 --steps=25000,50000 (fan-out: these shapes, these fixed rates, no bisecting;
//   each shape starts with every server's CPU per message at 25k, the servers taking turns)
//   --connections=5000 (connections: these counts)
// Every server and load generator is a child process over 127.0.0.1, pinned with taskset when
// available (servers on CPU 0, generator and this harness on CPU 1). Results: bench/results/*.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient as createRedisClient } from 'redis';
import { bundleSizes } from './lib/bundle.mjs';
import { cpuTimes, processCpuMs, processCpuMsSince } from './lib/cpu-stat.mjs';
import { BENCH_OVERRIDES } from './lib/overrides.mjs';
import { HAS_TASKSET, startProcess } from './lib/proc.mjs';
import { waitQuiet } from './lib/quiet.mjs';
import { formatTable, kb, markdownTable, mb, pct } from './lib/table.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const QUICK = Boolean(args.quick);
const ONLY = args.only ? String(args.only).split(',') : ['fanout', 'persistence', 'storage', 'connections', 'history', 'multinode', 'bundle'];
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Quick runs write bench/results/*.json (small, committed); full runs bench/results/full/*.json.
const RESULTS = fileURLToPath(new URL(QUICK ? './results/' : './results/full/', import.meta.url));
const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const P99_LIMIT_MS = 50;
/** The fan-out rate at which every server's CPU per message is compared (deliveries/s). */
const CPU_COMPARISON_RATE = 25_000;
/** A server core this busy (the process, the kernel's network work on it, steal) is full: its queues grow. */
const SERVER_CORE_FULL = 0.95;
/** A fan-out step stops sending once a delivery is this late: it has failed, and more would only queue. */
const GIVE_UP_LAG_MS = 20 * P99_LIMIT_MS;

const SIZES = QUICK
  ? {
      repeats: Number(args.repeats ?? 1),
      fanout: [{ rooms: 20, members: 25 }],
      // Few steps below 25k: a step costs about 3 s, a retried one twice that, and the quick run must stay under 3 minutes.
      fanoutSteps: [1_000, 25_000, 40_000, 60_000, 80_000, 100_000, 120_000],
      bisect: 1,
      confirmFailures: true,
      quietWaitMs: 2_000,
      warmupMs: 500,
      measureMs: 1_250,
      cpuRounds: { rounds: 3, warmupMs: 300, measureMs: 1_000 },
      persistence: { senders: 32, warmupMs: 500, durationMs: 2_000 },
      pingPong: 300,
      storage: { writers: [1, 64], durationMs: 1_500 },
      connections: [1_000],
      history: 100_000,
      historyRequests: 200,
    }
  : {
      repeats: Number(args.repeats ?? 3),
      fanout: [
        { rooms: 100, members: 10 },
        { rooms: 10, members: 100 },
      ],
      fanoutSteps: [1_000, 2_500, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 50_000, 60_000, 70_000, 80_000, 100_000, 120_000],
      bisect: 3,
      confirmFailures: true,
      quietWaitMs: 20_000,
      warmupMs: 1_000,
      measureMs: 3_000,
      cpuRounds: { rounds: 6, warmupMs: 500, measureMs: 2_000 },
      persistence: { senders: 64, warmupMs: 1_000, durationMs: 5_000 },
      pingPong: 2_000,
      storage: { writers: [1, 64, 512], durationMs: 4_000 },
      connections: [1_000, 5_000, 10_000],
      history: 1_000_000,
      historyRequests: 1_000,
    };
// Fixed shapes and rates, for profiling or comparing builds at equal load.
if (args.shapes) SIZES.fanout = String(args.shapes).split(',').map((s) => { const [rooms, members] = s.split('x').map(Number); return { rooms, members }; });
if (args.connections) SIZES.connections = String(args.connections).split(',').map(Number);
if (args.steps) Object.assign(SIZES, { fanoutSteps: String(args.steps).split(',').map(Number), bisect: 0 });

const SERVERS = {
  roomchat: { script: 'servers/roomchat.mjs', label: 'Roomchat (SQLite)' },
  'roomchat-pg': { script: 'servers/roomchat.mjs', label: 'Roomchat (PostgreSQL)' },
  // Not run unless asked for (--servers=roomchat,roomchat-nostore,socketio): what storing costs.
  'roomchat-nostore': { script: 'servers/roomchat.mjs', label: 'Roomchat (storing nothing)', options: { storeNothing: true } },
  // Not run unless asked for: another build of the server, to measure a change before and after
  // in one run (BENCH_BEFORE=/path/to/other/checkout/packages/server/dist/src/index.js).
  'roomchat-before': { script: 'servers/roomchat.mjs', label: 'Roomchat before (SQLite)', options: { serverModule: process.env.BENCH_BEFORE ?? null } },
  'roomchat-before-pg': { script: 'servers/roomchat.mjs', label: 'Roomchat before (PostgreSQL)', options: { serverModule: process.env.BENCH_BEFORE ?? null } },
  socketio: { script: 'servers/socketio.mjs', label: 'bare Socket.IO' },
  ws: { script: 'servers/ws.mjs', label: 'raw ws (floor)' },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...a) => console.error('  ·', ...a);

if (HAS_TASKSET) execFileSync('taskset', ['-a', '-p', '-c', String(GENERATOR_CPU), String(process.pid)], { stdio: 'ignore' });

const machine = {
  cpu: os.cpus()[0]?.model,
  cpus: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  pinned: HAS_TASKSET ? `servers on CPU ${SERVER_CPU}, generator and harness on CPU ${GENERATOR_CPU}` : 'not pinned (no taskset)',
};

// ---------------------------------------------------------------- processes

async function startServer(kind, extra = {}) {
  const env = { BENCH_SERVER_OPTS: JSON.stringify({ ...SERVERS[kind].options, ...extra }) };
  const nodeArgs = ['--expose-gc'];
  // --profile: V8 CPU profiles of every server, summarised with lib/profile-top.mjs.
  if (args.profile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${RESULTS}profiles`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  const proc = startProcess(SERVERS[kind].script, { cpu: SERVER_CPU, env, nodeArgs });
  const { port } = await proc.ready;
  return Object.assign(proc, { url: `http://127.0.0.1:${port}`, kind });
}

async function startGenerator() {
  const proc = startProcess('generator.mjs', { cpu: GENERATOR_CPU, nodeArgs: ['--max-old-space-size=4096'] });
  await proc.ready;
  return proc;
}

/**
 * Samples the server's CPU and RSS at the generator's measure-start and measure-end; when pinned,
 * also its core's: the process's CPU leaves out the kernel's network work on that core (softirq)
 * and the hypervisor's steal, so a server at 85 % may have a full core.
 */
function sampleWindow(server, gen) {
  let start;
  let end;
  let coreStart;
  let coreEnd;
  let databaseStart;
  let databaseMs;
  const onStart = () => {
    coreStart = HAS_TASKSET ? cpuTimes(SERVER_CPU) : undefined;
    databaseStart = processCpuMs('postgres');
    start = server.call('stats');
  };
  const onEnd = () => {
    coreEnd = HAS_TASKSET ? cpuTimes(SERVER_CPU) : undefined;
    databaseMs = processCpuMsSince('postgres', databaseStart);
    end = server.call('stats');
  };
  gen.on('measure-start', onStart);
  gen.on('measure-end', onEnd);
  return async () => {
    const [a, b] = await Promise.all([start, end]);
    gen.off('measure-start', onStart);
    gen.off('measure-end', onEnd);
    if (!a || !b) return {};
    // Group commit (Roomchat only): the appends a commit held, on average.
    const commits = a.groupCommit && b.groupCommit ? b.groupCommit.batches - a.groupCommit.batches : 0;
    const msgsPerCommit = commits > 0 ? (b.groupCommit.appends - a.groupCommit.appends) / commits : undefined;
    const ticks = coreStart && coreEnd ? coreEnd.total - coreStart.total : 0;
    const core = ticks > 0
      ? {
          serverCoreBusy: (coreEnd.busy - coreStart.busy) / ticks,
          serverCoreSoftirq: (coreEnd.softirq - coreStart.softirq) / ticks,
          serverCoreSteal: (coreEnd.steal - coreStart.steal) / ticks,
        }
      : {};
    // PostgreSQL's processes on this machine (its backends do the writes no server is charged for).
    const databaseCpu = databaseMs === undefined ? undefined : databaseMs / (b.wallMs - a.wallMs);
    return { serverCpu: (b.cpuMs - a.cpuMs) / (b.wallMs - a.wallMs), serverRss: b.rss, msgsPerCommit, databaseCpu, ...core };
  };
}

/** Runs `fn(server, gen)` with a fresh server of `kind` and a fresh generator, then stops both. */
async function withServer(kind, extra, fn) {
  const quiet = await waitQuiet({ maxWaitMs: SIZES.quietWaitMs });
  if (quiet.busy > 0.25) log(`other processes use ${pct(quiet.busy)} of the CPUs: results will be noisy`);
  const server = await startServer(kind, extra);
  const gen = await startGenerator();
  try {
    return await fn(server, gen, quiet);
  } finally {
    await gen.stop();
    await server.stop();
  }
}

async function postgresAvailable() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh PostgreSQL schema for one server run, dropped afterwards. */
async function withPgSchema(fn) {
  const schema = `bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  try {
    return await fn({ databaseUrl: PG_URL, searchPath: schema });
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
}

// ---------------------------------------------------------------- output

const markdown = [];
function report(name, title, columns, rows, extra = {}) {
  console.log(formatTable(title, columns, rows));
  markdown.push(markdownTable(title, columns, rows));
  const json = { scenario: name, title, mode: QUICK ? 'quick' : 'full', date: new Date().toISOString(), machine, loadAverage1m: os.loadavg()[0], overrides: BENCH_OVERRIDES, ...extra, rows };
  writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify(json, null, 1)}\n`);
}

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined && v !== null).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Each round's CPU per message of `kind` over bare Socket.IO's in the same round. */
function pairedRatios(turns, kind) {
  const bare = turns.socketio ?? [];
  return turns[kind].map((t, round) => (t.cpuPerMsgUs !== undefined && bare[round]?.cpuPerMsgUs ? t.cpuPerMsgUs / bare[round].cpuPerMsgUs : undefined));
}

/** The summary rows of cpuPerMessageInTurns: one per server. */
function cpuTurnRows(shape, kinds, turns) {
  return kinds.map((kind) => {
    const ratios = pairedRatios(turns, kind);
    return {
      shape,
      server: SERVERS[kind].label,
      rate: CPU_COMPARISON_RATE,
      cpuPerMsgUs: median(turns[kind].map((t) => t.cpuPerMsgUs)),
      turns: turns[kind].map((t) => (t.cpuPerMsgUs === undefined ? '-' : Math.round(t.cpuPerMsgUs))).join(' / '),
      ratio: median(ratios),
      ratios: ratios.map((r) => (r === undefined ? '-' : r.toFixed(2))).join(' / '),
      p99: median(turns[kind].map((t) => t.p99)),
      msgsPerCommit: median(turns[kind].map((t) => t.msgsPerCommit)),
      generatorCpu: Math.max(...turns[kind].map((t) => t.generatorCpu ?? 0)),
    };
  });
}

// ---------------------------------------------------------------- scenarios

/**
 * Each server's CPU per message at one fan-out rate, with every server up at once and taking turns
 * in short windows: a round gives each a window, in an order that rotates from round to round.
 * This machine's speed drifts by 10-40 % within minutes, so steps of different servers minutes
 * apart cannot tell a server's cost from the drift; windows a few seconds apart share it, and each
 * round's ratio to bare Socket.IO cancels it. Returns, per server kind, one entry per round.
 */
async function cpuPerMessageInTurns({ rooms, members }, kinds, deliveries) {
  const { rounds, warmupMs, measureMs } = SIZES.cpuRounds;
  const quiet = await waitQuiet({ maxWaitMs: SIZES.quietWaitMs });
  if (quiet.busy > 0.25) log(`other processes use ${pct(quiet.busy)} of the CPUs: results will be noisy`);
  const running = [];
  const windows = Object.fromEntries(kinds.map((k) => [k, []]));
  try {
    // Started and connected side by side (the quick run has to stay under 3 minutes).
    const setups = await Promise.allSettled(
      kinds.map(async (kind) => {
        const [server, gen] = await Promise.all([startServer(kind), startGenerator()]);
        running.push({ kind, server, gen });
        const codes = await server.call('createRooms', { count: rooms });
        const conn = await gen.call('connect', { url: server.url, rooms: codes, members });
        if (conn.errorCount) throw new Error(`${kind}: ${conn.errorCount} connections failed: ${conn.errors.join('; ')}`);
      }),
    );
    const failed = setups.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    running.sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
    // A turn each first, not counted: a server's first load compiles its code (first turns measured
    // 30-50 % over the later ones).
    for (const { gen } of running) await gen.call('fanout', { rate: deliveries / members, warmupMs: 0, measureMs: warmupMs + measureMs, giveUpAtLagMs: GIVE_UP_LAG_MS });
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < running.length; i++) {
        const { kind, server, gen } = running[(i + round) % running.length];
        const window = sampleWindow(server, gen);
        const res = await gen.call('fanout', { rate: deliveries / members, warmupMs, measureMs, giveUpAtLagMs: GIVE_UP_LAG_MS });
        const usage = await window();
        const msgsPerSec = res.measuredMs ? res.sentInWindow / (res.measuredMs / 1000) : 0;
        const kept = !res.gaveUp && res.deliveredRatio >= 0.99;
        windows[kind].push({ cpuPerMsgUs: kept && usage.serverCpu !== undefined && msgsPerSec ? (usage.serverCpu * 1e6) / msgsPerSec : undefined, p99: res.latencyMs.p99, msgsPerCommit: usage.msgsPerCommit, generatorCpu: res.generatorCpu });
        log(`${rooms}x${members} ${kind} turn ${round + 1}: ${Math.round(windows[kind].at(-1).cpuPerMsgUs ?? NaN)} µs CPU/msg at ${deliveries}/s, p99 ${res.latencyMs.p99?.toFixed(1)} ms${kept ? '' : ' (fell behind: not counted)'}`);
      }
    }
  } finally {
    for (const { server, gen } of running) {
      await gen.stop();
      await server.stop();
    }
  }
  return windows;
}

/** 1 + 2: fan-out, stepping the send rate up until p99 >= 50 ms or deliveries fall behind. */
async function fanout() {
  const stepRows = [];
  const summaryRows = [];
  const cpuRows = [];
  const kinds = args.servers ? String(args.servers).split(',') : ['roomchat', 'socketio', 'ws'];
  for (const { rooms, members } of SIZES.fanout) {
    const sustained = Object.fromEntries(kinds.map((k) => [k, []]));
    const at25k = Object.fromEntries(kinds.map((k) => [k, []]));
    // CPU per message at one rate that every server passes, the servers taking turns: steadier
    // than the ratio of sustained rates when the machine's speed drifts between the servers' climbs.
    const turns = await cpuPerMessageInTurns({ rooms, members }, kinds, CPU_COMPARISON_RATE);
    cpuRows.push(...cpuTurnRows(`${rooms}x${members}`, kinds, turns));
    const limits = Object.fromEntries(kinds.map((k) => [k, []]));
    const firstFails = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let repeat = 1; repeat <= SIZES.repeats; repeat++) {
      // Interleaved, so that drift of the machine affects every server alike.
      for (const kind of kinds) {
        await withServer(kind, {}, async (server, gen, quietBefore) => {
          let quiet = quietBefore;
          const codes = await server.call('createRooms', { count: rooms });
          const conn = await gen.call('connect', { url: server.url, rooms: codes, members });
          if (conn.errorCount) throw new Error(`${kind}: ${conn.errorCount} connections failed: ${conn.errors.join('; ')}`);
          const runStep = async (deliveries, retry = false) => {
            const window = sampleWindow(server, gen);
            const res = await gen.call('fanout', { rate: deliveries / members, warmupMs: SIZES.warmupMs, measureMs: SIZES.measureMs, giveUpAtLagMs: GIVE_UP_LAG_MS });
            const usage = await window();
            const msgsPerSec = res.measuredMs ? res.sentInWindow / (res.measuredMs / 1000) : 0;
            const pass = !res.gaveUp && res.errors === 0 && res.deliveredRatio >= 0.99 && res.latencyMs.p99 < P99_LIMIT_MS;
            const row = {
              shape: `${rooms}x${members}`,
              server: SERVERS[kind].label,
              repeat,
              target: deliveries,
              msgsPerSec,
              deliveriesPerSec: res.deliveriesPerSec,
              delivered: res.deliveredRatio,
              p50: res.latencyMs.p50,
              p99: res.latencyMs.p99,
              p999: res.latencyMs.p999,
              ackP50: res.ackMs.p50,
              ackP99: res.ackMs.p99,
              serverCpu: usage.serverCpu,
              serverCpuPerMsgUs: usage.serverCpu === undefined || !msgsPerSec ? undefined : (usage.serverCpu * 1e6) / msgsPerSec,
              serverCoreBusy: usage.serverCoreBusy,
              serverCoreSoftirq: usage.serverCoreSoftirq,
              serverCoreSteal: usage.serverCoreSteal,
              serverRss: usage.serverRss,
              msgsPerCommit: usage.msgsPerCommit,
              generatorCpu: res.generatorCpu,
              errors: res.errors,
              firstErrors: res.firstErrors,
              ok: pass ? 'yes' : res.gaveUp ? 'NO (gave up)' : 'NO',
              retry: retry ? 'retry' : '',
              otherCpuBefore: quiet.busy,
            };
            stepRows.push(row);
            log(`${row.shape} ${kind} r${repeat} ${deliveries}/s -> ${Math.round(row.deliveriesPerSec)}/s p99 ${row.p99?.toFixed(1)} ms delivered ${pct(row.delivered)} srv ${pct(row.serverCpu ?? 0)} (${Math.round(row.serverCpuPerMsgUs ?? 0)} µs/msg) gen ${pct(row.generatorCpu ?? 0)} ${row.ok}`);
            if (deliveries === CPU_COMPARISON_RATE) at25k[kind].push(row.p99);
            // The generator has already waited for a quiet 300 ms; this only spaces the steps apart.
            await sleep(100);
            // A neighbour's burst of CPU can fail one step: a failure counts when it repeats.
            if (!pass && !retry && SIZES.confirmFailures) {
              quiet = await waitQuiet({ maxWaitMs: SIZES.quietWaitMs / 2 });
              return runStep(deliveries, true);
            }
            return { pass, row, res };
          };
          // Step up until the climb ends (below), then bisect between the highest pass and the
          // failure above it.
          let best = 0;
          let lo = 0;
          let hi;
          let firstFail;
          // Why each failed step failed; "what stopped it" is the reason of the one just above the
          // sustained rate (hi), not of the last one run.
          const causes = new Map();
          let topPassAtGeneratorCeiling = false;
          const track = ({ pass, row, res }, deliveries) => {
            if (pass) {
              best = Math.max(best, res.deliveriesPerSec);
              lo = deliveries;
              topPassAtGeneratorCeiling = row.generatorCpu > 0.9;
            } else {
              if (deliveries > lo && (hi === undefined || deliveries < hi)) hi = deliveries;
              const cause = res.gaveUp || res.deliveredRatio < 0.99 ? 'deliveries behind' : res.errors ? 'errors' : 'p99';
              causes.set(deliveries, row.generatorCpu > 0.9 ? 'generator CPU' : row.serverCoreBusy >= SERVER_CORE_FULL ? `${cause}, server core full` : cause);
            }
            return pass;
          };
          // Roomchat's p99 is not monotonic in the rate (short storage stalls fail a low step, while
          // batches absorb them at higher ones), so one failed step does not end the climb: two in a
          // row do, or one whose median delivery was already over the limit (the server fell behind,
          // which no higher rate undoes; the step above would only queue more to drain). The lowest
          // failed step is reported beside the sustained rate.
          let failedInRow = 0;
          for (const deliveries of SIZES.fanoutSteps) {
            const step = await runStep(deliveries);
            if (track(step, deliveries)) {
              failedInRow = 0;
              hi = undefined;
            } else {
              firstFail ??= deliveries;
              if (++failedInRow === 2 || step.res.latencyMs.p50 >= P99_LIMIT_MS) break;
            }
          }
          for (let b = 0; b < SIZES.bisect && hi !== undefined && hi - lo > Math.max(400, lo * 0.1); b++) {
            const mid = Math.round((lo + hi) / 2 / 100) * 100;
            track(await runStep(mid), mid);
          }
          sustained[kind].push(best);
          limits[kind].push(hi !== undefined ? causes.get(hi) : topPassAtGeneratorCeiling ? 'top step passed, generator CPU' : 'top step passed');
          firstFails[kind].push(firstFail);
        });
      }
    }
    for (const kind of kinds) {
      summaryRows.push({
        shape: `${rooms}x${members}`,
        server: SERVERS[kind].label,
        sustained: median(sustained[kind]),
        runs: sustained[kind].map((v) => Math.round(v)).join(' / '),
        ratio: sustained.socketio ? median(sustained[kind]) / median(sustained.socketio) : undefined,
        p99at25k: median(at25k[kind]),
        cpuAt25k: median(turns[kind].map((t) => t.cpuPerMsgUs)),
        cpuRatioAt25k: median(pairedRatios(turns, kind)),
        // Per repeat, like the sustained rates: a set of the reasons read as one list ("p99, server core full, p99").
        limit: limits[kind].every((l) => l === limits[kind][0]) ? limits[kind][0] : limits[kind].join(' / '),
        firstFail: firstFails[kind].map((v) => (v === undefined ? '-' : String(v))).join(' / '),
      });
    }
  }
  const stepColumns = [
    { key: 'shape', label: 'rooms x members', align: 'left' },
    { key: 'server', label: 'server', align: 'left' },
    { key: 'repeat', label: 'run', digits: 0 },
    { key: 'target', label: 'target deliv/s', digits: 0 },
    { key: 'msgsPerSec', label: 'msgs/s', digits: 0 },
    { key: 'deliveriesPerSec', label: 'deliv/s', digits: 0 },
    { key: 'delivered', label: 'delivered', format: pct },
    { key: 'p50', label: 'p50 ms' },
    { key: 'p99', label: 'p99 ms' },
    { key: 'p999', label: 'p99.9 ms' },
    { key: 'ackP99', label: 'ack p99 ms' },
    { key: 'serverCpu', label: 'server CPU', format: pct },
    { key: 'serverCpuPerMsgUs', label: 'µs CPU/msg', digits: 0 },
    { key: 'serverCoreBusy', label: 'server core busy', format: pct },
    { key: 'serverCoreSoftirq', label: 'of it softirq', format: pct },
    { key: 'serverRss', label: 'server RSS MB', format: mb },
    { key: 'msgsPerCommit', label: 'msgs/commit', digits: 1 },
    { key: 'generatorCpu', label: 'gen CPU', format: pct },
    { key: 'ok', label: `p99<${P99_LIMIT_MS}`, align: 'left' },
    { key: 'retry', label: '', align: 'left' },
  ];
  const summaryColumns = [
    { key: 'shape', label: 'rooms x members', align: 'left' },
    { key: 'server', label: 'server', align: 'left' },
    { key: 'sustained', label: `sustained deliv/s (p99<${P99_LIMIT_MS}ms, median)`, digits: 0 },
    { key: 'runs', label: 'per run', align: 'left' },
    { key: 'ratio', label: 'vs bare Socket.IO', format: (v) => `${v.toFixed(2)}x` },
    { key: 'p99at25k', label: 'p99 ms at 25k deliv/s' },
    { key: 'cpuAt25k', label: 'µs CPU/msg at 25k (in turns)', digits: 0 },
    { key: 'cpuRatioAt25k', label: 'CPU/msg vs bare (in turns)', format: (v) => `${v.toFixed(2)}x` },
    { key: 'limit', label: 'what stopped it', align: 'left' },
    { key: 'firstFail', label: 'lowest failed step', align: 'left' },
  ];
  const cpuColumns = [
    { key: 'shape', label: 'rooms x members', align: 'left' },
    { key: 'server', label: 'server', align: 'left' },
    { key: 'rate', label: 'deliv/s', digits: 0 },
    { key: 'cpuPerMsgUs', label: 'µs CPU/msg (median)', digits: 0 },
    { key: 'turns', label: 'per turn', align: 'left' },
    { key: 'ratio', label: 'vs bare Socket.IO (median of turns)', format: (v) => `${v.toFixed(2)}x` },
    { key: 'ratios', label: 'per turn', align: 'left' },
    { key: 'p99', label: 'p99 ms', digits: 1 },
    { key: 'msgsPerCommit', label: 'msgs/commit', digits: 1 },
    { key: 'generatorCpu', label: 'gen CPU (max)', format: pct },
  ];
  report('fanout-cpu', `Fan-out: server CPU per message at ${CPU_COMPARISON_RATE / 1000}k deliveries/s, the servers taking turns`, cpuColumns, cpuRows, { rate: CPU_COMPARISON_RATE, ...SIZES.cpuRounds });
  report('fanout-steps', 'Fan-out steps (send-to-delivery latency at the receivers)', stepColumns, stepRows);
  report('fanout', 'Fan-out: highest sustained deliveries/s with p99 < 50 ms', summaryColumns, summaryRows, {
    steps: SIZES.fanoutSteps,
    warmupMs: SIZES.warmupMs,
    measureMs: SIZES.measureMs,
    repeats: SIZES.repeats,
  });
}

/** 3: acknowledged (committed) messages per second, many senders; and idle send-to-ack. */
async function persistence() {
  const rows = [];
  const pgUp = await postgresAvailable();
  const asked = args.servers ? String(args.servers).split(',') : ['roomchat', 'roomchat-pg', 'socketio', 'ws'];
  const targets = [['roomchat', {}], ...(pgUp ? [['roomchat-pg', 'pg']] : []), ['roomchat-nostore', {}], ['roomchat-before', {}], ...(pgUp ? [['roomchat-before-pg', 'pg']] : []), ['socketio', {}], ['ws', {}]].filter(([k]) => asked.includes(k));
  for (const [kind, extra] of targets) {
    const run = async (opts) =>
      withServer(kind, opts, async (server, gen) => {
        // Closed loop: N senders, each in its own room, one message in flight each.
        const codes = await server.call('createRooms', { count: SIZES.persistence.senders });
        await gen.call('connect', { url: server.url, rooms: codes, members: 1 });
        const window = sampleWindow(server, gen);
        const res = await gen.call('closedLoop', { warmupMs: SIZES.persistence.warmupMs, durationMs: SIZES.persistence.durationMs });
        const usage = await window();
        await gen.call('disconnect');
        // Idle: one sender, one message at a time.
        const [one] = await server.call('createRooms', { count: 1 });
        await gen.call('connect', { url: server.url, rooms: [one], members: 1 });
        const idle = await gen.call('pingPong', { count: SIZES.pingPong });
        const row = {
          server: SERVERS[kind].label,
          senders: res.senders,
          ackedPerSec: res.ackedPerSec,
          ackP50: res.ackMs.p50,
          ackP99: res.ackMs.p99,
          serverCpu: usage.serverCpu,
          serverCoreBusy: usage.serverCoreBusy,
          ...(extra === 'pg' ? { databaseCpu: usage.databaseCpu } : {}),
          // What a message costs the machine: the server's CPU, and on PostgreSQL its backends' too.
          cpuPerMsgUs: usage.serverCpu === undefined || !res.ackedPerSec ? undefined : ((usage.serverCpu + (extra === 'pg' ? (usage.databaseCpu ?? 0) : 0)) * 1e6) / res.ackedPerSec,
          msgsPerCommit: usage.msgsPerCommit,
          generatorCpu: res.generatorCpu,
          idleP50: idle.ackMs.p50,
          idleP99: idle.ackMs.p99,
          errors: res.errors + idle.errors,
          firstErrors: [...res.firstErrors, ...idle.firstErrors],
          persists: kind.startsWith('roomchat') && !SERVERS[kind].options?.storeNothing ? 'yes' : 'no',
        };
        log(`${kind}: ${Math.round(row.ackedPerSec)} acked/s, ack p50 ${row.ackP50} p99 ${row.ackP99} ms; idle p50 ${row.idleP50} ms`);
        rows.push(row);
      });
    if (extra === 'pg') await withPgSchema(run);
    else await run(extra);
  }
  if (!pgUp) log(`PostgreSQL not reachable at ${PG_URL}: skipped`);
  report(
    'persistence',
    `Persistence: ${SIZES.persistence.senders} senders (one room each, 1 in flight), acked messages/s; idle send-to-ack`,
    [
      { key: 'server', label: 'server', align: 'left' },
      { key: 'persists', label: 'stores', align: 'left' },
      { key: 'ackedPerSec', label: 'acked msgs/s', digits: 0 },
      { key: 'ackP50', label: 'ack p50 ms' },
      { key: 'ackP99', label: 'ack p99 ms' },
      { key: 'serverCpu', label: 'server CPU', format: pct },
      { key: 'serverCoreBusy', label: 'server core busy', format: pct },
      { key: 'databaseCpu', label: 'PostgreSQL CPU', format: pct },
      { key: 'cpuPerMsgUs', label: 'µs CPU/msg (server + PostgreSQL)', digits: 0 },
      { key: 'msgsPerCommit', label: 'msgs/commit', digits: 1 },
      { key: 'generatorCpu', label: 'gen CPU', format: pct },
      { key: 'idleP50', label: 'idle ack p50 ms', digits: 3 },
      { key: 'idleP99', label: 'idle ack p99 ms', digits: 3 },
      { key: 'errors', label: 'errors', digits: 0 },
    ],
    rows,
    { postgres: pgUp ? PG_URL : 'unreachable' },
  );
}

/**
 * 3b: storage alone, in the Roomchat server process: its own Messages.append against the
 * group-commit prototype of lib/storage-bench.mjs on the same schema and connection.
 */
async function storage() {
  const rows = [];
  const pgUp = await postgresAvailable();
  const targets = [['roomchat', null], ...(pgUp ? [['roomchat-pg', 'pg']] : [])];
  for (const [kind, extra] of targets) {
    const run = async (opts) => {
      const server = await startServer(kind, opts);
      try {
        for (const concurrency of SIZES.storage.writers) {
          for (const mode of ['append', 'group']) {
            const res = await server.call('storageBench', { mode, concurrency, durationMs: SIZES.storage.durationMs });
            rows.push({ ...res, server: SERVERS[kind].label, mode: mode === 'append' ? "server's Messages.append" : 'reference: knex group commit on the event loop', perBatch: res.batches ? res.commits / res.batches : undefined });
            log(`${kind} ${mode} x${concurrency}: ${Math.round(res.perSecond)} commits/s p50 ${res.p50.toFixed(2)} p99 ${res.p99.toFixed(2)} ms`);
          }
        }
      } finally {
        await server.stop();
      }
    };
    if (extra === 'pg') await withPgSchema(run);
    else await run({});
  }
  report(
    'storage',
    'Storage alone (in the server process, no sockets): committed messages/s, closed loop, one room per writer',
    [
      { key: 'server', label: 'engine', align: 'left' },
      { key: 'mode', label: 'write path', align: 'left' },
      { key: 'concurrency', label: 'writers', digits: 0 },
      { key: 'perSecond', label: 'commits/s', digits: 0 },
      { key: 'p50', label: 'p50 ms' },
      { key: 'p99', label: 'p99 ms' },
      { key: 'perBatch', label: 'reference msgs per tx', digits: 1 },
    ],
    rows,
  );
}

/** 4: N idle connections, each joined to a room of 10; RSS per connection and connect rate. */
async function connections() {
  const rows = [];
  for (const n of SIZES.connections) {
    for (const kind of ['roomchat', 'socketio', 'ws']) {
      await withServer(kind, {}, async (server, gen) => {
        const roomSize = 10;
        const codes = await server.call('createRooms', { count: Math.ceil(n / roomSize) });
        await sleep(200);
        const before = await server.call('stats', { gc: true });
        const conn = await gen.call('connect', { url: server.url, rooms: codes, members: roomSize });
        await sleep(500);
        const after = await server.call('stats', { gc: true });
        rows.push({
          connections: conn.connections,
          server: SERVERS[kind].label,
          connectPerSec: conn.perSecond,
          rssBefore: before.rss,
          rssAfter: after.rss,
          rssPerConn: (after.rss - before.rss) / conn.connections,
          heapPerConn: (after.heapUsed - before.heapUsed) / conn.connections,
          errors: conn.errorCount,
        });
        log(`${kind} ${n}: ${Math.round(conn.perSecond)} connects+joins/s, ${kb((after.rss - before.rss) / conn.connections)} KB RSS/conn`);
      });
    }
  }
  for (const row of rows) {
    const bare = rows.find((r) => r.connections === row.connections && r.server === SERVERS.socketio.label);
    row.ratio = bare ? row.rssPerConn / bare.rssPerConn : undefined;
  }
  report(
    'connections',
    'Connections: idle clients joined to rooms of 10 (RSS after GC)',
    [
      { key: 'connections', label: 'connections', digits: 0 },
      { key: 'server', label: 'server', align: 'left' },
      { key: 'connectPerSec', label: 'connect+join/s', digits: 0 },
      { key: 'rssAfter', label: 'server RSS MB', format: mb },
      { key: 'rssPerConn', label: 'RSS KB/conn', format: kb },
      { key: 'heapPerConn', label: 'heap KB/conn', format: kb },
      { key: 'ratio', label: 'vs bare Socket.IO', format: (v) => `${v.toFixed(2)}x` },
      { key: 'errors', label: 'errors', digits: 0 },
    ],
    rows,
  );
}

/** 5: a room with many stored messages; newest page and a deep keyset page over HTTP. */
async function history() {
  const rows = [];
  // The machine's floor: node:http answering a constant (the raw ws server's HTTP side).
  await withServer('ws', {}, async (server, gen) => {
    const res = await gen.call('httpLatency', { url: server.url, path: '/healthz', count: SIZES.historyRequests });
    rows.push({ server: 'bare node:http (floor)', stored: 0, page: 'GET /healthz (constant)', seqs: '', p50: res.latencyMs.p50, p99: res.latencyMs.p99, bytes: res.bytes });
  });
  const pgUp = await postgresAvailable();
  const targets = [['roomchat', null], ...(pgUp && !QUICK ? [['roomchat-pg', 'pg']] : [])];
  for (const [kind, extra] of targets) {
    const run = (opts) =>
      withServer(kind, opts, async (server, gen) => {
        const n = SIZES.history;
        const seeded = await server.call('seedHistory', { count: n }, 1_800_000);
        log(`${kind}: seeded ${n} messages in ${seeded.seconds.toFixed(1)} s`);
        const base = `/v1/rooms/${seeded.code}/messages`;
        const pages = [
          // The floor: the same server's cheapest route over the same HTTP client.
          ['GET /healthz (floor)', '/healthz'],
          ['newest', `${base}?limit=50`],
          ['middle (keyset)', `${base}?before=${Math.floor(n / 2)}&limit=50`],
          ['oldest (keyset)', `${base}?before=51&limit=50`],
        ];
        for (const [page, path] of pages) {
          const res = await gen.call('httpLatency', { url: server.url, path, count: SIZES.historyRequests });
          rows.push({ server: SERVERS[kind].label, stored: n, page, seqs: res.firstSeq === undefined ? '' : `${res.firstSeq}..${res.lastSeq}`, p50: res.latencyMs.p50, p99: res.latencyMs.p99, bytes: res.bytes, seedSeconds: seeded.seconds });
          log(`${kind} ${page}: p50 ${res.latencyMs.p50} ms p99 ${res.latencyMs.p99} ms`);
        }
      });
    if (extra === 'pg') await withPgSchema(run);
    else await run({});
  }
  report(
    'history',
    `History over HTTP: GET /v1/rooms/:code/messages?before=&limit=50, ${SIZES.historyRequests} sequential requests each`,
    [
      { key: 'server', label: 'server', align: 'left' },
      { key: 'stored', label: 'stored msgs', digits: 0 },
      { key: 'page', label: 'page', align: 'left' },
      { key: 'seqs', label: 'seq range', align: 'left' },
      { key: 'p50', label: 'p50 ms', digits: 3 },
      { key: 'p99', label: 'p99 ms', digits: 3 },
      { key: 'bytes', label: 'body bytes', digits: 0 },
    ],
    rows,
  );
}

/** 6: shipped JavaScript, minified and gzipped. */
async function bundle() {
  const rows = await bundleSizes();
  report(
    'bundle',
    'Bundles (minified with terser, gzip -9)',
    [
      { key: 'name', label: 'bundle', align: 'left' },
      { key: 'min', label: 'min KB', format: kb },
      { key: 'gzip', label: 'min+gz KB', format: kb },
      { key: 'target', label: 'target min+gz KB', align: 'left' },
      { key: 'note', label: 'note', align: 'left' },
    ],
    rows,
  );
}

// ---------------------------------------------------------------- main

mkdirSync(RESULTS, { recursive: true });
const started = performance.now();
console.log(`Roomchat benchmarks (${QUICK ? 'quick' : 'full'}): ${machine.cpus} x ${machine.cpu}, Node ${machine.node}, ${machine.pinned}`);
console.log(`Roomchat runs with ${JSON.stringify(BENCH_OVERRIDES)} so that rate limits do not refuse the load.`);
/**
 * Multi-node (issue 6): the persistence closed loop through one Roomchat node and through two
 * nodes sharing PostgreSQL and Redis (Streams adapter), from two generator processes, in the same
 * run. On this 2-core machine both nodes share the server core, so the figure shows what the
 * cluster machinery costs, not how it scales with machines. `--servers=roomchat,roomchat-before`
 * measures another build too (BENCH_BEFORE), the builds' 1- and 2-node runs interleaved.
 */
async function multinode() {
  if (!(await postgresAvailable()) || !(await redisAvailable())) {
    log(`multinode needs PostgreSQL (${PG_URL}) and Redis (${REDIS_URL}): skipped`);
    return;
  }
  const rows = [];
  const { senders, warmupMs, durationMs } = SIZES.persistence;
  const builds = args.servers ? String(args.servers).split(',').filter((kind) => kind === 'roomchat' || kind === 'roomchat-before') : ['roomchat'];
  for (const nodes of [1, 2]) for (const build of builds) {
    await withPgSchema(async (pgOptions) => {
      const redisKeyPrefix = `bench:${process.pid}:${Date.now()}:`;
      const quiet = await waitQuiet({ maxWaitMs: SIZES.quietWaitMs });
      if (quiet.busy > 0.25) log(`other processes use ${pct(quiet.busy)} of the CPUs: results will be noisy`);
      const servers = [];
      const gens = [];
      try {
        for (let i = 0; i < nodes; i++) servers.push(await startServer(build, { ...pgOptions, redisUrl: REDIS_URL, redisKeyPrefix }));
        for (let i = 0; i < 2; i++) gens.push(await startGenerator());
        const codes = await servers[0].call('createRooms', { count: senders });
        const half = Math.ceil(codes.length / 2);
        // Generator i talks to node i (with one node, both talk to it).
        await Promise.all(gens.map((gen, i) => gen.call('connect', { url: servers[i % nodes].url, rooms: codes.slice(i * half, (i + 1) * half), members: 1 })));
        const results = await Promise.all(gens.map((gen) => gen.call('closedLoop', { warmupMs, durationMs })));
        const row = {
          build: build === 'roomchat' ? 'this' : 'before',
          nodes,
          senders: results.reduce((n, r) => n + r.senders, 0),
          ackedPerSec: results.reduce((n, r) => n + r.ackedPerSec, 0),
          ackP50: Math.max(...results.map((r) => r.ackMs.p50)),
          ackP99: Math.max(...results.map((r) => r.ackMs.p99)),
          generatorCpu: Math.max(...results.map((r) => r.generatorCpu)),
          errors: results.reduce((n, r) => n + r.errors, 0),
        };
        log(`${build}, ${nodes} node(s): ${Math.round(row.ackedPerSec)} acked/s, ack p99 ${row.ackP99} ms`);
        rows.push(row);
      } finally {
        for (const gen of gens) await gen.stop();
        for (const server of servers) await server.stop();
        await deleteRedisKeys(redisKeyPrefix);
      }
    });
  }
  for (const row of rows) {
    const one = rows.find((r) => r.build === row.build && r.nodes === 1);
    if (row.nodes === 2 && one) row.vsOneNode = row.ackedPerSec / one.ackedPerSec;
  }
  report(
    'multinode',
    `Multi-node: ${senders} senders over 2 generators, PostgreSQL + Redis, acked messages/s with 1 node and with 2 (both on the server core)`,
    [
      ...(builds.length > 1 ? [{ key: 'build', label: 'build', align: 'left' }] : []),
      { key: 'nodes', label: 'nodes', digits: 0 },
      { key: 'senders', label: 'senders', digits: 0 },
      { key: 'ackedPerSec', label: 'acked msgs/s', digits: 0 },
      { key: 'vsOneNode', label: 'vs 1 node', digits: 2 },
      { key: 'ackP50', label: 'ack p50 ms' },
      { key: 'ackP99', label: 'ack p99 ms' },
      { key: 'generatorCpu', label: 'gen CPU', format: pct },
      { key: 'errors', label: 'errors', digits: 0 },
    ],
    rows,
    { postgres: PG_URL, redis: REDIS_URL },
  );
}

async function redisAvailable() {
  const client = createRedisClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    await client.close?.().catch(() => {});
  }
}

/** Removes the keys a run left under its prefix (adapter streams, presence, rate limits). */
async function deleteRedisKeys(prefix) {
  const client = createRedisClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      const batch = Array.isArray(keys) ? keys : [keys];
      if (batch.length) await client.del(batch);
    }
  } finally {
    await client.close();
  }
}

const scenarios = { fanout, persistence, storage, connections, history, multinode, bundle };
for (const name of ONLY) {
  if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
  const t = performance.now();
  const load = os.loadavg()[0];
  await scenarios[name]();
  log(`${name} took ${((performance.now() - t) / 1000).toFixed(0)} s (load average before ${load.toFixed(2)}, after ${os.loadavg()[0].toFixed(2)})`);
}
const total = (performance.now() - started) / 1000;
console.log(`\nTotal ${total.toFixed(0)} s`);
// latest.md holds a whole run's tables; a partial run (--only) leaves it alone.
if (!args.only) writeFileSync(
  `${RESULTS}latest.md`,
  [`Mode: ${QUICK ? 'quick' : 'full'} (\`npm run bench${QUICK ? ' -- --quick' : ''}\`), ${new Date().toISOString()}, ${total.toFixed(0)} s`, `Machine: ${machine.cpus} x ${machine.cpu}, ${machine.memoryGB} GB, ${machine.platform}, Node ${machine.node}; ${machine.pinned}`, '', ...markdown].join('\n'),
);
