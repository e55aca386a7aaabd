import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, createStorage, engines, eventually, needs, servicesOf, startServer, testNeeding, type RunningServer } from './testing.js';
import type { ChatServerOptions } from './index.js';

/** The value of one sample in Prometheus text, by its name and labels as printed; undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function withServer(options: ChatServerOptions, engine: 'sqlite' | 'postgres', run: (running: RunningServer) => Promise<void>): Promise<void> {
  const storage = await createStorage(engine);
  const running = await startServer({ ...storage.options, ...options });
  try {
    await run(running);
  } finally {
    await running.server.close();
    await storage.dispose();
  }
}

const scrape = async (url: string, token = 'secret-token') => {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
};

describe('GET /metrics is guarded', () => {
  test('off by default: it answers 404 as if it did not exist', async () => {
    await withServer({}, 'sqlite', async ({ url }) => {
      const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer anything' } });
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    });
  });

  test('with metricsToken, only the bearer of that token reads it', async () => {
    await withServer({ metricsToken: 'secret-token' }, 'sqlite', async ({ url }) => {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer secret-token-and-more', 'Basic c2VjcmV0LXRva2Vu', 'secret-token']) {
        const res = await fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
        assert.equal(res.status, 403, String(authorization));
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
      }
      assert.match(await scrape(url), /roomchat_storage_up 1/);
    });
  });

  test('with metricsAllowFrom, listed client addresses read it without a token, others do not', async () => {
    await withServer({ metricsAllowFrom: ['127.0.0.1'] }, 'sqlite', async ({ url }) => {
      assert.equal((await fetch(`${url}/metrics`)).status, 200);
    });
    await withServer({ metricsAllowFrom: ['10.1.2.3'] }, 'sqlite', async ({ url }) => {
      assert.equal((await fetch(`${url}/metrics`)).status, 403);
    });
  });
});

for (const engine of engines()) {
  describe(`metrics on ${engine}`, () => {
    const { test } = testNeeding(...servicesOf(engine));
    test('count connections, active rooms, stored entries by kind, acks, commit batches and HTTP requests by route and status', async () => {
      await withServer({ metricsToken: 'secret-token' }, engine, async ({ url }) => {
        const client = connect(url);
        try {
          const room = await client.createRoom({ name: 'Alice' });
          await room.send('one');
          await room.send('two');
          await fetch(`${url}/v1/rooms/NOSUCHROOM1`);
          await fetch(`${url}/v1/rooms/${room.code}`);
          let text = '';
          await eventually(async () => sample((text = await scrape(url)), 'roomchat_messages_stored_total{kind="text"}') === 2, 'both messages to be counted');
          assert.equal(sample(text, 'roomchat_messages_stored_total{kind="join"}'), 1);
          assert.equal(sample(text, 'roomchat_connections'), 1);
          assert.equal(sample(text, 'roomchat_rooms_active'), 1);
          assert.equal(sample(text, 'roomchat_message_ack_seconds_count'), 2, 'one ack latency per message:send');
          assert.ok(sample(text, 'roomchat_message_ack_seconds_sum')! > 0);
          assert.equal(sample(text, 'roomchat_commit_batch_entries_sum'), 3, 'every entry committed is in a batch: a join line and two messages');
          assert.equal(sample(text, 'roomchat_storage_up'), 1);
          assert.equal(sample(text, 'roomchat_redis_up'), undefined, 'no Redis configured, no Redis gauge');
          assert.equal(sample(text, 'roomchat_http_request_duration_seconds_count{method="GET",route="/v1/rooms/:code",status="404"}'), 1);
          assert.equal(sample(text, 'roomchat_http_request_duration_seconds_count{method="GET",route="/v1/rooms/:code",status="200"}'), 1);
          assert.ok(!text.includes(room.code) && !text.includes('NOSUCHROOM1'), 'no room code in any label');
          assert.match(text, /^nodejs_eventloop_lag_seconds \d/m, "Node's default metrics, event-loop lag among them");
          client.close();
          await eventually(async () => sample(await scrape(url), 'roomchat_connections') === 0, 'the connection to be gone');
        } finally {
          client.close();
        }
      });
    });
  });
}

describe('health gauges', () => {
  test('roomchat_storage_up falls to 0 when the database stops answering', async () => {
    await withServer({ metricsToken: 'secret-token' }, 'sqlite', async (running) => {
      assert.equal(sample(await scrape(running.url), 'roomchat_storage_up'), 1);
      await running.server.db.destroy();
      assert.equal(sample(await scrape(running.url), 'roomchat_storage_up'), 0);
    });
  });

  test('roomchat_redis_up is 1 while Redis answers', needs('TEST_REDIS_URL'), async () => {
    const options = { metricsToken: 'secret-token', redisUrl: process.env.TEST_REDIS_URL, redisKeyPrefix: `test-metrics-${process.pid}-${Date.now()}:` };
    await withServer(options, 'sqlite', async ({ url, server }) => {
      assert.equal(sample(await scrape(url), 'roomchat_redis_up'), 1);
      server.redis!.destroy();
      assert.equal(sample(await scrape(url), 'roomchat_redis_up'), 0, 'and 0 once it does not');
    });
  });
});
