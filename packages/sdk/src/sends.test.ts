// Room.sends (the pending sends a UI lists): uploads tracked from the pick, failures kept until
// retried or discarded, against a fake transport and mocked timers, as in room.test.ts.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ChatError } from './errors.js';
import { memoryOutboxStore, Outbox } from './outbox.js';
import { DEFAULT_LIMITS, ErrorCode, type ChatMessage, type ClientToServerEvents, type ImageInfo, type RoomSnapshot } from './protocol.js';
import { Room, type RoomTransport } from './room.js';
import { UPLOAD_MAX_ATTEMPTS, type PendingSend } from './sends.js';
import type { UploadOptions, UploadSource } from './upload.js';

const CODE = 'ROOMCODE';
const ALICE = { id: 'alice-public', name: 'Alice' };
const snapshot = (): RoomSnapshot => ({ code: CODE, createdAt: new Date(0).toISOString(), self: ALICE, members: [ALICE], messages: [], hasMore: false, limits: { ...DEFAULT_LIMITS } });
const image = (id: string): ImageInfo => ({ id, url: `/v1/images/${id}`, thumbUrl: `/v1/images/${id}/thumb`, width: 4, height: 3, mime: 'image/png', size: 10 });

type Upload = { source: UploadSource; options: UploadOptions | undefined; resolve: (i: ImageInfo) => void; reject: (e: unknown) => void };

/** Answers sends from a script (default: stored with the next seq); uploads wait until the test settles them. */
class FakeTransport implements RoomTransport {
  readonly outbox = new Outbox(memoryOutboxStore(), 60_000);
  readonly sends: Array<Record<string, unknown>> = [];
  readonly uploads: Upload[] = [];
  readonly sendAnswers: Array<ChatError | 'hang'> = [];
  seq = 1;

  request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<never> {
    const body = payload as unknown as Record<string, unknown>;
    if (event === 'room:leave') return Promise.resolve({ ok: true } as never);
    assert.equal(event, 'message:send');
    this.sends.push(body);
    const answer = this.sendAnswers.shift();
    if (answer === 'hang') return new Promise(() => {});
    if (answer) return Promise.reject(answer);
    const kind = body.imageId ? 'image' : 'text';
    const message: ChatMessage = { id: `m${this.seq}`, roomCode: CODE, seq: this.seq++, kind, author: 'Alice', authorId: ALICE.id, createdAt: new Date().toISOString(), clientId: body.clientId as string, ...(body.text ? { text: body.text as string } : {}) };
    return Promise.resolve({ ok: true, message } as never);
  }
  upload(_code: string, source: UploadSource, options: UploadOptions | undefined): Promise<ImageInfo> {
    return new Promise((resolve, reject) => {
      this.uploads.push({ source, options, resolve, reject });
      options?.signal?.addEventListener('abort', () => reject(new ChatError(ErrorCode.DISCONNECTED, 'The upload was cancelled')));
    });
  }
  resolveUrl(path: string): string {
    return `http://chat.example${path}`;
  }
  openDirect(): Promise<Room> {
    return Promise.reject(new Error('not used here'));
  }
  forget(): void {}
  renamed(): void {}
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function clock(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.UTC(2026, 11, 6, 12) });
  return async (ms: number) => {
    t.mock.timers.tick(ms);
    await settle();
  };
}

const shape = (sends: PendingSend[]) => sends.map((s) => `${s.clientId}:${s.status}${s.status === 'uploading' ? `:${s.progress}` : ''}${s.error ? `:${s.error.code}` : ''}`);
const png = () => new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });

