import { LinkifyIt } from 'linkify-it';

/**
 * A piece of a message's text as a bubble shows it. Text stays text: the renderer binds every
 * string as a text node, so nothing here is ever parsed as HTML. See docs/decisions/0005.
 */
export type TextNode =
  | { type: 'text'; text: string }
  | { type: 'link'; text: string; href: string }
  | { type: 'mention'; text: string; self: boolean }
  | { type: 'code'; text: string }
  | { type: 'codeblock'; text: string }
  | { type: 'bold' | 'italic'; children: TextNode[] };

/** A member named in a message (`ChatMessage.mentions`), and whether it is the visitor. */
export interface MentionName {
  name: string;
  self: boolean;
}

/** The only schemes a link may have: a `javascript:` or `data:` URL must never become an anchor. */
export const LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];
const FENCE = '```';
const OPAQUE = '\uFFFC';
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;

let linkify: LinkifyIt | undefined;
/** Built on first use: compiling its expressions costs a few milliseconds. */
function linker(): LinkifyIt {
  // Bare domains (example.com) too, as chat users expect; no `ftp:` and no scheme-relative `//`.
  linkify ??= new LinkifyIt({ fuzzyLink: true }).add('ftp:', null).add('//', null);
  return linkify;
}

/** The normalised URL (IDNs in punycode, scheme lower-cased), or undefined unless its scheme is allowed. */
export function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return LINK_SCHEMES.includes(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a message's text: ```fenced``` code blocks, `inline code`, links, `@name` mentions of
 * the given members, and *bold* / _italic_ (doubled markers too, `**x**`, `__x__`). Markers work
 * within one line, not inside code, links or mentions, and stay literal when unbalanced. Linear
 * in the text's length but for a log factor: a message full of markers cannot stall a render.
 */
export function parseMessageText(text: string, mentions: readonly MentionName[] = []): TextNode[] {
  const out: TextNode[] = [];
  let pos = 0;
  let from = 0;
  for (let open = text.indexOf(FENCE); open >= 0; open = text.indexOf(FENCE, from)) {
    const close = text.indexOf(FENCE, open + FENCE.length);
    if (close < 0) break;
    // The newlines just inside the fences belong to the fences, as in Slack and Discord.
    const code = text.slice(open + FENCE.length, close).replace(/^\n/, '').replace(/\n$/, '');
    // An empty block (a run of backticks) stays text; the closing fence may open the next block.
    from = code.trim() ? close + FENCE.length : open + FENCE.length;
    if (!code.trim()) continue;
    inline(text.slice(pos, open), mentions, out);
    out.push({ type: 'codeblock', text: code });
    pos = from;
  }
  inline(text.slice(pos), mentions, out);
  return merge(out);
}

/** Text outside code blocks, line by line (code spans and markers never cross a line). */
function inline(text: string, mentions: readonly MentionName[], out: TextNode[]): void {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) out.push({ type: 'text', text: '\n' });
    if (line) formatLine(atoms(line, mentions), out);
  });
}

/** A line as text and opaque pieces (code, links, mentions), which formatting does not look into. */
type Atom = string | TextNode;

function atoms(line: string, mentions: readonly MentionName[]): Atom[] {
  const result: Atom[] = [];
  let pos = 0;
  while (pos < line.length) {
    const open = line.indexOf('`', pos);
    // `` (nothing between) is two literal backticks; an unclosed one is literal, and so is the
    // rest of the line's, since a later one would have closed it.
    const close = open < 0 ? -1 : line.indexOf('`', open + 1);
    if (close < 0) break;
    if (close === open + 1) {
      plain(line.slice(pos, close + 1), mentions, result);
    } else {
      plain(line.slice(pos, open), mentions, result);
      result.push({ type: 'code', text: line.slice(open + 1, close) });
    }
    pos = close + 1;
  }
  plain(line.slice(pos), mentions, result);
  return result;
}

/** Finds links, then mentions in what is left. */
function plain(text: string, mentions: readonly MentionName[], out: Atom[]): void {
  if (!text) return;
  let pos = 0;
  const links = linker().match(text) ?? [];
  for (const link of links) {
    let { text: shown, url, lastIndex } = link;
    // `*see https://example.com*`: URLs may end in * or _, but here the marker closes the span.
    const marker = /(\*{1,2}|_{1,2})$/.exec(shown)?.[1];
    if (marker && text.slice(pos, link.index).includes(marker)) {
      shown = shown.slice(0, -marker.length);
      url = url.slice(0, -marker.length);
      lastIndex -= marker.length;
    }
    const href = safeHref(url);
    if (!href) continue;
    withMentions(text.slice(pos, link.index), mentions, out);
    out.push({ type: 'link', text: shown, href });
    pos = lastIndex;
  }
  withMentions(text.slice(pos), mentions, out);
}

