/**
 * The delivery contract for changes, as a property: whatever a room's log holds (messages,
 * replies, edits, deletes, reactions) and however it reaches a client (live, with duplicates and
 * reorderings; or missed, then caught up page by page; or loaded backwards), every client ends
 * with the same messages, which are those the server shows "as they are now".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { quoteExcerpt, type ChangeEntry, type ChatMessage, type LogEntry } from './protocol.js';
import { Timeline } from './timeline.js';

const ME = 'me';
const MEMBERS = [ME, 'ann', 'bob'];
const EMOJI = ['👍', '❤️', '🎉'];

/** A model of the server: the log, and each message as it is now (what history pages return). */
class ModelRoom {
  log: LogEntry[] = [];
  #now = new Map<string, ChatMessage>();
  #reactions = new Map<string, Map<string, Set<string>>>();

  get messageIds(): string[] {
    return [...this.#now.keys()];
  }

  #base(author: string) {
    const seq = this.log.length + 1;
    return { id: `e${seq}`, roomCode: 'ROOM', seq, author, authorId: author, createdAt: new Date(seq * 1000).toISOString() };
  }

  send(author: string, text: string, replyTo?: string): void {
    const message: ChatMessage = { ...this.#base(author), kind: 'text', text };
    const target = replyTo === undefined ? undefined : this.#now.get(replyTo);
    if (target) message.replyTo = this.#quote(target);
    this.log.push(message);
    this.#now.set(message.id, message);
  }

  edit(target: string, text: string): void {
    const t = this.#now.get(target);
    if (!t || t.deletedAt) return;
    const entry: ChangeEntry = { ...this.#base(t.author), kind: 'edit', target, text };
    this.log.push(entry);
    this.#now.set(target, { ...t, text, editedAt: entry.createdAt, version: entry.seq });
  }

  delete(target: string): void {
    const t = this.#now.get(target);
    if (!t || t.deletedAt) return;
    const entry: ChangeEntry = { ...this.#base(t.author), kind: 'delete', target };
    this.log.push(entry);
    const { text: _t, replyTo: _r, ...rest } = t;
    this.#now.set(target, { ...rest, deletedAt: entry.createdAt, version: entry.seq });
    this.#reactions.delete(target);
    // As the server does: the deleted text is erased from its edit entries too.
    for (const e of this.log) if (e.kind === 'edit' && e.target === target) delete e.text;
  }

  react(member: string, target: string, emoji: string, on: boolean): void {
    const t = this.#now.get(target);
    if (!t || t.deletedAt) return;
    const byEmoji = this.#reactions.get(target) ?? new Map<string, Set<string>>();
    this.#reactions.set(target, byEmoji);
    const who = byEmoji.get(emoji) ?? new Set<string>();
    if (on) who.add(member);
    else who.delete(member);
    byEmoji.set(emoji, who);
    const entry: ChangeEntry = { ...this.#base(member), kind: 'reaction', target, emoji, on, count: who.size };
    this.log.push(entry);
    this.#now.set(target, { ...t, version: entry.seq });
  }

  /** A message as history returns it to `ME`. */
  asNow(id: string): ChatMessage {
    const m = { ...this.#now.get(id)! };
    const reactions = [...(this.#reactions.get(id) ?? [])]
      .filter(([, who]) => who.size > 0)
      .map(([emoji, who]) => ({ emoji, count: who.size, mine: who.has(ME) }))
      .sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0));
    if (reactions.length) m.reactions = reactions;
    if (m.replyTo) {
      const target = this.#now.get(m.replyTo.id)!;
      m.replyTo = this.#quote(target);
    }
    return m;
  }

  #quote(target: ChatMessage): NonNullable<ChatMessage['replyTo']> {
    if (target.deletedAt) return { id: target.id, author: target.author, deleted: true };
    return { id: target.id, author: target.author, excerpt: quoteExcerpt(target.text ?? '') };
  }

  #present(e: LogEntry): LogEntry {
    return e.kind === 'text' ? this.asNow(e.id) : { ...e };
  }

  /** History: `limit` entries after `after` (catching up), or before `before` / the newest. */
  page(options: { after?: number; before?: number; limit: number }): { messages: LogEntry[]; hasMore: boolean } {
    let range: LogEntry[];
    if (options.after !== undefined) range = this.log.filter((e) => e.seq > options.after!).slice(0, options.limit + 1);
    else range = this.log.filter((e) => options.before === undefined || e.seq < options.before).slice(-(options.limit + 1)).reverse();
    const hasMore = range.length > options.limit;
    range = range.slice(0, options.limit);
    if (options.after === undefined) range.reverse();
    return { messages: range.map((e) => this.#present(e)), hasMore };
  }
}

type Op =
  | { type: 'send'; author: number; text: string; replyTo: number | null }
  | { type: 'edit'; target: number; text: string }
  | { type: 'delete'; target: number }
  | { type: 'react'; member: number; target: number; emoji: number; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('send' as const), author: fc.nat(2), text: fc.string({ minLength: 1, maxLength: 6 }), replyTo: fc.option(fc.nat(40)) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('edit' as const), target: fc.nat(40), text: fc.string({ minLength: 1, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), target: fc.nat(40) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('react' as const), member: fc.nat(2), target: fc.nat(40), emoji: fc.nat(2), on: fc.boolean() }) },
);

function run(room: ModelRoom, op: Op): void {
  const ids = room.messageIds;
  const pick = (n: number) => ids[n % Math.max(1, ids.length)];
  if (op.type === 'send') room.send(MEMBERS[op.author]!, op.text, op.replyTo === null ? undefined : pick(op.replyTo));
  else if (!ids.length) room.send(ME, 'first');
  else if (op.type === 'edit') room.edit(pick(op.target)!, op.text);
  else if (op.type === 'delete') room.delete(pick(op.target)!);
  else room.react(MEMBERS[op.member]!, pick(op.target)!, EMOJI[op.emoji]!, op.on);
}

/** Step by step, the ways a client can come to know the log. */
interface Schedule {
  ops: Op[];
  /** After each op: how many of the entries not yet delivered live go out now, shuffled by the seed. */
  deliver: number[];
  seed: number;
  /** Steps at which the offline client fetches one catch-up page, and the pager one older page. */
  fetchAt: boolean[];
  pageSize: number;
}

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .record({ ops: fc.array(opArb, { minLength: 1, maxLength: 60 }), seed: fc.integer(), pageSize: fc.integer({ min: 1, max: 7 }) })
  .chain(({ ops, seed, pageSize }) =>
    fc.record({
      ops: fc.constant(ops),
      seed: fc.constant(seed),
      pageSize: fc.constant(pageSize),
      deliver: fc.array(fc.nat(4), { minLength: ops.length, maxLength: ops.length }),
      fetchAt: fc.array(fc.boolean(), { minLength: ops.length, maxLength: ops.length }),
    }),
  );

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed | 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const j = Math.abs(s) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('a client that was online, one that was offline and caught up, and one that paged backwards all converge to the server\'s view', () => {
  fc.assert(
    fc.property(scheduleArb, ({ ops, deliver, seed, fetchAt, pageSize }) => {
      const room = new ModelRoom();
      // Some history before anyone looks.
      room.send('ann', 'hello');
      room.send(ME, 'hi');
      const start = room.page({ limit: 1000 });
      const online = new Timeline(start.messages, ME);
      const offline = new Timeline(start.messages, ME);
      const pager = new Timeline(room.page({ limit: 1 }).messages, ME);
      let pagerHasMore = true;
      let undelivered: LogEntry[] = [];
      let delivered: LogEntry[] = [];
      // Pages are answered at one moment and arrive later, after live entries: a catch-up request in
      // flight, an older page loading while the room goes on.
      let staleForOnline: LogEntry[] = [];
      let olderInFlight: { messages: LogEntry[]; hasMore: boolean } | undefined;
      let catchUpInFlight: LogEntry[] | undefined;
      ops.forEach((op, step) => {
        run(room, op);
        const fresh = room.log.slice(delivered.length + undelivered.length);
        undelivered.push(...fresh.map((e) => ({ ...e })));
        // Live delivery: some of what is waiting, shuffled, with a duplicate of something old.
        const batch = shuffled(undelivered, seed + step).slice(0, deliver[step]!);
        undelivered = undelivered.filter((e) => !batch.includes(e));
        const duplicate = delivered.length ? [delivered[(seed >>> 0) % delivered.length]!] : [];
        online.accept([...batch, ...duplicate]);
        pager.accept([...batch, ...duplicate]);
        delivered.push(...batch);
        if (fetchAt[step]) {
          // Pages are read "as they are now", at different moments, and some arrive late.
          online.accept(staleForOnline);
          staleForOnline = room.page({ after: Math.max(0, online.newestSeq - pageSize), limit: pageSize }).messages;
          if (catchUpInFlight) offline.accept(catchUpInFlight);
          catchUpInFlight = room.page({ after: offline.newestSeq, limit: pageSize }).messages;
          if (olderInFlight) {
            pager.prepend(olderInFlight.messages);
            pagerHasMore = olderInFlight.hasMore;
            olderInFlight = undefined;
          } else if (pagerHasMore && pager.oldestSeq !== undefined) {
            olderInFlight = room.page({ before: pager.oldestSeq, limit: pageSize });
          }
        }
      });
      online.accept(staleForOnline);
      if (catchUpInFlight) offline.accept(catchUpInFlight);
      if (olderInFlight) {
        pager.prepend(olderInFlight.messages);
        pagerHasMore = olderInFlight.hasMore;
      }
      online.accept(shuffled(undelivered, seed));
      pager.accept(shuffled(undelivered, seed));
      for (let page = room.page({ after: offline.newestSeq, limit: pageSize }); ; page = room.page({ after: offline.newestSeq, limit: pageSize })) {
        offline.accept(page.messages);
        if (!page.hasMore) break;
      }
      while (pagerHasMore) {
        const older = room.page({ before: pager.oldestSeq!, limit: pageSize });
        pager.prepend(older.messages);
        pagerHasMore = older.hasMore;
      }
      const expected = room.messageIds.map((id) => room.asNow(id));
      assert.deepEqual(online.messages, expected, 'online');
      assert.deepEqual(offline.messages, expected, 'offline, caught up');
      assert.deepEqual(pager.messages, expected, 'paged backwards');
      assert.equal(online.newestSeq, room.log.length);
      assert.equal(offline.hasGap, false);
    }),
    { numRuns: 300 },
  );
});

test('a change is reported as an update of the message it changes, and applies once', () => {
  const room = new ModelRoom();
  room.send('ann', 'hello');
  const timeline = new Timeline(room.page({ limit: 10 }).messages, ME);
  room.edit('e1', 'hello!');
  room.react(ME, 'e1', '👍', true);
  const edit = room.log[1]!;
  const reaction = room.log[2]!;
  assert.deepEqual(timeline.fold([edit]).updated.map((m) => m.text), ['hello!']);
  assert.deepEqual(timeline.fold([edit, reaction]).updated.map((m) => m.reactions), [[{ emoji: '👍', count: 1, mine: true }]]);
  assert.deepEqual(timeline.fold([reaction]), { added: [], updated: [], moderation: [] }, 'a duplicate changes nothing');
  assert.equal(timeline.messages.length, 1, 'change entries are not messages');
});
