// A load generator process: holds the benchmark's client connections, sends at a fixed rate and
// measures send-to-delivery latency at every receiver with the sender's clock (the sender and the
// receivers share this process, so `performance.now()` needs no clock sync). Reports its own CPU.
import { Agent, get } from 'node:http';
import * as hdr from 'hdr-histogram-js';
import { timeOrderedId } from '@roomchat/sdk';
import { processStats, serveCalls } from './proc.mjs';
import { WireClient } from './wire-client.mjs';

/** Where a message's text starts: the sender wrote its send time there (`t:<performance.now()>`). */
const TEXT_MARK = Buffer.from('"text":"t:');
let clients = [];
let roomOf = []; // room code per client
let membersPerRoom = 0;
let senders = []; // one client per room: { client, code }

/** Current delivery window: which send times count, and where their latencies go. */
let win = null;
let TRACE = process.env.BENCH_TRACE ? [] : null;

function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

function summary(h, scale = 1000) {
  if (h.totalCount === 0) return { count: 0 };
  const at = (p) => h.getValueAtPercentile(p) / scale;
  return { count: h.totalCount, p50: at(50), p99: at(99), p999: at(99.9), max: h.maxValue / scale, mean: h.mean / scale };
}

let lastEventAt = 0;

/** Counts a delivery of a message sent at `sentAt` (a `performance.now()` of this process). */
function delivered(sentAt, now) {
  win.worstLagMs = Math.max(win.worstLagMs, now - sentAt);
  if (sentAt >= win.from && sentAt < win.to) {
    win.delivered++;
    win.latency.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
    if (TRACE) {
      const b = Math.floor((now - win.from) / 100);
      TRACE[b] = Math.max(TRACE[b] ?? 0, now - sentAt);
    }
  } else {
    win.other++;
  }
  win.lastDeliveryAt = now;
}

/** A receiver's event frame (a Buffer): a broadcast message counts as delivered to it. */
function onEvent(frame) {
  lastEventAt = performance.now();
  if (!win) return;
  const at = frame.indexOf(TEXT_MARK);
  if (at < 0) return;
  const from = at + TEXT_MARK.length;
  delivered(parseFloat(frame.toString('latin1', from, Math.min(from + 24, frame.length))), performance.now());
}

/**
 * A sender's event frame. Its own message reaches it in the ack (Roomchat leaves the sender out of
 * the broadcast; bare Socket.IO sends both), so a sender counts its ack as its delivery, on every server alike.
 */
