import type { ChatMessage } from '@roomchat/sdk';
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