test('an image is listed from the moment it is picked: uploading with progress, then sending, then gone once stored', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  const events: string[][] = [];
  room.on('sends', (sends) => events.push(shape(sends)));
  const file = png();
  const progress: number[] = [];
  const stored = room.sendImage(file, { clientId: 'pic', onProgress: (f) => progress.push(f) });
  assert.deepEqual(shape(room.sends), ['pic:uploading:0']);
  assert.equal(room.sends[0]!.file, file, 'the picked file, for a preview');
  assert.equal(room.sends[0]!.kind, 'image');
  assert.deepEqual(room.pending, [], 'nothing in the outbox before the upload is done');
  transport.uploads[0]!.options!.onProgress!(0.5);
  assert.deepEqual(shape(room.sends), ['pic:uploading:0.5']);
  transport.uploads[0]!.resolve(image('img-1'));
  assert.equal((await stored).clientId, 'pic');
  assert.deepEqual(progress, [0.5], "the caller's onProgress is still called");
  assert.deepEqual(room.sends, []);
  assert.deepEqual(events, [['pic:uploading:0'], ['pic:uploading:0.5'], ['pic:sending'], []]);
  assert.deepEqual(transport.sends, [{ code: CODE, clientId: 'pic', imageId: 'img-1' }]);
});

test('a refused upload is a failed send: listed with its error until retried; the retry uploads again and stores it once under the same client id', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  const first = room.sendImage(png(), { clientId: 'pic', replyTo: 'm0' });
  transport.uploads[0]!.reject(new ChatError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Not an image'));
  await assert.rejects(first, { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE });
  assert.deepEqual(shape(room.sends), ['pic:failed:UNSUPPORTED_MEDIA_TYPE']);
  assert.equal(room.sends[0]!.replyTo, 'm0');
  assert.ok(room.sends[0]!.file, 'the preview stays while failed');
  const retried = room.retry('pic');
  assert.deepEqual(shape(room.sends), ['pic:uploading:0']);
  transport.uploads[1]!.resolve(image('img-2'));
  assert.equal((await retried).clientId, 'pic');
  assert.deepEqual(transport.sends, [{ code: CODE, clientId: 'pic', imageId: 'img-2', replyTo: 'm0' }]);
  assert.deepEqual(room.sends, []);
  await assert.rejects(room.retry('pic'), { code: ErrorCode.NOT_FOUND }, 'nothing failed is left to retry');
});

test(`uploads failing in a way that may pass are retried with backoff, showing the error meanwhile; after ${UPLOAD_MAX_ATTEMPTS} tries the send is failed`, async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  const result = room.sendImage(png(), { clientId: 'pic' }).catch((e: ChatError) => e);
  for (const [i, wait] of [500, 1000, 2000, 5000].entries()) {
    transport.uploads[i]!.reject(new ChatError(ErrorCode.UNAVAILABLE, 'Storage down'));
    await settle();
    assert.deepEqual(shape(room.sends), ['pic:uploading:0:UNAVAILABLE'], 'still uploading, with the reason it waits');
    await advance(wait - 1);
    assert.equal(transport.uploads.length, i + 1, `not before ${wait} ms`);
    await advance(1);
    assert.equal(transport.uploads.length, i + 2, `tried again after ${wait} ms`);
  }
  transport.uploads[UPLOAD_MAX_ATTEMPTS - 1]!.reject(new ChatError(ErrorCode.TIMEOUT, 'No answer'));
  assert.equal(((await result) as ChatError).code, ErrorCode.TIMEOUT);
  assert.deepEqual(shape(room.sends), ['pic:failed:TIMEOUT']);
  await advance(60_000);
  assert.equal(transport.uploads.length, UPLOAD_MAX_ATTEMPTS, 'a failed send is not tried again by itself');
});

