import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from './protocol.js';
import { Timeline } from './timeline.js';

const message = (seq: number): ChatMessage => ({
  id: String(seq),
  roomCode: 'ROOMCODE',
  seq,
  kind: 'text',
  author: 'A',
  text: `m${seq}`,
  createdAt: new Date(0).toISOString(),
});
const seqs = (ms: readonly ChatMessage[]) => ms.map((m) => m.seq);

test('messages are released in sequence, once each, whatever order they arrive in', () => {
  const timeline = new Timeline([message(1), message(2)]);
  assert.deepEqual(seqs(timeline.accept([message(2), message(3)])), [3], 'a duplicate is dropped');
  assert.deepEqual(seqs(timeline.accept([message(6), message(5)])), [], 'beyond a gap, held back');
  assert.equal(timeline.hasGap, true);
  assert.equal(timeline.newestSeq, 3, 'catch up starts after the newest contiguous message');
  assert.deepEqual(seqs(timeline.accept([message(4)])), [4, 5, 6], 'the filled gap releases the rest in order');
  assert.equal(timeline.hasGap, false);
  assert.deepEqual(seqs(timeline.messages), [1, 2, 3, 4, 5, 6]);
});

test('older pages go in front without duplicates', () => {
  const timeline = new Timeline([message(10), message(11)]);
  assert.deepEqual(seqs(timeline.prepend([message(8), message(9), message(10)])), [8, 9]);
  assert.deepEqual(seqs(timeline.messages), [8, 9, 10, 11]);
  assert.equal(timeline.oldestSeq, 8);
});

test('an empty timeline starts from the first message it is given', () => {
  const timeline = new Timeline([]);
  assert.deepEqual(seqs(timeline.accept([message(41), message(40)])), [40, 41]);
});

test('a timeline sorts what it starts with and the older pages it is given, and an empty one has no oldest seq', () => {
  const timeline = new Timeline([message(12), message(10), message(11)]);
  assert.deepEqual(seqs(timeline.messages), [10, 11, 12]);
  assert.equal(timeline.newestSeq, 12);
  assert.deepEqual(seqs(timeline.prepend([message(9), message(7), message(8)])), [7, 8, 9]);
  assert.deepEqual(seqs(timeline.messages), [7, 8, 9, 10, 11, 12]);
  const empty = new Timeline([]);
  assert.equal(empty.oldestSeq, undefined);
  assert.equal(empty.newestSeq, 0);
  assert.deepEqual(seqs(empty.prepend([message(3), message(2)])), [2, 3], 'an empty timeline takes a whole page');
});

test('entries the server deleted for good (a catch-up page’s historyStart) are no gap to wait for', () => {
  const timeline = new Timeline([message(1), message(2)]);
  assert.deepEqual(seqs(timeline.accept([message(20), message(21)])), [], 'beyond a gap, held back');
  assert.deepEqual(seqs(timeline.fold([message(15), message(16)], 15).added), [15, 16], 'the log now starts at 15: released from there');
  assert.equal(timeline.hasGap, true, '17 to 19 are still missing: a real gap');
  assert.deepEqual(seqs(timeline.fold([message(17), message(18), message(19)], 15).added), [17, 18, 19, 20, 21]);
  assert.equal(timeline.hasGap, false);
  assert.deepEqual(seqs(timeline.messages), [1, 2, 15, 16, 17, 18, 19, 20, 21], 'what was held before the cut stays');
  assert.deepEqual(seqs(timeline.fold([message(22)], 3).added), [22], 'a start behind the newest changes nothing');
});
