import type { ChatMessage, ModerationEntry, PendingSend } from '@roomchat/sdk';

/** One of the visitor's sends on its way (the SDK's), with the local preview of a picked image. */
export interface PendingItem {
  send: PendingSend;
  /** A `blob:` URL of the picked image, made and revoked by the composer. */
  previewUrl?: string | undefined;
}

/** One row of the message list. */
export type TimelineRow =
  | { type: 'day'; key: string; date: Date }
  | { type: 'system'; key: string; messages: ChatMessage[] }
  | { type: 'moderation'; key: string; entry: ModerationEntry }
  | { type: 'message'; key: string; message: ChatMessage; own: boolean; startsGroup: boolean; color: number }
  | { type: 'pending'; key: string; item: PendingItem; startsGroup: boolean };

/**
 * Whether a stored message was sent by this visitor's member session (also from another tab, or
 * before a reload): by the author id the server set, which no other member can copy.
 */
export function isOwn(message: ChatMessage, memberId: string): boolean {
  return message.authorId === memberId;
}

/** Messages by the same author closer than this share one header (name, avatar). */
const GROUP_GAP_MS = 5 * 60_000;
/** How many author colours the stylesheet defines (`.c0` ... `.c7`). */
export const AUTHOR_COLORS = 8;

/**
 * Turns stored messages (oldest first) and the visitor's pending ones into the rows the list
 * shows: a day separator when the local date changes, one system line for each run of joins and
 * leaves, one line for each moderation entry (in its place by seq), and consecutive messages of
 * one author grouped under one header.
 */
export function buildTimeline(messages: readonly ChatMessage[], pending: readonly PendingItem[], memberId: string, moderation: readonly ModerationEntry[] = []): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastDay = '';
  let lastAuthor: string | undefined;
  let lastTime = 0;
  const day = (date: Date, key: string) => {
    const id = date.toDateString();
    if (id === lastDay) return;
    lastDay = id;
    lastAuthor = undefined;
    rows.push({ type: 'day', key: `day:${key}`, date });
  };

  let next = 0;
  const moderationBefore = (seq: number) => {
    for (; next < moderation.length && moderation[next]!.seq < seq; next++) {
      const entry = moderation[next]!;
      day(new Date(entry.createdAt), String(entry.seq));
      rows.push({ type: 'moderation', key: entry.id, entry });
      lastAuthor = undefined;
    }
  };
  for (const message of messages) {
    moderationBefore(message.seq);
    const date = new Date(message.createdAt);
    day(date, String(message.seq));
    if (message.kind === 'join' || message.kind === 'leave') {
      const last = rows.at(-1);
      // Keyed by the run's first line, so the row keeps its element as the run grows.
      if (last?.type === 'system') last.messages.push(message);
      else rows.push({ type: 'system', key: message.id, messages: [message] });
      lastAuthor = undefined;
      continue;
    }
    const own = isOwn(message, memberId);
    const author = (own ? '\u0000self' : '') + message.author;
    const startsGroup = author !== lastAuthor || date.getTime() - lastTime > GROUP_GAP_MS;
    rows.push({ type: 'message', key: message.id, message, own, startsGroup, color: colorIndex(message.author) });
    lastAuthor = author;
    lastTime = date.getTime();
  }

  moderationBefore(Infinity);
  let lastWasOwn = lastAuthor?.startsWith('\u0000self') ?? false;
  for (const item of pending) {
    day(new Date(item.send.queuedAt), item.send.clientId);
    rows.push({ type: 'pending', key: item.send.clientId, item, startsGroup: !lastWasOwn });
    lastWasOwn = true;
  }
  return rows;
}

/** A stable colour slot for a name, so each author keeps one colour in every client. */
export function colorIndex(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % AUTHOR_COLORS;
}

/** The first character of a name (a whole emoji or accented letter, not half of one), upper-cased. */
export function initial(name: string): string {
  const first = [...name.trim()][0] ?? '?';
  return first.toLocaleUpperCase();
}

/** Names shown in a collapsed join/leave line before "and N others". */
export const SYSTEM_NAMES_SHOWN = 3;

/**
 * A run of joins and leaves as who joined and who left, each name once, in the order of each
 * kind's first line; the kind that came first is told first.
 */
export function systemRun(messages: readonly ChatMessage[]): Array<{ kind: 'join' | 'leave'; names: string[] }> {
  // Members by id where the server gave one: two members may share a name.
  const groups = new Map<'join' | 'leave', Map<string, string>>();
  for (const m of messages) {
    const kind = m.kind === 'join' ? 'join' : 'leave';
    const names = groups.get(kind) ?? new Map<string, string>();
    names.set(m.authorId ?? m.author, m.author);
    groups.set(kind, names);
  }
  return [...groups].map(([kind, names]) => ({ kind, names: [...names.values()] }));
}
