import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatServerConfig } from '../config.js';

/** What a listed word does to a message: refuse it (MESSAGE_BLOCKED), or replace the word with asterisks. */
export type WordAction = 'block' | 'mask';
/** Who may post links: everyone, nobody, or verified members only (guests may not). */
export type LinkPolicy = 'allow' | 'deny' | 'verified';
/** What a failed hook (no answer in time, down, a garbage answer) means: the message passes, or it is refused. */
export type HookFailMode = 'open' | 'closed';

export const WORD_ACTIONS: readonly WordAction[] = ['block', 'mask'];
export const LINK_POLICIES: readonly LinkPolicy[] = ['allow', 'deny', 'verified'];
export const HOOK_FAIL_MODES: readonly HookFailMode[] = ['open', 'closed'];
/** How long the pre-publish hook has to answer unless the app says otherwise. */
export const HOOK_TIMEOUT_DEFAULT_MS = 2000;

/** An app's filters and pre-publish hook (docs/moderation.md): part of its settings, stored as JSON. */
export interface ModerationSettings {
  /** Words (one word each, stored normalised: NFKC, lower case) that block or mask a message. */
  blockedWords: string[];
  wordAction: WordAction;
  linkPolicy: LinkPolicy;
  /** Most members one message may mention; null: no cap. */
  mentionsMax: number | null;
  /** Where each new message and edit is POSTed before it is stored; null: no hook. */
  hookUrl: string | null;
  /** The HMAC key of the hook's `Roomchat-Signature` header; made by the server when a hook URL is first set. */
  hookSecret: string | null;
  hookTimeoutMs: number;
  hookFailMode: HookFailMode;
}

/** No filters, no hook: what an app has until it sets some. */
export const NO_MODERATION: ModerationSettings = {
  blockedWords: [],
  wordAction: 'block',
  linkPolicy: 'allow',
  mentionsMax: null,
  hookUrl: null,
  hookSecret: null,
  hookTimeoutMs: HOOK_TIMEOUT_DEFAULT_MS,
  hookFailMode: 'open',
};

/** The server's bounds on what an app may set (config.ts). */
export type ModerationLimits = Pick<ChatServerConfig, 'filterWordsMax' | 'filterWordMaxLength' | 'hookTimeoutMaxMs'>;

/** A word as the filters compare it: compatibility-normalised (fullwidth, ligatures, circled letters) and lower-cased. */
export function normalizeWord(word: string): string {
  return word.normalize('NFKC').toLowerCase();
}

/** One word: letters, digits and combining marks only, so it is compared with whole words of a message. */
const ONE_WORD = /^[\p{L}\p{N}\p{M}]+$/u;

/**
 * A change of an app's filter and hook settings, as the API (PATCH /v1/app/settings) and the CLI
 * (`apps update`) take it: each field optional, every list and size bounded by the server's limits,
 * so a huge word list is refused with a message that names the limit.
 */
export function moderationPatchSchema(limits: ModerationLimits) {
  const word = z
    .string()
    .transform((w) => normalizeWord(w.trim()))
    .refine((w) => w.length > 0, 'A blocked word is not empty')
    .refine((w) => [...w].length <= limits.filterWordMaxLength, `A blocked word is at most ${limits.filterWordMaxLength} characters (filterWordMaxLength)`)
    .refine((w) => ONE_WORD.test(w), 'A blocked word is one word: letters, digits and marks only (no spaces or punctuation)');
  return z.strictObject({
    blockedWords: z
      .array(z.string())
      // Counted before each word is checked, so a list of a million words costs one comparison.
      .max(limits.filterWordsMax, `At most ${limits.filterWordsMax} blocked words (filterWordsMax)`)
      .pipe(z.array(word))
      .transform((words) => [...new Set(words)])
      .optional(),
    wordAction: z.enum(WORD_ACTIONS as [WordAction, ...WordAction[]]).optional(),
    linkPolicy: z.enum(LINK_POLICIES as [LinkPolicy, ...LinkPolicy[]]).optional(),
    mentionsMax: z.number().int().min(0).max(1000).nullable().optional(),
    hookUrl: z
      .string()
      .max(2000)
      .refine((url) => /^https?:\/\//i.test(url) && URL.canParse(url), 'The hook URL is an http or https URL')
      .nullable()
      .optional(),
    hookTimeoutMs: z.number().int().min(1).max(limits.hookTimeoutMaxMs, `The hook timeout is at most ${limits.hookTimeoutMaxMs} ms (hookTimeoutMaxMs)`).optional(),
    hookFailMode: z.enum(HOOK_FAIL_MODES as [HookFailMode, ...HookFailMode[]]).optional(),
    /** true: a new hook secret (the old one stops verifying at once). */
    rotateHookSecret: z.literal(true).optional(),
  });
}
export type ModerationPatch = z.output<ReturnType<typeof moderationPatchSchema>>;

/** The settings after `patch`: a hook URL set for the first time (or a rotation) gets a new secret. */
export function applyModerationPatch(current: ModerationSettings, { rotateHookSecret, ...patch }: ModerationPatch): Partial<ModerationSettings> {
  const next: Partial<ModerationSettings> = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const url = patch.hookUrl === undefined ? current.hookUrl : patch.hookUrl;
  if (rotateHookSecret || (url && !current.hookSecret)) next.hookSecret = newHookSecret();
  return next;
}

/** A hook secret: 32 random bytes, base64url, prefixed so it is told apart from the app secret. */
export function newHookSecret(): string {
  return `hooksec_${randomBytes(32).toString('base64url')}`;
}

/** The settings without the hook secret, for listings and logs. */
export function withoutHookSecret<S extends ModerationSettings>(settings: S): S {
  return settings.hookSecret ? { ...settings, hookSecret: '(hidden)' } : settings;
}

/** Whether any filter or the hook is on: when none is, a message costs nothing more. */
export function moderates(s: ModerationSettings): boolean {
  return s.blockedWords.length > 0 || s.linkPolicy !== 'allow' || s.mentionsMax !== null || s.hookUrl !== null;
}
