import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import sharp from 'sharp';
import { io as rawSocket, type Socket } from 'socket.io-client';
import type { ChatClient, ChatMessage, Room } from '@roomchat/sdk';
import type { ChatSocket } from './realtime/socket-types.js';
import { conditionalGet, connect, createStorage, engines, eventually, servicesOf, startServer, testNeeding, type RunningServer, type TestStorage } from './testing.js';

const texts = (room: Room) => room.messages.filter((m) => m.kind === 'text').map((m) => m.text);
/** The presence grace period of these servers. */
const GRACE_MS = 600;

for (const engine of engines()) {
  describe(`room chat on ${engine}`, () => {
    const { test, skipped } = testNeeding(...servicesOf(engine));
    let storage: TestStorage;
    let running: RunningServer;
    const clients: ChatClient[] = [];
    const client = (options?: Parameters<typeof connect>[1]) => {
      const c = connect(running.url, options);
      clients.push(c);
      return c;
    };

    before(async () => {
      if (skipped) return;
      storage = await createStorage(engine);
      // History paging sends more than the default per-connection rate allows.
      storage.options.messagesPerWindow = 1000;
      storage.options.messagesPerAddressPerWindow = 1000;
      // Short enough for a test to see a dropped member leave, long enough to tell "not before".
      storage.options.presenceGraceMs = GRACE_MS;
      running = await startServer(storage.options);
    });
    after(async () => {
      if (skipped) return;
      for (const c of clients) c.close();
      await running.server.close();
      await storage.dispose();
    });

    test('two people create and join a room by code, see each other arrive, and talk both ways', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      assert.match(alice.code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
      const bob = await client().joinRoom(alice.code.toLowerCase(), { name: '  Bob  ' });
      assert.equal(bob.code, alice.code);
      assert.equal(bob.self.name, 'Bob', 'names are trimmed');
      assert.deepEqual(bob.members.map((m) => m.name), ['Alice', 'Bob']);
      await eventually(() => alice.members.length === 2, 'Alice to see Bob');

      const sent = await alice.send('Hi Bob <b>!</b>');
      assert.equal(sent.author, 'Alice');
      assert.equal(sent.text, 'Hi Bob <b>!</b>', 'text is stored as given, never interpreted');
      await bob.send('Hi Alice');
      await eventually(() => texts(alice).length === 2 && texts(bob).length === 2, 'both messages on both sides');
      assert.deepEqual(texts(alice), ['Hi Bob <b>!</b>', 'Hi Alice']);
      assert.deepEqual(texts(bob), texts(alice));

      // Everyone sees the same gap-free sequence, with system lines for arrivals.
      const kinds = alice.messages.map((m) => `${m.seq}:${m.kind}:${m.author}`);
      assert.deepEqual(kinds, ['1:join:Alice', '2:join:Bob', '3:text:Alice', '4:text:Bob']);
      assert.deepEqual(bob.messages.map((m) => m.seq), [1, 2, 3, 4]);
      for (const m of alice.messages) assert.ok(Math.abs(Date.parse(m.createdAt) - Date.now()) < 60_000, 'server timestamps');
    });

    test('leaving is shown to those who stay, as a system line and in the member list', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const bobClient = client();
      const bob = await bobClient.joinRoom(alice.code, { name: 'Bob' });
      await eventually(() => alice.members.length === 2, 'Bob to arrive');
      const left = new Promise<string>((resolve) => alice.on('member-left', (m) => resolve(m.name)));
      await bob.leave();
      assert.equal(await left, 'Bob');
      assert.deepEqual(alice.members.map((m) => m.name), ['Alice']);
      await eventually(() => alice.messages.some((m) => m.kind === 'leave' && m.author === 'Bob'), 'the leave line');
      await assert.rejects(bob.send('still here?'), { code: 'NOT_A_MEMBER' });
    });

    test('two connections of one member count once, and a dropped connection leaves only after the grace period', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const tab1 = client({ memberId: 'carol-session' });
      const tab2 = client({ memberId: 'carol-session' });
      await tab1.joinRoom(alice.code, { name: 'Carol' });
      await tab2.joinRoom(alice.code, { name: 'Carol' });
      await eventually(() => alice.members.length === 2, 'Carol to arrive');
      assert.ok(!alice.members.some((m) => m.id === 'carol-session'), 'the private member id is never shown to others');
      const sockets = running.server.io.of('/').sockets;
      const open = sockets.size;
      tab1.close();
      await eventually(() => sockets.size === open - 1, 'the server to see tab 1 go');
      // Past the grace period, with a round trip after it: Carol is still present in her other tab.
      await new Promise((r) => setTimeout(r, GRACE_MS + 200));
      await alice.send('still two of us?');
      assert.deepEqual(alice.members.map((m) => m.name), ['Alice', 'Carol'], 'Carol is still present in her other tab');
      assert.equal(alice.messages.filter((m) => m.kind === 'leave').length, 0);

      // Her last tab drops: she leaves, and not before the grace period.
      const left = new Promise<number>((resolve) => alice.on('member-left', () => resolve(Date.now())));
      const dropped = Date.now();
      tab2.close();
      const took = (await left) - dropped;
      assert.ok(took >= GRACE_MS - 50, `Carol was shown as left ${took} ms after her last tab dropped (grace ${GRACE_MS} ms)`);
      assert.deepEqual(alice.members.map((m) => m.name), ['Alice']);
      await eventually(() => alice.messages.some((m) => m.kind === 'leave' && m.author === 'Carol'), 'the leave line');
      assert.equal(alice.messages.filter((m) => m.kind === 'join' && m.author === 'Carol').length, 1, 'one join for her two tabs');
    });

    test('history pages back through every message with a keyset cursor', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      for (let i = 1; i <= 130; i++) await alice.send(`message ${i}`, { clientId: `m-${i}` });
      const reader = await client().joinRoom(alice.code, { name: 'Reader' });
      assert.equal(reader.messages.length, 50, 'joining returns the latest page of 50');
      assert.equal(reader.hasMore, true);
      while (reader.hasMore) await reader.loadOlder();
      const seqs = reader.messages.map((m) => m.seq);
      assert.deepEqual(seqs, Array.from({ length: 132 }, (_, i) => i + 1), 'every seq once, in order, no gaps');
      assert.deepEqual(texts(reader), Array.from({ length: 130 }, (_, i) => `message ${i + 1}`));

      const page = await reader.history({ before: 20, limit: 5 });
      assert.deepEqual(page.messages.map((m) => m.seq), [15, 16, 17, 18, 19]);
      assert.equal(page.hasMore, true);
      await assert.rejects(reader.history({ limit: 201 }), { code: 'INVALID_PAYLOAD' });

      const res = await fetch(`${running.url}/v1/rooms/${alice.code}/messages?before=3&limit=200`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { messages: ChatMessage[]; hasMore: boolean };
      assert.deepEqual(body.messages.map((m) => m.seq), [1, 2]);
      assert.equal(body.hasMore, false);
    });

    test("every message names its author's member id, set by the server, whatever the sender claims", async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const bob = await client().joinRoom(alice.code, { name: 'Bob' });
      // Alice's public id is in every member list: copying it into a client id, or into an HTTP
      // post, must not make a message hers.
      const copied = await bob.send('I am Alice', { clientId: `${alice.self.id}.fake` });
      assert.equal(copied.authorId, bob.self.id);
      const mine = await alice.send('I really am');
      assert.equal(mine.authorId, alice.self.id);
      const res = await fetch(`${running.url}/v1/rooms/${alice.code}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Alice', text: 'posted over HTTP', authorId: alice.self.id }),
      });
      assert.equal(res.status, 201);
      const { message: posted } = (await res.json()) as { message: ChatMessage };
      assert.equal(posted.authorId, undefined, 'an HTTP post has no member behind it');
      await bob.leave();
      await eventually(() => alice.messages.some((m) => m.kind === 'leave'), 'Bob to leave');

      // As every client sees them live, and as history returns them.
      const authors = (messages: readonly ChatMessage[]) => messages.map((m) => `${m.kind}:${m.text ?? ''}:${m.authorId === alice.self.id ? 'alice' : m.authorId === bob.self.id ? 'bob' : m.authorId}`);
      const expected = ['join::alice', 'join::bob', 'text:I am Alice:bob', 'text:I really am:alice', 'text:posted over HTTP:undefined', 'leave::bob'];
      assert.deepEqual(authors(alice.messages), expected);
      const history = (await (await fetch(`${running.url}/v1/rooms/${alice.code}/messages`)).json()) as { messages: ChatMessage[] };
      assert.deepEqual(authors(history.messages), expected);
    });

    test('the connection whose request made a change gets it in the answer only; the room\'s other connections, the member\'s other tabs too, get it broadcast', async () => {
      const sockets: Socket[] = [];
      const raw = async (join: Record<string, string>) => {
        const s = rawSocket(running.url, { transports: ['websocket'], reconnection: false });
        sockets.push(s);
        const seen: string[] = [];
        s.on('message:created', (m: ChatMessage) => seen.push(`${m.kind}:${m.author}:${m.text ?? ''}`));
        s.on('member:joined', ({ member }: { member: { name: string } }) => seen.push(`member:${member.name}`));
        const res = await s.timeout(5000).emitWithAck(join.code ? 'room:join' : 'room:create', join);
        assert.equal(res.ok, true, JSON.stringify(res));
        const snapshot = res.room as { code: string; messages: ChatMessage[]; members: { name: string }[] };
        return { s, seen, snapshot, code: snapshot.code };
      };
      const send = async (from: Socket, code: string, text: string) => {
        const ack = await from.timeout(5000).emitWithAck('message:send', { code, clientId: text.replaceAll(' ', '-'), text });
        assert.equal(ack.ok, true, JSON.stringify(ack));
        return ack.message as ChatMessage;
      };
      try {
        const ada = await raw({ name: 'Ada', memberId: 'ada-private-id' });
        const adaTab = await raw({ code: ada.code, name: 'Ada', memberId: 'ada-private-id' });
        const bob = await raw({ code: ada.code, name: 'Bob' });
        assert.deepEqual(bob.snapshot.messages.map((m) => `${m.kind}:${m.author}`), ['join:Ada', 'join:Bob'], 'the joiner has its join line in the snapshot');
        assert.deepEqual(bob.snapshot.members.map((m) => m.name), ['Ada', 'Bob']);
        assert.equal((await send(ada.s, ada.code, 'to the room')).author, 'Ada');
        await send(bob.s, ada.code, 'reply');
        await eventually(() => ada.seen.includes('text:Bob:reply') && adaTab.seen.includes('text:Bob:reply'), "Bob's reply to reach both of Ada's tabs");
        // Each connection's events arrive in order, so what came before the last one is all it gets.
        assert.deepEqual(ada.seen, ['member:Bob', 'join:Bob:', 'text:Bob:reply']);
        assert.deepEqual(adaTab.seen, ['member:Bob', 'join:Bob:', 'text:Ada:to the room', 'text:Bob:reply']);
        assert.deepEqual(bob.seen, ['text:Ada:to the room'], "Bob's ack of his reply came after anything sent to him before it");
      } finally {
        for (const s of sockets) s.close();
      }
    });

    test('members who send at the same moment see the same gap-free room, without fetching history for their own messages', async (t) => {
      const historyReads: string[] = [];
      const countHistoryReads = (socket: ChatSocket) =>
        socket.onAny((event: string) => event === 'message:history' && historyReads.push(socket.id));
      running.server.io.on('connection', countHistoryReads);
      t.after(() => running.server.io.off('connection', countHistoryReads));
      const alice = await client().createRoom({ name: 'Alice' });
      const bob = await client().joinRoom(alice.code, { name: 'Bob' });
      await eventually(() => alice.members.length === 2, 'Bob to arrive');
      // Sent in one turn, the two often share a batch: the one acked second was already broadcast
      // to the other's connection, whose own message was still on its way in the ack.
      for (let i = 0; i < 40; i++) await Promise.all([alice.send(`a${i}`), bob.send(`b${i}`)]);
      await eventually(() => alice.messages.length === 82 && bob.messages.length === 82, 'all 80 messages on both sides');
      assert.deepEqual(bob.messages.map((m) => m.seq), alice.messages.map((m) => m.seq));
      assert.deepEqual(alice.messages.map((m) => m.seq), Array.from({ length: 82 }, (_, i) => i + 1));
      assert.deepEqual(historyReads, [], 'no history fetched to fill a gap');
    });

    test("one connection's burst is stored in the order sent, an image among the texts too, without a commit for each message", async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#22aa66' } }).png().toBuffer();
      const image = await alice.uploadImage(new Blob([new Uint8Array(png)], { type: 'image/png' }));
      const s = rawSocket(running.url, { transports: ['websocket'], reconnection: false });
      try {
        const joined = await s.timeout(5000).emitWithAck('room:join', { code: alice.code, name: 'Burst' });
        assert.equal(joined.ok, true, JSON.stringify(joined));
        const { batches } = running.server.chat.messages.stats;
        // Emitted without waiting for acks, as a bot or a client catching up would. The image is
        // looked up in the database before it can be stored: the texts after it must wait for that.
        const burst = [{ text: 'first' }, { imageId: image.id }, ...Array.from({ length: 20 }, (_, i) => ({ text: `t${i}` }))];
        const acks = await Promise.all(burst.map((content, i) => s.timeout(5000).emitWithAck('message:send', { code: alice.code, clientId: `burst-${i}`, ...content })));
        assert.ok(acks.every((ack) => ack.ok), JSON.stringify(acks.find((ack) => !ack.ok)));
        const seqs = acks.map((ack) => (ack.message as ChatMessage).seq);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seqs in the order sent');
        const stored = (await alice.history({ limit: 50 })).messages.filter((m) => m.author === 'Burst' && m.kind !== 'join');
        assert.deepEqual(stored.map((m) => m.text ?? m.image?.id), burst.map((content) => content.text ?? content.imageId));
        // Waiting for each other's commits, they would take a batch each.
        const took = running.server.chat.messages.stats.batches - batches;
        // How many depends on how the burst arrives across event-loop turns (machine load): fewer
        // batches than messages is the behaviour; how few is the benchmark's business.
        assert.ok(took < burst.length, `${burst.length} messages of one connection took ${took} batches`);
      } finally {
        s.close();
      }
    });

    test('re-sending a client id returns the stored original instead of a duplicate', async () => {
      const room = await client().createRoom({ name: 'Alice' });
      const first = await room.send('only once', { clientId: 'retry-me' });
      const again = await room.send('only once', { clientId: 'retry-me' });
      assert.equal(again.id, first.id);
      assert.equal(again.seq, first.seq);
      const concurrent = await Promise.all([1, 2, 3].map(() => room.send('racing', { clientId: 'race' })));
      assert.equal(new Set(concurrent.map((m) => m.id)).size, 1, 'concurrent retries store one message');
      const page = await room.history();
      assert.equal(page.messages.filter((m) => m.clientId === 'retry-me').length, 1);
      assert.equal(page.messages.filter((m) => m.clientId === 'race').length, 1);
    });

    test("the SDK's own client ids sort in the order the messages were sent (so the server's client-id index grows at its end)", async () => {
      const room = await client().createRoom({ name: 'Alice' });
      const sent = [];
      for (let i = 0; i < 5; i++) {
        sent.push(await room.send(`in order ${i}`));
        await new Promise((resolve) => setTimeout(resolve, 2)); // a later millisecond
      }
      const ids = sent.map((m) => m.clientId!);
      assert.deepEqual([...ids].sort(), ids);
      assert.equal(new Set(ids).size, ids.length);
    });

    test('an image is re-encoded without its metadata, sent as a message, and served with caching headers', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      const bob = await client().joinRoom(alice.code, { name: 'Bob' });
      const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366cc' } })
        .jpeg()
        .withExif({ IFD0: { Copyright: 'secret-owner', ImageDescription: 'GPS 51.5,-0.1' } })
        .toBuffer();
      assert.ok((await sharp(jpeg).metadata()).exif, 'the fixture does carry EXIF');
      let progress = 0;
      const message = await alice.sendImage(new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), { onProgress: (f) => (progress = f) });
      assert.equal(progress, 1);
      assert.equal(message.kind, 'image');
      assert.equal(message.image?.mime, 'image/jpeg');
      assert.deepEqual([message.image?.width, message.image?.height], [800, 600]);
      await eventually(() => bob.messages.some((m) => m.image?.id === message.image?.id), 'Bob to get the image');

      const res = await fetch(message.image!.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('cache-control') ?? '', /immutable/);
      const served = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(served).metadata();
      assert.equal(meta.exif, undefined, 'EXIF is stripped');
      assert.ok(!served.includes('secret-owner'), 'no trace of the metadata in the bytes');
      const etag = res.headers.get('etag')!;
      assert.equal(await conditionalGet(message.image!.url, etag), 304);

      const thumb = await fetch(message.image!.thumbUrl);
      assert.equal(thumb.headers.get('content-type'), 'image/webp');
      const thumbMeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      assert.equal(Math.max(thumbMeta.width!, thumbMeta.height!), 320);
    });

    test('rooms, messages and images are still there after the server restarts', async () => {
      const alice = await client().createRoom({ name: 'Alice' });
      await alice.send('before restart');
      const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#ff000080' } }).png().toBuffer();
      const image = await alice.sendImage(png);
      const code = alice.code;

      await running.server.close();
      running = await startServer(storage.options);

      const later = await client().joinRoom(code, { name: 'Later' });
      assert.deepEqual(texts(later), ['before restart']);
      const restored = later.messages.find((m) => m.kind === 'image');
      assert.equal(restored?.image?.id, image.image?.id);
      const res = await fetch(restored!.image!.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width, 40);
      const seqs = later.messages.map((m) => m.seq);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'sequence continues without gaps');
    });
  });
}
