import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Member } from '@roomchat/protocol';
import { findMentions } from './mentions.js';

const members: Member[] = [
  { id: 'ann', name: 'Ann' },
  { id: 'ann-lee', name: 'Ann Lee' },
  { id: 'bob', name: 'Bob' },
  { id: 'zoe', name: 'Zoë' },
];
const mentioned = (text: string) => findMentions(text, members).sort();

test('an @name of a member marks that member, in any case, once however often it is named', () => {
  assert.deepEqual(mentioned('@bob look'), ['bob']);
  assert.deepEqual(mentioned('hey @BOB and @Bob, @bob!'), ['bob']);
  assert.deepEqual(mentioned('@Ann and @Bob'), ['ann', 'bob']);
  assert.deepEqual(mentioned('no one here, bob'), [], 'a name without @ is no mention');
  assert.deepEqual(findMentions('@bob', []), [], 'nor is a name of no member');
  assert.deepEqual(mentioned('@Ann Lee@Bob'), ['ann-lee', 'bob'], 'a mention may start where another ends');
});

test('a name ends where no letter or digit follows, in any script', () => {
  assert.deepEqual(mentioned('@bobby, @bob2 and mail@bob.com'), ['bob'], 'only the last: a dot ends a name');
  assert.deepEqual(mentioned('@bobé'), [], 'an accented letter continues a word');
  assert.deepEqual(mentioned('@zoë.'), ['zoe']);
  assert.deepEqual(mentioned('@bobby @bob'), ['bob'], 'a later @bob counts after an earlier @bobby did not');
});

test('longer names win: "@Ann Lee" is Ann Lee, not Ann, and Ann is still found elsewhere', () => {
  assert.deepEqual(findMentions('thanks @Ann Lee', members), ['ann-lee']);
  assert.deepEqual(mentioned('@ann lee and @ann'), ['ann', 'ann-lee']);
  // Whatever order the members come in.
  assert.deepEqual(findMentions('thanks @Ann Lee', [...members].reverse()), ['ann-lee']);
});
