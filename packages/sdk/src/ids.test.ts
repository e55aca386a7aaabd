import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedId } from './ids.js';

test('time-ordered ids sort by the time they were made, whatever the number of digits, and stay unique within a millisecond', () => {
  const times = [0, 35, 36, 1_295, 1_296, Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 1) + 1, Date.UTC(2100, 0, 1)];
  const ids = times.map((t) => timeOrderedId(t));
  assert.deepEqual([...ids].sort(), ids, 'lexicographic order is time order');
  assert.ok(ids.every((id) => id.length === ids[0]!.length), 'one fixed width');

  const sameMillisecond = Array.from({ length: 10_000 }, () => timeOrderedId(Date.UTC(2026, 11, 1)));
  assert.equal(new Set(sameMillisecond).size, sameMillisecond.length);
  // What the server accepts as a client id (schemas.ts): letters, digits and _ . : -, at most 64.
  for (const id of [...ids, ...sameMillisecond.slice(0, 100)]) assert.match(id, /^[\w.:-]{1,64}$/);
});
