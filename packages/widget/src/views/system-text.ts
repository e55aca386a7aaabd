import type { ChatMessage, ModerationEntry } from '@roomchat/sdk';
import { formatDuration } from '../moderation-rules.js';
import type { ChatStrings } from '../strings/index.js';
import { SYSTEM_NAMES_SHOWN, systemRun } from '../timeline.js';

/** List formatters by locale: building one costs more than formatting with it. */
const listFormats = new Map<string, { names: Intl.ListFormat; phrases: Intl.ListFormat }>();

/** "Ann, Bo and 3 others joined, Cy left": a run of joins and leaves in one line. */
export function systemText(messages: readonly ChatMessage[], s: ChatStrings, lang: string | undefined): string {
  const locale = lang ?? 'en';
  let formats = listFormats.get(locale);
  if (!formats) {
    formats = { names: new Intl.ListFormat(locale, { type: 'conjunction' }), phrases: new Intl.ListFormat(locale, { type: 'unit', style: 'short' }) };
    listFormats.set(locale, formats);
  }
  const list = formats;
  const phrases = systemRun(messages).map(({ kind, names }) => {
    const shown = names.length > SYSTEM_NAMES_SHOWN ? [...names.slice(0, SYSTEM_NAMES_SHOWN - 1), s.others(names.length - SYSTEM_NAMES_SHOWN + 1)] : names;
    const text = list.names.format(shown);
    return kind === 'join' ? s.joined(text, names.length) : s.left(text, names.length);
  });
  return list.phrases.format(phrases);
}

/** A moderation entry as a line of the log: "Ann muted Bo for 1 hour", "Ann locked the room". `name` finds a member's name by id. */
export function moderationText(entry: ModerationEntry, s: ChatStrings, name: (id: string | undefined) => string): string {
  const m = s.mod;
  const by = entry.author;
  const who = name(entry.target);
  switch (entry.action) {
    case 'kick':
      return m.didKick(by, who);
    case 'ban':
      return m.didBan(by, who);
    case 'unban':
      return m.didUnban(by, who);
    case 'mute': {
      const seconds = entry.until ? (Date.parse(entry.until) - Date.parse(entry.createdAt)) / 1000 : 0;
      return m.didMute(by, who, formatDuration(m, seconds));
    }
    case 'unmute':
      return m.didUnmute(by, who);
    case 'role':
      return entry.role === 'owner' ? m.didMakeOwner(by, who) : entry.role === 'moderator' ? m.didPromote(by, who) : m.didDemote(by, who);
    case 'lock':
      return m.didLock(by);
    case 'unlock':
      return m.didUnlock(by);
    case 'slow-mode':
      return entry.seconds ? m.didSlowMode(by, formatDuration(m, entry.seconds)) : m.didSlowModeOff(by);
    case 'code-rotated':
      return m.didRotate(by);
    case 'close':
      return m.didClose(by);
    case 'hide':
      return m.didHide;
    case 'unhide':
      return m.didUnhide(by);
  }
}
