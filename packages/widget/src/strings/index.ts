// The widget's text: one file a language. English is bundled (the fallback, and the base every
// other table spreads); the others are loaded on demand, so a page downloads one language only
// (docs/performance.md#bundle-size measures it).
import { en } from './en.js';
import type { ChatStrings } from './types.js';

export { en, type ChatStrings };
export type { ModerationStrings } from './moderation-types.js';
export { plural, type PluralForms } from './plural.js';

const loaders: Record<string, () => Promise<ChatStrings>> = {
  fr: () => import('./fr.js').then((m) => m.fr),
  es: () => import('./es.js').then((m) => m.es),
  de: () => import('./de.js').then((m) => m.de),
  'pt-BR': () => import('./pt-BR.js').then((m) => m.ptBR),
  ja: () => import('./ja.js').then((m) => m.ja),
  ar: () => import('./ar.js').then((m) => m.ar),
};

/** The built-in languages, as the tags `pickLanguage` returns. */
export const languages: readonly string[] = ['en', ...Object.keys(loaders)];

/** Languages written right to left, by primary subtag. */
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

/** Whether `lang` is written right to left. */
export function isRtl(lang: string): boolean {
  return RTL.has(lang.toLowerCase().split('-')[0] ?? '');
}

/**
 * The built-in language for the first of `tags` (BCP 47, most wanted first) that has one, else
 * English. A tag matches exactly (case aside), else by its primary subtag: `es-MX` → `es`,
 * `de-AT` → `de`, `pt` and `pt-PT` → `pt-BR`, the one Portuguese there is.
 */
export function pickLanguage(tags: Iterable<string | null | undefined>): string {
  for (const tag of tags) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    const exact = languages.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const primary = lower.split('-')[0];
    const byPrimary = languages.find((l) => l.toLowerCase().split('-')[0] === primary);
    if (byPrimary) return byPrimary;
  }
  return 'en';
}

const loaded = new Map<string, ChatStrings>([['en', en]]);

/** The table of a built-in language if it is loaded already (English always is). */
export function loadedStrings(lang: string): ChatStrings | undefined {
  return loaded.get(lang);
}

/** Loads the table of a built-in language (see `languages`); unknown ones give English. */
export async function loadStrings(lang: string): Promise<ChatStrings> {
  const table = loaded.get(lang) ?? (await loaders[lang]?.()) ?? en;
  loaded.set(lang, table);
  return table;
}

/** `base` with `overrides` applied on top; `errors` and `mod` entries are merged one by one. */
export function withOverrides(base: ChatStrings, overrides?: Partial<ChatStrings>): ChatStrings {
  if (!overrides) return base;
  return { ...base, ...overrides, errors: { ...base.errors, ...overrides.errors }, mod: { ...base.mod, ...overrides.mod } };
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