function onSenderEvent() {
  lastEventAt = performance.now();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  const errors = [];
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (error) {
        errors.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}

/**
 * One message, with a client id as the SDK makes them (they sort by time, which the server's index
 * favours). Its ack latency goes to `stats.ack` when it was sent inside `stats.window`, if given.
 */
function sendOne(sender, stats) {
  const sentAt = performance.now();
  const payload = { code: sender.code, clientId: timeOrderedId(), text: `t:${sentAt.toFixed(3)} hello from the benchmark` };
  return sender.client.request('message:send', payload).then(
    (ack) => {
      const now = performance.now();
      if (!ack?.ok) {
        stats.errors.push(ack?.error?.code ?? 'NOT_OK');
        return;
      }
      if (!stats.window || (sentAt >= stats.window.from && sentAt < stats.window.to)) stats.ack?.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
      if (win) delivered(sentAt, now);
    },
    (err) => stats.errors.push(String(err.message)),
  );
}

serveCalls({
  /** Opens rooms.length x members connections, each joined to its room; the first of a room sends. */
  async connect({ url, rooms, members, concurrency = 100 }) {
    membersPerRoom = members;
    const plan = rooms.flatMap((code) => Array.from({ length: members }, () => code));
    const started = performance.now();
    const opened = new Array(plan.length);
    const errors = await pool(plan, concurrency, async (code, i) => {
      const client = await WireClient.connect(url);
      client.onEvent = onEvent;
      opened[i] = client;
      const ack = await client.request('room:join', { code, name: `member${i}` });
      if (!ack?.ok) throw new Error(`join failed: ${JSON.stringify(ack?.error)}`);
    });
    const seconds = (performance.now() - started) / 1000;
    clients = opened.filter(Boolean);
    roomOf = plan;
    senders = rooms.map((code, r) => ({ client: opened[r * members], code })).filter((s) => s.client);
    for (const { client } of senders) client.onEvent = onSenderEvent;
    return { connections: clients.length, seconds, perSecond: plan.length / seconds, errors: errors.slice(0, 5), errorCount: errors.length };
  },

  /**
   * Open loop: `rate` messages/s spread round-robin over the rooms' senders, a warm-up, then a
   * measured window; deliveries of the window's messages are awaited up to `drainMs` after it.
   * Once a delivery comes `giveUpAtLagMs` late, sending stops (`gaveUp`): the server is behind,
   * and sending on would only grow the backlog this step must drain before the next.
   */
  async fanout({ rate, warmupMs, measureMs, drainMs = 3000, giveUpAtLagMs = Infinity }) {
    const t0 = performance.now();
    const from = t0 + warmupMs;
    const to = from + measureMs;
    win = { from, to, delivered: 0, other: 0, latency: histogram(), lastDeliveryAt: 0, worstLagMs: 0 };
    // Acks of the window's messages only, as for deliveries: a fresh server's first acks are slow
    // (bare Socket.IO's acks over 30 ms were all of messages sent in the warm-up's first 330 ms).
    const stats = { errors: [], ack: histogram(), window: win };
    let sent = 0;
    let sentInWindow = 0;
    let cpuStart;
    let cpuEnd;
    let r = 0;
    let gaveUp = false;
    let end = to;
    while (true) {
      const now = performance.now();
      if (now >= to) break;
      if (win.worstLagMs >= giveUpAtLagMs) {
        gaveUp = true;
        end = now;
        break;
      }
      if (!cpuStart && now >= from) {
        cpuStart = processStats();
        process.send({ event: 'measure-start' });
      }
      const due = Math.floor(((now - t0) / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) {
        const sender = senders[r++ % senders.length];
        const at = performance.now();
        if (at >= from && at < to) sentInWindow++;
        sendOne(sender, stats);
        sent++;
      }
      await sleep(1);
    }
    cpuEnd = processStats();
    process.send({ event: 'measure-end' });
    const expected = sentInWindow * membersPerRoom;
    const drainUntil = performance.now() + drainMs;
    while (win.delivered < expected && performance.now() < drainUntil) await sleep(20);
    const delivered = win.delivered;
    // Let a backlog drain before the next step (a quiet 300 ms, at most 15 s).
    const quiesceUntil = performance.now() + 15_000;
    while (performance.now() - lastEventAt < 300 && performance.now() < quiesceUntil) await sleep(50);
    const measuredMs = Math.max(0, end - from);
    const result = {
      rate,
      sent,
      sentInWindow,
      measuredMs,
      gaveUp,
      expected,
      delivered,
      deliveredRatio: expected ? delivered / expected : 0,
      deliveriesPerSec: measuredMs ? delivered / (measuredMs / 1000) : 0,
      latencyMs: summary(win.latency),
      ackMs: summary(stats.ack),
      errors: stats.errors.length,
      firstErrors: [...new Set(stats.errors)].slice(0, 3),
      generatorCpu: cpuStart ? (cpuEnd.cpuMs - cpuStart.cpuMs) / (cpuEnd.wallMs - cpuStart.wallMs) : null,
    };
    win = null;
    if (TRACE) {
      console.error('max latency per 100 ms:', TRACE.map((v) => (v ?? 0).toFixed(0)).join(' '));
      TRACE = [];
    }
    return result;
  },

  /**
   * Closed loop: each sender keeps `inFlight` messages outstanding for `durationMs` after a warm-up;
   * reports acknowledged messages per second and ack latency.
   */
  async closedLoop({ warmupMs, durationMs, inFlight = 1 }) {
    const measure = { errors: [], ack: null };
    let acked = 0;
    let running = true;
    let measuring = false;
    const loop = async (sender) => {
      while (running) {
        const stats = measuring ? measure : { errors: measure.errors, ack: null };
        await sendOne(sender, stats);
        if (measuring) acked++;
      }
    };
    const loops = senders.flatMap((s) => Array.from({ length: inFlight }, () => loop(s)));
    await sleep(warmupMs);
    measure.ack = histogram();
    const cpuStart = processStats();
    process.send({ event: 'measure-start' });
    measuring = true;
    await sleep(durationMs);
    measuring = false;
    const cpuEnd = processStats();
    process.send({ event: 'measure-end' });
    running = false;
    await Promise.all(loops);
    const seconds = (cpuEnd.wallMs - cpuStart.wallMs) / 1000;
    return {
      senders: senders.length,
      inFlight,
      acked,
      ackedPerSec: acked / seconds,
      ackMs: summary(measure.ack),
      errors: measure.errors.length,
      firstErrors: [...new Set(measure.errors)].slice(0, 3),
      generatorCpu: (cpuEnd.cpuMs - cpuStart.cpuMs) / (cpuEnd.wallMs - cpuStart.wallMs),
    };
  },

  /** One sender, one message at a time: send-to-ack latency of an idle server. */
  async pingPong({ count, warmup = 100 }) {
    const stats = { errors: [], ack: histogram() };
    const sender = senders[0];
    for (let i = 0; i < warmup; i++) await sendOne(sender, { errors: stats.errors, ack: null });
    for (let i = 0; i < count; i++) await sendOne(sender, stats);
    return { count, ackMs: summary(stats.ack), errors: stats.errors.length, firstErrors: [...new Set(stats.errors)].slice(0, 3) };
  },

  /** Sequential HTTP GETs of `path` (keep-alive); latency percentiles. */
  async httpLatency({ url, path, count, warmup = 50 }) {
    const h = histogram();
    let bytes = 0;
    let firstBody;
    for (let i = 0; i < warmup + count; i++) {
      const started = performance.now();
      const { status, body } = await httpGet(url + path);
      if (status !== 200) throw new Error(`GET ${path}: ${status} ${body.slice(0, 200)}`);
      if (i >= warmup) h.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
      bytes = body.length;
      firstBody ??= body;
    }
    let page;
    try {
      page = JSON.parse(firstBody);
    } catch {
      page = {};
    }
    return { count, latencyMs: summary(h), bytes, messages: page.messages?.length, firstSeq: page.messages?.[0]?.seq, lastSeq: page.messages?.at(-1)?.seq };
  },

  async disconnect() {
    for (const c of clients) c.terminate();
    clients = [];
    senders = [];
    roomOf = [];
    await sleep(200);
    return null;
  },

  stats: () => processStats(),
  close: () => null,
});
process.send({ event: 'ready' });

// node:http over one kept-alive connection: far lighter than fetch (undici), whose own cost would
// otherwise show up as server latency.
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
function httpGet(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: keepAlive }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
