// The widget's text: one file a language, picked by `lang` and overridden by `strings`.
import { en } from './en.js';
import { fr } from './fr.js';
import type { ChatStrings } from './types.js';

export { en, fr, type ChatStrings };

/** The built-in tables, by primary language subtag. */
export const builtInStrings: Readonly<Record<string, ChatStrings>> = { en, fr };

/**
 * The table for a BCP 47 tag (`fr-CA` falls back to `fr`, unknown tags to English), with `overrides`
 * applied on top; `errors` entries are merged one by one.
 */
export function resolveStrings(lang: string | undefined, overrides?: Partial<ChatStrings>): ChatStrings {
  const primary = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  const base = builtInStrings[primary] ?? en;
  if (!overrides) return base;
  return { ...base, ...overrides, errors: { ...base.errors, ...overrides.errors } };
}

/** The `strings` attribute: a JSON object of overrides; anything else is ignored. */
export function parseStringsAttribute(value: string | null): Partial<ChatStrings> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Partial<ChatStrings>) : undefined;
  } catch {
    return undefined;
  }
}