test('a text refused for good stays listed as failed and is not re-sent by later flushes; a retry sends it once more under its client id', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  transport.sendAnswers.push(new ChatError(ErrorCode.FORBIDDEN, 'No'));
  const failedEntries: string[] = [];
  room.on('send-failed', (entry) => failedEntries.push(entry.clientId));
  await assert.rejects(room.send('refused', { clientId: 'txt' }), { code: ErrorCode.FORBIDDEN });
  assert.deepEqual(failedEntries, ['txt'], 'send-failed is still emitted');
  assert.deepEqual(shape(room.sends), ['txt:failed:FORBIDDEN']);
  assert.equal(room.sends[0]!.text, 'refused');
  assert.deepEqual(room.pending, [], 'out of the outbox');
  await room.send('later', { clientId: 'next' });
  assert.deepEqual(transport.sends.map((s) => s.clientId), ['txt', 'next'], 'the failed one is not sent with the next');
  assert.deepEqual(shape(room.sends), ['txt:failed:FORBIDDEN']);
  const stored = await room.retry('txt');
  assert.equal(stored.text, 'refused');
  assert.deepEqual(transport.sends.map((s) => s.clientId), ['txt', 'next', 'txt']);
  assert.deepEqual(room.sends, []);
});

test('a send failing in a way that may pass stays "sending" (the outbox retries it), never "failed"', async (t) => {
  const advance = clock(t);
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  transport.sendAnswers.push(new ChatError(ErrorCode.TIMEOUT, 'No answer'), new ChatError(ErrorCode.UNAVAILABLE, 'Down'));
  const stored = room.send('patient', { clientId: 'p' });
  await settle();
  assert.deepEqual(shape(room.sends), ['p:sending']);
  await advance(500);
  assert.deepEqual(shape(room.sends), ['p:sending']);
  await advance(1000);
  assert.equal((await stored).text, 'patient');
  assert.deepEqual(room.sends, []);
});

test('discard drops a failed send, cancels an upload (nothing is sent), and refuses a send already with the server', async () => {
  const transport = new FakeTransport();
  const room = new Room(transport, snapshot(), 'alice-private');
  transport.sendAnswers.push(new ChatError(ErrorCode.FORBIDDEN, 'No'));
  await room.send('refused', { clientId: 'txt' }).catch(() => {});
  assert.equal(room.discard('txt'), true);
  assert.deepEqual(room.sends, []);

  const upload = room.sendImage(png(), { clientId: 'pic' });
  assert.equal(room.discard('pic'), true);
  await assert.rejects(upload, { code: ErrorCode.DISCONNECTED });
  assert.equal(transport.uploads[0]!.options!.signal!.aborted, true, 'the upload is cancelled');
  assert.deepEqual(room.sends, [], 'not listed as failed after a discard');

  transport.sendAnswers.push('hang');
  void room.send('in flight', { clientId: 'fly' });
  await settle();
  assert.equal(room.discard('fly'), false);
  assert.deepEqual(shape(room.sends), ['fly:sending']);
  assert.equal(room.discard('unknown'), false);
  assert.deepEqual(transport.sends.map((s) => s.clientId), ['txt', 'fly']);
});

test('sends restored from an earlier page load are listed as sending (kind from the entry, no file); leaving drops every send', async () => {
  const transport = new FakeTransport();
  transport.outbox.add({ roomCode: CODE, clientId: 'old-pic', imageId: 'img-9', queuedAt: new Date(Date.now() - 1000).toISOString() });
  transport.outbox.add({ roomCode: CODE, clientId: 'old-txt', text: 'before reload', queuedAt: new Date().toISOString() });
  transport.sendAnswers.push('hang', 'hang');
  const room = new Room(transport, snapshot(), 'alice-private');
  assert.deepEqual(room.sends.map((s) => [s.clientId, s.kind, s.status, s.file]), [['old-pic', 'image', 'sending', undefined], ['old-txt', 'text', 'sending', undefined]]);
  const upload = room.sendImage(png(), { clientId: 'pic' }).catch((e: ChatError) => e.code);
  assert.deepEqual(room.sends.map((s) => s.clientId), ['old-pic', 'old-txt', 'pic'], 'in the order made');
  await room.leave();
  assert.deepEqual(room.sends, []);
  assert.equal(await upload, ErrorCode.DISCONNECTED);
  assert.equal(transport.uploads[0]!.options!.signal!.aborted, true);
  await assert.rejects(room.sendImage(png()), { code: ErrorCode.NOT_A_MEMBER });
});
