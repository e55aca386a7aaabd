import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage, Member, ModerationEntry, RoomSnapshot } from './protocol.js';
import { RoomMembers } from './room-moderation.js';
import { Timeline } from './timeline.js';

const at = new Date(0).toISOString();
const message = (seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ id: String(seq), roomCode: 'ROOMCODE', seq, kind: 'text', author: 'A', text: `m${seq}`, createdAt: at, ...extra });
const moderation = (seq: number, fields: Omit<ModerationEntry, 'kind' | 'id' | 'roomCode' | 'seq' | 'author' | 'createdAt'>): ModerationEntry => ({
  kind: 'moderation',
  id: `x${seq}`,
  roomCode: 'ROOMCODE',
  seq,
  author: 'Olga',
  createdAt: at,
  ...fields,
});
const seqs = (ms: readonly ChatMessage[]) => ms.map((m) => m.seq);

test('moderation entries take their seq in the log without becoming messages, and are released in order', () => {
  const timeline = new Timeline([message(1)]);
  const held = timeline.fold([message(4), moderation(3, { action: 'lock' })]);
  assert.deepEqual(held.moderation, [], 'beyond a gap, held back like any entry');
  const released = timeline.fold([moderation(2, { action: 'kick', target: 'm2' })]);
  assert.deepEqual(
    released.moderation.map((e) => e.action),
    ['kick', 'lock'],
  );
  assert.deepEqual(seqs(released.added), [4]);
  assert.deepEqual(seqs(timeline.messages), [1, 4]);
  assert.equal(timeline.newestSeq, 4);
  assert.equal(timeline.hasGap, false);
});

test('hide marks a held message hidden; unhide brings it back whole, from the entry, for a member given it without text', () => {
  // As a member's snapshot shows a hidden message: its place, without its text.
  const timeline = new Timeline([message(1), message(2, { text: undefined, hidden: true })]);
  const shown = timeline.fold([moderation(3, { action: 'unhide', target: '2', message: message(2, { text: 'fine after all' }) })]);
  assert.equal(shown.updated[0]?.text, 'fine after all');
  assert.equal(shown.updated[0]?.hidden, undefined);
  const hidden = timeline.fold([moderation(4, { action: 'hide', target: '1' })]);
  assert.equal(hidden.updated[0]?.id, '1');
  assert.equal(hidden.updated[0]?.hidden, true);
  assert.equal(timeline.messages[0]?.hidden, true);
});

test('an unhide carrying an older picture than the one held keeps the newer text', () => {
  const timeline = new Timeline([message(1, { text: 'edited', version: 5, hidden: true }), message(5)]);
  const { updated } = timeline.fold([moderation(6, { action: 'unhide', target: '1', message: message(1, { text: 'original' }) })]);
  assert.equal(updated[0]?.text, 'edited');
  assert.equal(updated[0]?.hidden, undefined);
});

test('a deleted message stays a tombstone whatever hide or unhide follows, and unknown targets change nothing', () => {
  const timeline = new Timeline([message(1, { text: undefined, deletedAt: at })]);
  const { updated } = timeline.fold([moderation(2, { action: 'unhide', target: '1', message: message(1) }), moderation(3, { action: 'hide', target: '99' })]);
  assert.deepEqual(updated, []);
  assert.equal(timeline.messages[0]?.text, undefined);
});

test("a snapshot's and an older page's moderation entries are history: no messages, nothing released", () => {
  const timeline = new Timeline([moderation(10, { action: 'lock' }), message(11)]);
  assert.deepEqual(seqs(timeline.messages), [11]);
  assert.equal(timeline.oldestSeq, 10);
  assert.deepEqual(seqs(timeline.prepend([message(8), moderation(9, { action: 'mute', target: 'm' })])), [8]);
  assert.equal(timeline.oldestSeq, 8);
});

const member = (id: string, role?: Member['role']): Member => ({ id, name: id, ...(role ? { role } : {}) });
const snapshot = (self: Member, members: Member[]): RoomSnapshot => ({
  code: 'ROOMCODE',
  createdAt: at,
  self,
  members,
  messages: [],
  hasMore: false,
  limits: {} as RoomSnapshot['limits'],
  moderation: { locked: false, slowModeSeconds: 0 },
});

test('role entries change the member list; a hand-over makes the owner before a moderator', () => {
  const people = new RoomMembers(snapshot(member('olga', 'owner'), [member('olga', 'owner'), member('max'), member('admin', 'admin')]));
  assert.equal(people.state.role, 'owner');
  assert.equal(people.apply(moderation(1, { action: 'role', target: 'max', role: 'moderator' })), true);
  assert.equal(people.list.find((m) => m.id === 'max')?.role, 'moderator');
  people.apply(moderation(2, { action: 'role', target: 'max', role: 'owner' }));
  assert.equal(people.list.find((m) => m.id === 'max')?.role, 'owner');
  assert.equal(people.list.find((m) => m.id === 'olga')?.role, 'moderator');
  assert.equal(people.state.role, 'moderator', 'self follows');
  people.apply(moderation(3, { action: 'role', target: 'olga', role: 'member' }));
  assert.equal(people.list.find((m) => m.id === 'olga')?.role, undefined);
  assert.equal(people.state.role, 'member');
  people.apply(moderation(4, { action: 'role', target: 'admin', role: 'member' }));
  assert.equal(people.list.find((m) => m.id === 'admin')?.role, 'admin', "an app admin's role comes from its token");
});

test('lock, slow mode and a mute of this member fold into the state; a ban drops a moderator role', () => {
  const people = new RoomMembers(snapshot(member('max'), [member('max'), member('mo', 'moderator')]));
  assert.equal(people.apply(moderation(1, { action: 'lock' })), false);
  people.apply(moderation(2, { action: 'slow-mode', seconds: 30 }));
  people.apply(moderation(3, { action: 'mute', target: 'someone-else', until: at }));
  assert.equal(people.state.mutedUntil, undefined);
  people.apply(moderation(4, { action: 'mute', target: 'max', until: '2030-01-01T00:00:00.000Z' }));
  assert.deepEqual(people.state, { role: 'member', locked: true, slowModeSeconds: 30, mutedUntil: '2030-01-01T00:00:00.000Z' });
  people.apply(moderation(5, { action: 'unmute', target: 'max' }));
  people.apply(moderation(6, { action: 'unlock' }));
  assert.equal(people.state.mutedUntil, undefined);
  assert.equal(people.state.locked, false);
  assert.equal(people.apply(moderation(7, { action: 'ban', target: 'mo' })), true);
  assert.equal(people.list.find((m) => m.id === 'mo')?.role, undefined);
});
