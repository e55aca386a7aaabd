import { normalizeWord } from './settings.js';

/** A character and the combining marks that follow it: normalised together, as NFKC composes them. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;
const WORDLIKE = /^[\p{L}\p{N}\p{M}]+$/u;
/** Format characters (zero-width spaces and joiners, soft hyphens, bidi marks) are invisible: skipped, so they cannot split a word. */
const INVISIBLE = /^\p{Cf}/u;
/** A separator that may sit between the letters of a spelled-out word: `b.a.d`, `b a d`, `b-a-d`, `b_a_d`, `b*a*d`. */
const SPELLING_SEPARATOR = /^[.\-_* ]$/;

/** Where a listed word is in a text: [start, end) in UTF-16 units of the original text. */
export type Span = [number, number];

/**
 * The blocked words of an app, compiled once: a set of normalised words, against which each word
 * of a message is looked up. One pass over the text (each character normalised once, each word
 * hashed once), so the cost is linear in the text and does not grow with the list; no regular
 * expression is built from the list, so nothing can backtrack.
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

  /** The spans of listed words in `text`, in order. */
  find(text: string): Span[] {
    const found: Span[] = [];
    let word = '';
    let start = -1;
    let end = -1;
    // A run of one-letter words with one separator between each: `b.a.d`.
    let spelled = '';
    let spelledStart = -1;
    let spelledEnd = -1;
    let lastSeparator = false;
    const closeSpelled = () => {
      if (spelled.length > 1 && [...spelled].length > 1 && this.#words.has(spelled)) found.push([spelledStart, spelledEnd]);
      spelled = '';
    };
    const closeWord = () => {
      if (start < 0) return;
      if (this.#words.has(word)) found.push([start, end]);
      if ([...word].length === 1 && (spelled === '' || lastSeparator)) {
        if (spelled === '') spelledStart = start;
        spelled += word;
        spelledEnd = end;
      } else {
        closeSpelled();
      }
      word = '';
      start = -1;
      lastSeparator = false;
    };
    for (const match of text.matchAll(CLUSTER)) {
      const cluster = match[0];
      const at = match.index;
      if (INVISIBLE.test(cluster)) continue;
      const normal = cluster.length === 1 && cluster.charCodeAt(0) < 0x80 ? cluster.toLowerCase() : normalizeWord(cluster);
      if (WORDLIKE.test(normal)) {
        if (start < 0) start = at;
        word += normal;
        end = at + cluster.length;
        continue;
      }
      const wasWord = start >= 0;
      closeWord();
      if (wasWord && spelled !== '' && SPELLING_SEPARATOR.test(cluster)) lastSeparator = true;
      else closeSpelled();
    }
    closeWord();
    closeSpelled();
    return found;
  }
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
