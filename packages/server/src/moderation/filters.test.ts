/**
 * The filters as functions (issue #23, per app): blocked words (whole words, any case, Unicode
 * compatibility forms, the evasions docs/moderation.md lists as caught and as not caught),
 * masking, the link policy for guests and verified members, and the mention cap. The same rules
 * through a real server, socket and REST: moderation.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '@roomchat/protocol';
import { DEFAULT_CONFIG } from '../config.js';
import { ChatError } from '../errors.js';
import { applyFilters } from './filters.js';
import { moderationPatchSchema, NO_MODERATION, type ModerationSettings } from './settings.js';
import { mask, WordMatcher } from './words.js';

const words = (list: string[], text: string) => new WordMatcher(list).find(text).map(([s, e]) => text.slice(s, e));
const settings = (s: Partial<ModerationSettings>): ModerationSettings => ({ ...NO_MODERATION, ...s });
const guest = { verified: false };
const verified = { verified: true };
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ChatError);
    assert.equal(err.code, ErrorCode.MESSAGE_BLOCKED);
    return err.message;
  }
  assert.fail('expected MESSAGE_BLOCKED');
};

describe('blocked words', () => {
  test('match whole words in any case, never inside a longer word', () => {
    assert.deepEqual(words(['bad'], 'Bad, BAD and bad!'), ['Bad', 'BAD', 'bad']);
    assert.deepEqual(words(['bad'], 'badge abad baddie'), []);
    assert.deepEqual(words(['ass'], 'a class assignment, passed'), []);
  });

  test('catch compatibility forms (fullwidth, circled, ligature), accents composed either way, and invisible characters inside a word', () => {
    assert.deepEqual(words(['bad'], 'ｂａｄ'), ['ｂａｄ']);
    assert.deepEqual(words(['bad'], 'ⓑⓐⓓ'), ['ⓑⓐⓓ']);
    assert.deepEqual(words(['fin'], 'the ﬁn'), ['ﬁn'], 'the ﬁ ligature is f and i');
    assert.deepEqual(words(['café'], 'un cafe\u0301 noir'), ['cafe\u0301'], 'e + combining acute is é');
    assert.deepEqual(words(['bad'], 'b\u200Bad b\u00ADad'), ['b\u200Bad', 'b\u00ADad'], 'zero-width space, soft hyphen');
    assert.deepEqual(words(['straße'], 'STRASSE straße'), ['straße'], 'lower-casing, not full case folding: ß stays ß');
  });

  test('catch a word spelled out with one separator between its letters', () => {
    assert.deepEqual(words(['bad'], 'so b.a.d, b a d, b-a-d and b_a_d'), ['b.a.d', 'b a d', 'b-a-d', 'b_a_d']);
    assert.deepEqual(words(['bad'], 'b..a..d, b.a.d.x, ba.d'), [], 'two separators, a longer run, or a split into longer pieces are not');
  });

  test('do not catch (documented) look-alike letters of other scripts, leetspeak, repeated letters, added accents', () => {
    assert.deepEqual(words(['bad'], 'bаd b4d baaad bád'), []);
  });

  test('work in any script that separates words with spaces or punctuation', () => {
    assert.deepEqual(words(['плохо', 'κακό', '悪い'], 'Это ПЛОХО. Πολύ κακό! とても悪い'), ['ПЛОХО', 'κακό']);
  });

  test('take linear time: a 4000-character message against 1000 words, and a message of separators, are fast', () => {
    const list = Array.from({ length: 1000 }, (_, i) => `word${i}`);
    const matcher = new WordMatcher(list);
    const texts = ['a.'.repeat(2000), 'word999 '.repeat(500), '\u0301'.repeat(4000), 'x'.repeat(4000)];
    const started = performance.now();
    for (const text of texts) matcher.find(text);
    // Not a benchmark: a catastrophic case would take seconds; this bound is ~100x the measured time.
    assert.ok(performance.now() - started < 1000);
  });

  test('masking replaces each found word with as many asterisks as it has characters', () => {
    const text = 'a Bad day, b.a.d, ｂａｄ';
    assert.equal(mask(text, new WordMatcher(['bad']).find(text)), 'a *** day, *****, ***');
    assert.equal(mask('👍 bad 👍', new WordMatcher(['bad']).find('👍 bad 👍')), '👍 *** 👍');
  });
});

describe('applyFilters', () => {
  test('block refuses a message with a listed word (MESSAGE_BLOCKED), mask masks it, others pass unchanged', () => {
    assert.match(refusal(() => applyFilters(settings({ blockedWords: ['bad'] }), 'so BAD', guest, 0)), /word this chat does not allow/);
    assert.equal(applyFilters(settings({ blockedWords: ['bad'], wordAction: 'mask' }), 'so BAD', guest, 0), 'so ***');
    assert.equal(applyFilters(settings({ blockedWords: ['bad'] }), 'so good', guest, 0), 'so good');
  });

  test('the link policy: allow lets all post links, deny none, verified only signed-in members', () => {
    const texts = ['see https://example.com', 'see example.com', 'write to ann@example.com', 'www.example.org/x'];
    for (const text of texts) {
      assert.equal(applyFilters(settings({ linkPolicy: 'allow' }), text, guest, 0), text);
      assert.match(refusal(() => applyFilters(settings({ linkPolicy: 'deny' }), text, verified, 0)), /Links are not allowed/);
      assert.match(refusal(() => applyFilters(settings({ linkPolicy: 'verified' }), text, guest, 0)), /signed-in members/);
      assert.equal(applyFilters(settings({ linkPolicy: 'verified' }), text, verified, 0), text);
    }
    assert.equal(applyFilters(settings({ linkPolicy: 'deny' }), 'no links here. Just words', guest, 0), 'no links here. Just words');
    assert.equal(applyFilters(settings({ linkPolicy: 'deny' }), 'javascript:alert(1) ftp://x.y', guest, 0), 'javascript:alert(1) ftp://x.y', 'not links the widget would show');
  });

  test('the mention cap refuses a message that mentions more members than it allows', () => {
    assert.equal(applyFilters(settings({ mentionsMax: 2 }), 'hi', guest, 2), 'hi');
    assert.match(refusal(() => applyFilters(settings({ mentionsMax: 2 }), 'hi', guest, 3)), /at most 2 members/);
    assert.match(refusal(() => applyFilters(settings({ mentionsMax: 0 }), 'hi', guest, 1)), /at most 0 members/);
  });
});

describe('the settings schema (API and CLI)', () => {
  const schema = moderationPatchSchema(DEFAULT_CONFIG);
  const issue = (input: unknown) => {
    const parsed = schema.safeParse(input);
    assert.equal(parsed.success, false);
    return parsed.error!.issues[0]!.message;
  };

  test('stores words normalised (NFKC, lower case), once each', () => {
    assert.deepEqual(schema.parse({ blockedWords: ['BAD', 'ｂａｄ', ' Worse '] }).blockedWords, ['bad', 'worse']);
  });

  test('refuses a list over filterWordsMax, a word over filterWordMaxLength, a phrase, an empty word, naming the limit', () => {
    assert.match(issue({ blockedWords: Array.from({ length: DEFAULT_CONFIG.filterWordsMax + 1 }, (_, i) => `w${i}`) }), /At most 1000 blocked words \(filterWordsMax\)/);
    assert.match(issue({ blockedWords: ['x'.repeat(DEFAULT_CONFIG.filterWordMaxLength + 1)] }), /filterWordMaxLength/);
    assert.match(issue({ blockedWords: ['two words'] }), /one word/);
    assert.match(issue({ blockedWords: ['b.a.d'] }), /one word/);
    assert.match(issue({ blockedWords: ['  '] }), /not empty/);
  });

  test('refuses a hook URL that is not http(s), a timeout over hookTimeoutMaxMs, unknown modes and fields', () => {
    assert.match(issue({ hookUrl: 'ftp://x.example/hook' }), /http or https/);
    assert.match(issue({ hookUrl: 'not a url' }), /http or https/);
    assert.match(issue({ hookTimeoutMs: DEFAULT_CONFIG.hookTimeoutMaxMs + 1 }), /hookTimeoutMaxMs/);
    assert.equal(schema.safeParse({ hookFailMode: 'maybe' }).success, false);
    assert.equal(schema.safeParse({ linkPolicy: 'some' }).success, false);
    assert.equal(schema.safeParse({ guestsAllowed: false }).success, false, 'only the filters and the hook');
    assert.equal(schema.safeParse({ mentionsMax: -1 }).success, false);
  });
});