/** `@name` of a mentioned member, not followed by a letter or digit (the server's rule), longest name first. */
function withMentions(text: string, mentions: readonly MentionName[], out: Atom[]): void {
  if (!text) return;
  if (!mentions.length || !text.includes('@')) {
    out.push(text);
    return;
  }
  const names = [...mentions].sort((a, b) => b.name.length - a.name.length);
  let pos = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at < pos) continue;
    const found = names.find((m) => {
      const end = at + 1 + m.name.length;
      return text.slice(at + 1, end).toLowerCase() === m.name.toLowerCase() && !WORD.test(text[end] ?? '');
    });
    if (!found) continue;
    if (at > pos) out.push(text.slice(pos, at));
    const end = at + 1 + found.name.length;
    out.push({ type: 'mention', text: text.slice(at, end), self: found.self });
    pos = end;
  }
  if (pos < text.length) out.push(text.slice(pos));
}

/** A run of one or two `*` or `_`, and whether it can open or close a span. */
interface Run {
  start: number;
  end: number;
  key: string;
  open: boolean;
  close: boolean;
}

/**
 * Bold and italic over a line's atoms. The line is flattened to a string in which each opaque atom
 * is one placeholder character; a run opens where it follows a non-word character and precedes a
 * non-space, and closes the other way round (so snake_case and 2*3*4 stay as typed).
 */
function formatLine(line: Atom[], out: TextNode[]): void {
  let flat = '';
  const opaque = new Map<number, TextNode>();
  for (const atom of line) {
    if (typeof atom === 'string') flat += atom;
    else {
      opaque.set(flat.length, atom);
      flat += OPAQUE;
    }
  }
  const runs: Run[] = [];
  for (let i = 0; i < flat.length; ) {
    const ch = flat[i]!;
    if ((ch !== '*' && ch !== '_') || opaque.has(i)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (flat[end] === ch && !opaque.has(end)) end++;
    const before = flat[i - 1] ?? ' ';
    const after = flat[end] ?? ' ';
    const usable = end - i <= 2;
    runs.push({
      start: i,
      end,
      key: flat.slice(i, end),
      open: usable && !SPACE.test(after) && (i === 0 || !WORD.test(before)),
      close: usable && !SPACE.test(before) && (end === flat.length || !WORD.test(after)),
    });
    i = end;
  }
  // Each kind of run's closers in order, so that finding an opener's closer is a binary search.
  const closers = new Map<string, number[]>();
  runs.forEach((run, index) => {
    if (!run.close) return;
    const list = closers.get(run.key);
    if (list) list.push(index);
    else closers.set(run.key, [index]);
  });
  const piece = (from: number, to: number, into: TextNode[]) => {
    let start = from;
    for (let i = from; i < to; i++) {
      const node = opaque.get(i);
      if (!node) continue;
      if (i > start) into.push({ type: 'text', text: flat.slice(start, i) });
      into.push(node);
      start = i + 1;
    }
    if (to > start) into.push({ type: 'text', text: flat.slice(start, to) });
  };
  const span = (first: number, last: number, from: number, to: number, inside: ReadonlySet<string>, into: TextNode[]) => {
    let pos = from;
    for (let r = first; r < last; r++) {
      const run = runs[r]!;
      const kind = run.key[0] === '*' ? 'bold' : 'italic';
      if (!run.open || inside.has(kind)) continue;
      const closer = firstAfter(closers.get(run.key) ?? [], r, last, (c) => runs[c]!.start > run.end);
      if (closer < 0) continue;
      piece(pos, run.start, into);
      const children: TextNode[] = [];
      span(r + 1, closer, run.end, runs[closer]!.start, new Set([...inside, kind]), children);
      into.push({ type: kind, children: merge(children) });
      pos = runs[closer]!.end;
      r = closer;
    }
    piece(pos, to, into);
  };
  span(0, runs.length, 0, flat.length, new Set(), out);
}

/** The first index in sorted `list` above `after` and below `before` that passes `ok`, or -1. */
function firstAfter(list: number[], after: number, before: number, ok: (index: number) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  // Only the first candidate can fail `ok` (it is adjacent to the opener); the next one cannot.
  for (let i = lo; i < list.length && list[i]! < before; i++) if (ok(list[i]!)) return list[i]!;
  return -1;
}

/** Joins neighbouring text nodes. */
function merge(nodes: TextNode[]): TextNode[] {
  const merged: TextNode[] = [];
  for (const node of nodes) {
    const last = merged.at(-1);
    if (node.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + node.text };
    else if (node.type !== 'text' || node.text) merged.push(node);
  }
  return merged;
}
