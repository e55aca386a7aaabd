import { LinkifyIt } from 'linkify-it';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError } from '../errors.js';
import type { ModerationSettings } from './settings.js';
import { mask, WordMatcher } from './words.js';

/** Who wrote a text, as the filters judge it. */
export interface Writer {
  /** A member of a signed-in user (a token the app signed); guests are not. */
  verified: boolean;
}

let linkify: LinkifyIt | undefined;
/**
 * Links as the widget finds them (docs/decisions/0005): linkify-it with bare domains, without
 * `ftp:` and `//`. Built on first use: compiling its expressions costs a few milliseconds.
 */
function linker(): LinkifyIt {
  linkify ??= new LinkifyIt({ fuzzyLink: true }).add('ftp:', null).add('//', null);
  return linkify;
}

/** Every link linkify-it finds has a scheme (`:`), a host with a dot (ASCII or ideographic), or is an address (`@`): a text with none is skipped at once. */
const MAY_LINK = /[:.@\u3002\uFF0E\uFF61]/;

/** Each word list compiled once, while the app's settings object lives (apps are cached for appsCacheMs). */
const matchers = new WeakMap<readonly string[], WordMatcher>();
function matcherOf(words: readonly string[]): WordMatcher {
  let matcher = matchers.get(words);
  if (!matcher) matchers.set(words, (matcher = new WordMatcher(words)));
  return matcher;
}

/**
 * Whether linkify-it finds a link in `text`, asked word by word (a link holds no white space, and
 * a word's start is a boundary as the space before it is): its search over a whole long text
 * costs milliseconds, over the few words that could be links microseconds.
 */
export function hasLink(text: string): boolean {
  if (!MAY_LINK.test(text)) return false;
  for (const word of text.split(/\s+/)) if (MAY_LINK.test(word) && linker().test(word)) return true;
  return false;
}

/** MESSAGE_BLOCKED with the reason, for the sender to read. */
export function blocked(reason: string): ChatError {
  return new ChatError(ErrorCode.MESSAGE_BLOCKED, reason);
}

/**
 * Applies an app's filters to a message's (or an edit's) text: the mention cap, the link policy,
 * then the word list. Answers the text to store (masked where the list masks), or throws
 * MESSAGE_BLOCKED saying which rule refused it.
 */
export function applyFilters(settings: ModerationSettings, text: string, writer: Writer, mentions: number): string {
  if (settings.mentionsMax !== null && mentions > settings.mentionsMax) {
    throw blocked(`A message may mention at most ${settings.mentionsMax} members here`);
  }
  if (settings.linkPolicy !== 'allow' && !(settings.linkPolicy === 'verified' && writer.verified) && hasLink(text)) {
    throw blocked(settings.linkPolicy === 'deny' ? 'Links are not allowed here' : 'Only signed-in members may post links here');
  }
  if (!settings.blockedWords.length) return text;
  const spans = matcherOf(settings.blockedWords).find(text);
  if (!spans.length) return text;
  if (settings.wordAction === 'block') throw blocked('The message contains a word this chat does not allow');
  return mask(text, spans);
}
