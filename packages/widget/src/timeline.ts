import type { ChatMessage } from '@roomchat/sdk';
import { Outgoing, type OutgoingMessage } from './outgoing.js';

/** One row of the message list. */
export type TimelineRow =
  | { type: 'day'; key: string; date: Date }
  | { type: 'system'; key: string; message: ChatMessage }
  | { type: 'message'; key: string; message: ChatMessage; own: boolean; startsGroup: boolean; color: number }
  | { type: 'pending'; key: string; item: OutgoingMessage; startsGroup: boolean };

/** Messages by the same author closer than this share one header (name, avatar). */
const GROUP_GAP_MS = 5 * 60_000;
/** How many author colours the stylesheet defines (`.c0` ... `.c7`). */
export const AUTHOR_COLORS = 8;

/**
 * Turns stored messages (oldest first) and the visitor's pending ones into the rows the list
 * shows: a day separator when the local date changes, system lines for joins and leaves, and
 * consecutive messages of one author grouped under one header.
 */
export function buildTimeline(messages: readonly ChatMessage[], pending: readonly OutgoingMessage[], memberId: string): TimelineRow[] {
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

  for (const message of messages) {
    const date = new Date(message.createdAt);
    day(date, String(message.seq));
    if (message.kind === 'join' || message.kind === 'leave') {
      rows.push({ type: 'system', key: message.id, message });
      lastAuthor = undefined;
      continue;
    }
    const own = Outgoing.isOwn(message, memberId);
    const author = (own ? '\u0000self' : '') + message.author;
    const startsGroup = author !== lastAuthor || date.getTime() - lastTime > GROUP_GAP_MS;
    rows.push({ type: 'message', key: message.id, message, own, startsGroup, color: colorIndex(message.author) });
    lastAuthor = author;
    lastTime = date.getTime();
  }

  let lastWasOwn = lastAuthor?.startsWith('\u0000self') ?? false;
  for (const item of pending) {
    day(item.createdAt, item.clientId);
    rows.push({ type: 'pending', key: item.clientId, item, startsGroup: !lastWasOwn });
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
