/**
 * Property-based fuzzing of every Socket.IO event: whatever a client emits, with whatever payload,
 * the server answers an ack with `{ ok: true, ... }` or a known `{ ok: false, error: { code,
 * message } }`, and stays up for everyone else.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { io as rawSocket, type Socket } from 'socket.io-client';
import { ErrorCode } from '@roomchat/protocol';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

/** Random emits per run: enough to reach every branch of the schemas, bounded to a few seconds. */
const FUZZ_RUNS = 400;
const EVENTS = ['room:create', 'room:join', 'room:leave', 'message:send', 'message:history'] as const;
const CODES = new Set<string>(Object.values(ErrorCode));

let storage: TestStorage;
let running: RunningServer;
let socket: Socket;
let code: string;

before(async () => {
  storage = await createStorage('sqlite');
  const unlimited = 1e9;
  running = await startServer({
    ...storage.options,
    messagesPerWindow: unlimited,
    messagesPerAddressPerWindow: unlimited,
    joinsPerWindow: unlimited,
    joinsPerAddressPerWindow: unlimited,
    joinFailuresPerWindow: unlimited,
    roomCreatesPerWindow: unlimited,
  });
  socket = rawSocket(running.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50 });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const created = (await socket.emitWithAck('room:create', { name: 'Fuzz' })) as { room: { code: string } };
  code = created.room.code;
});
after(async () => {
  socket.disconnect();
  await running.server.close();
  await storage.dispose();
});

/** Values that look almost right: the right fields with wrong types, sizes and characters. */
const nearMiss = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ minLength: 4000, maxLength: 4100 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const payload = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    {
      code: fc.oneof(fc.constant('__ROOM__'), nearMiss),
      name: fc.oneof(fc.constant('Fuzzy'), nearMiss),
      memberId: nearMiss,
      clientId: fc.oneof(fc.uuid(), nearMiss),
      text: fc.oneof(fc.constant('hello'), nearMiss),
      imageId: nearMiss,
      before: nearMiss,
      after: nearMiss,
      limit: nearMiss,
    },
    { requiredKeys: [] },
  ),
);

test('every event answers every payload with a well-formed ack, and the server stays up', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.constantFrom(...EVENTS), fc.string({ maxLength: 30 })), payload, async (event, raw) => {
      // The room's real code where the fuzzer chose it, so the handlers past the lookup are reached.
      const body = raw && typeof raw === 'object' && (raw as { code?: unknown }).code === '__ROOM__' ? { ...raw, code } : raw;
      const ack = (await socket.timeout(5000).emitWithAck(event, body)) as unknown;
      assert.ok(ack && typeof ack === 'object', `an object ack for ${event}`);
      const answer = ack as { ok: unknown; error?: { code?: unknown; message?: unknown } };
      if (answer.ok === true) return;
      assert.equal(answer.ok, false);
      assert.ok(CODES.has(String(answer.error?.code)), `a known code, got ${String(answer.error?.code)}`);
      assert.equal(typeof answer.error?.message, 'string');
      assert.notEqual(answer.error?.code, ErrorCode.INTERNAL, `no internal error for ${event} ${JSON.stringify(body)?.slice(0, 200)}`);
    }),
    { numRuns: FUZZ_RUNS },
  );
  // Events without an ack, and with extra arguments, are ignored rather than crashing anything.
  socket.emit('message:send', { code, clientId: 'no-ack', text: 'x' });
  socket.emit('room:join', 1, 2, 3);
  const health = await fetch(`${running.url}/healthz`);
  assert.equal(health.status, 200);
  // The fuzzer may have left the room: join again, then talk.
  assert.equal(((await socket.timeout(5000).emitWithAck('room:join', { code, name: 'Fuzz' })) as { ok: boolean }).ok, true);
  const sent = (await socket.timeout(5000).emitWithAck('message:send', { code, clientId: 'after-fuzz', text: 'still here' })) as { ok: boolean };
  assert.deepEqual(sent.ok, true, JSON.stringify(sent));
});
