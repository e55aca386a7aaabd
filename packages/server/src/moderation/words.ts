import { normalizeWord } from './settings.js';

/** A character and the combining marks that follow it: normalised together, as NFKC composes them. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;
const WORDLIKE = /^[\p{L}\p{N}\p{M}]+$/u;
/** Words of a text that NFKC leaves as it is and that has no invisible characters: the common case, one regular expression. */
const PLAIN_WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Format characters (zero-width spaces and joiners, soft hyphens, bidi marks) are invisible: skipped, so they cannot split a word. */
const INVISIBLE = /\p{Cf}/u;
const INVISIBLES = /\p{Cf}/gu;
/** A separator that may sit between the letters of a spelled-out word: `b.a.d`, `b a d`, `b-a-d`, `b_a_d`, `b*a*d`. */
const SPELLING_SEPARATOR = /^[.\-_* ]$/;

/** Where a listed word is in a text: [start, end) in UTF-16 units of the original text. */
export type Span = [number, number];

/** A word of a text: where it is in the original, and its normalised form. */
interface Token {
  start: number;
  end: number;
  word: string;
}

/**
 * The blocked words of an app, compiled once: a set of normalised words, against which each word
 * of a message is looked up. One pass over the text (each word normalised and hashed once), so the
 * cost is linear in the text and does not grow with the list; no regular expression is built from
 * the list, so nothing can backtrack.
 *
 * Caught: any case, compatibility forms (fullwidth `ｂａｄ`, circled `ⓑⓐⓓ`, ligatures), invisible
 * characters inside a word (`b\u200Bad`), and a word spelled out with one separator between its
 * letters (`b.a.d`, `b a d`). Not caught: look-alike letters of other scripts (Cyrillic `а`),
 * leetspeak (`b4d`), repeated letters (`baaad`), accents added or removed (`bád`), words inside
 * longer ones (on purpose: whole words only), and words of scripts written without spaces.
 */
export class WordMatcher {
  readonly #words: Set<string>;

  constructor(words: readonly string[]) {
    this.#words = new Set(words.map(normalizeWord));
  }

  /** The spans of listed words in `text`, in order of their start. */
  find(text: string): Span[] {
    const plain = !INVISIBLE.test(text) && text.normalize('NFKC') === text;
    const tokens = plain ? plainTokens(text) : normalisedTokens(text);
    const found: Span[] = [];
    // A run of one-letter words with one separator between each (`b.a.d`), checked as one word.
    let run = '';
    let runStart = 0;
    let runEnd = 0;
    const closeRun = () => {
      if (run.length > 1 && this.#words.has(run)) found.push([runStart, runEnd]);
      run = '';
    };
    for (const token of tokens) {
      if (this.#words.has(token.word)) found.push([token.start, token.end]);
      if ([...token.word].length !== 1) {
        closeRun();
        continue;
      }
      if (run && !SPELLING_SEPARATOR.test(text.slice(runEnd, token.start).replace(INVISIBLES, ''))) closeRun();
      if (!run) runStart = token.start;
      run += token.word;
      runEnd = token.end;
    }
    closeRun();
    return found.sort((a, b) => a[0] - b[0]);
  }
}

function plainTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(PLAIN_WORD)) {
    tokens.push({ start: match.index, end: match.index + match[0].length, word: match[0].toLowerCase() });
  }
  return tokens;
}

/** Character by character (with its marks): each normalised alone, so a span in the original is known for every word. */
function normalisedTokens(text: string): Token[] {
  const tokens: Token[] = [];
  let current: Token | undefined;
  for (const match of text.matchAll(CLUSTER)) {
    const cluster = match[0];
    if (INVISIBLE.test(cluster[0]!)) continue;
    const normal = normalizeWord(cluster);
    if (WORDLIKE.test(normal)) {
      if (current) {
        current.word += normal;
        current.end = match.index + cluster.length;
      } else {
        current = { start: match.index, end: match.index + cluster.length, word: normal };
      }
    } else if (current) {
      tokens.push(current);
      current = undefined;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

/** `text` with each span replaced by as many asterisks as it has characters. */
export function mask(text: string, spans: readonly Span[]): string {
  let out = '';
  let pos = 0;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0] || b[1] - a[1])) {
    if (start < pos) continue; // a spelled-out word overlaps a one-letter word it contains
    out += text.slice(pos, start) + '*'.repeat([...text.slice(start, end)].length);
    pos = end;
  }
  return out + text.slice(pos);
}
