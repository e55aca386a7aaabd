import { z } from 'zod';
import {
  DEFAULT_LIMITS,
  ErrorCode,
  ROOM_TITLE_MAX_LENGTH,
  type MessageDeletePayload,
  type MessageEditPayload,
  type MessageHistoryPayload,
  type MessageSearchPayload,
  type MessageSendPayload,
  type ReactionPayload,
  type ReadMarkPayload,
  type RoomCreatePayload,
  type RoomJoinPayload,
  type RoomOpenPayload,
  ROOM_KEY_MAX_LENGTH,
  ROOM_KEY_PATTERN,
  DIRECT_KEY_PREFIX,
  type DirectOpenPayload,
  type DirectMemberPayload,
  type RoomListPayload,
  ROOM_LIST_MEMBER_IDS_MAX,
  type RoomLeavePayload,
  type AuthRefreshPayload,
  type TypingPayload,
  MODERATION_REASON_MAX_LENGTH,
  type ModerationRequest,
  type ReportCreatePayload,
  type ReportDecidePayload,
  type ReportListPayload,
  type RoomModeratePayload,
} from '@roomchat/protocol';
import { isReservedMemberId, RESERVED_SUB_PREFIX } from './auth/members.js';
import type { ChatServerConfig } from './config.js';
import { ChatError } from './errors.js';
import { MAX_RETENTION_DAYS } from './retention.js';

/**
 * Characters that let a name display as something it is not, or as nothing: controls, format
 * characters (zero-width spaces and joiners, the bidi marks of "Trojan Source", CVE-2021-42574,
 * soft hyphens, tags), line separators, and the blanks that render empty (Hangul fillers, braille
 * blank, combining grapheme joiner). A zero-width joiner is allowed between two emoji, where it
 * builds one (👩‍💻): anywhere else it hides a difference between two names.
 */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: the class lists blank code points one by one on purpose (U+1160 is a combining filler).
const FORBIDDEN_IN_NAMES = /[\p{Cc}\p{Zl}\p{Zp}\u034F\u115F\u1160\u2800\u3164\uFFA0]|(?!(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic}))\p{Cf}/u;
/** A name must show something: a letter, digit, symbol or punctuation mark. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
/** Control characters other than tab and newlines have no place in a chat message. */
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The most users one REST request may add to a private room (or create it with). */
export const ROOM_USERS_PER_REQUEST = 100;

const codePoints = (s: string) => [...s].length;
/** Lone surrogates become U+FFFD, as every UTF-8 encoder (and so the database) would store them. */
const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();
const hasTextXorImage = (p: { text?: string | undefined; imageId?: string | undefined }) =>
  (p.text === undefined) !== (p.imageId === undefined);

/** Which error code a failed field maps to; anything else is INVALID_PAYLOAD. */
const FIELD_CODES: Record<string, ErrorCode> = {
  name: ErrorCode.NAME_INVALID,
};
const TEXT_TOO_LONG = 'MESSAGE_TOO_LONG';
const TEXT_EMPTY = 'MESSAGE_EMPTY';

/** The schemas of every inbound payload, built from the configured limits. */
export function createSchemas(config: ChatServerConfig) {
  const id = z.string().min(1).max(DEFAULT_LIMITS.clientIdMaxLength).regex(/^[\w.:-]+$/, 'Use letters, digits and _ . : -');
  // Codes are normalised and looked up later; a malformed one gets ROOM_NOT_FOUND like any other
  // unknown code, so the schema only bounds its size.
  const code = z.string().max(64);
  const name = z
    .string()
    // One spelling of each name (NFC), one space between words, and lone surrogates (which no
    // encoder keeps) as U+FFFD, so what is stored is what was checked and what the ack shows.
    .transform((s) => wellFormed(s).normalize('NFC').replace(/\s+/gu, ' ').trim())
    .pipe(z.string().min(1, 'Pick a name'))
    .refine((s) => codePoints(s) <= config.nameMaxLength, `Names are at most ${config.nameMaxLength} characters`)
    .refine((s) => !FORBIDDEN_IN_NAMES.test(s), 'Names cannot contain control, invisible or text-direction characters')
    .refine((s) => VISIBLE.test(s), 'Names need at least one letter, digit or symbol');
  const text = z
    .string()
    .transform(wellFormed)
    .refine((s) => codePoints(s) <= config.messageMaxLength, { message: `Messages are at most ${config.messageMaxLength} characters`, params: { code: TEXT_TOO_LONG } })
    .refine((s) => s.trim().length > 0, { message: 'The message is empty', params: { code: TEXT_EMPTY } })
    .refine((s) => !FORBIDDEN_IN_TEXT.test(s), 'Messages cannot contain control characters');
  const roomKey = z
    .string()
    .min(1, 'A room key is not empty')
    .max(ROOM_KEY_MAX_LENGTH, `A room key is at most ${ROOM_KEY_MAX_LENGTH} characters`)
    .regex(ROOM_KEY_PATTERN, 'A room key holds letters, digits and . _ - : @ only, and starts with a letter or digit')
    // Direct rooms' keys are made by the server (chat/conversations.ts): a key of the site's that
    // looked like one could pre-empt two users' direct room as an open room.
    .refine((k) => !k.startsWith(DIRECT_KEY_PREFIX), `Room keys starting with "${DIRECT_KEY_PREFIX}" are the server's, for direct conversations`);
  // A user is the `sub` its host signs (auth/tokens.ts allows 1 to 255 characters).
  // Subs starting with RESERVED_SUB_PREFIX name guests in direct conversations (auth/members.ts).
  const userId = z
    .string()
    .min(1)
    .max(255)
    .refine((u) => !u.startsWith(RESERVED_SUB_PREFIX), `User ids starting with "${RESERVED_SUB_PREFIX}" are the server's`);
  // A verified user's name comes from its token, so only guests must give one (realtime/connection.ts).
  // A guest's private member id: never one of the ids the server derives for users and bots.
  const guestMemberId = id.refine((m) => !isReservedMemberId(m), 'Member ids starting with "user:" or "bot:" are the server\'s');
  const join = { name: name.optional(), memberId: guestMemberId.optional() };
  // A room's title, cleaned like a name (one spelling, single spaces, nothing invisible).
  const title = z
    .string()
    .transform((s) => wellFormed(s).normalize('NFC').replace(/\s+/gu, ' ').trim())
    .pipe(z.string().min(1, 'A title has at least one character'))
    .refine((s) => codePoints(s) <= ROOM_TITLE_MAX_LENGTH, `Titles are at most ${ROOM_TITLE_MAX_LENGTH} characters`)
    .refine((s) => !FORBIDDEN_IN_NAMES.test(s), 'Titles cannot contain control, invisible or text-direction characters');
  // Message ids are the server's row ids: decimal, as strings.
  const messageId = z.string().regex(/^\d{1,18}$/, 'Not a message id');
  const emoji = z
    .string()
    .transform((s) => wellFormed(s).normalize('NFC'))
    .refine((s) => codePoints(s) >= 1 && codePoints(s) <= config.reactionMaxLength, `A reaction is 1 to ${config.reactionMaxLength} characters`)
    .refine((s) => !/[\s\p{Cc}]/u.test(s) && /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u.test(s), 'A reaction is an emoji');

  // A moderator's or reporter's reason: cleaned like a message, shorter.
  const reason = z
    .string()
    .transform((s) => wellFormed(s).normalize('NFC').trim())
    .refine((s) => codePoints(s) <= MODERATION_REASON_MAX_LENGTH, `A reason is at most ${MODERATION_REASON_MAX_LENGTH} characters`)
    .refine((s) => !FORBIDDEN_IN_TEXT.test(s), 'A reason cannot contain control characters');
  const memberId = z.string().min(1).max(64).regex(/^[\w:-]+$/, 'Not a member id');
  const duration = z.number().int().min(1000, 'At least 1000 ms').max(config.moderationMaxDurationMs, `At most ${config.moderationMaxDurationMs} ms`);
  const byMemberOrUser = (p: { memberId?: string | undefined; userId?: string | undefined }) => (p.memberId === undefined) !== (p.userId === undefined);
  const oneOf = 'Name the member by memberId or userId, one of them';
  const actions = {
    kick: z.strictObject({ action: z.literal('kick'), memberId, reason: reason.optional() }),
    ban: z.strictObject({ action: z.literal('ban'), memberId: memberId.optional(), userId: userId.optional(), reason: reason.optional(), durationMs: duration.optional() }),
    unban: z.strictObject({ action: z.literal('unban'), memberId: memberId.optional(), userId: userId.optional() }),
    mute: z.strictObject({ action: z.literal('mute'), memberId, durationMs: duration, reason: reason.optional() }),
    unmute: z.strictObject({ action: z.literal('unmute'), memberId }),
    role: z.strictObject({ action: z.literal('role'), memberId, role: z.enum(['owner', 'moderator', 'member']) }),
    lock: z.strictObject({ action: z.literal('lock'), locked: z.boolean() }),
    'slow-mode': z.strictObject({ action: z.literal('slow-mode'), seconds: z.number().int().min(0).max(config.slowModeMaxSeconds, `At most ${config.slowModeMaxSeconds} s`) }),
    'rotate-code': z.strictObject({ action: z.literal('rotate-code') }),
    close: z.strictObject({ action: z.literal('close'), reason: reason.optional() }),
  };
  const moderation = z
    .discriminatedUnion('action', Object.values(actions) as unknown as [typeof actions.kick, ...Array<(typeof actions)[keyof typeof actions]>])
    .refine((p) => (p.action !== 'ban' && p.action !== 'unban') || byMemberOrUser(p as { memberId?: string; userId?: string }), oneOf) as unknown as z.ZodType<ModerationRequest>;

  return {
    /** A moderation action (REST body, app secret). */
    moderation,
    /** A moderation action over a socket: the same, with the room's code. */
    roomModerate: z.object({ code }).passthrough().transform((p, ctx): RoomModeratePayload => {
      const { code: c, ...rest } = p as { code: string } & Record<string, unknown>;
      const parsed = moderation.safeParse(rest);
      if (parsed.success) return { code: c, ...parsed.data };
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: issue?.message ?? 'Invalid moderation action', path: issue?.path ?? [] });
      return z.NEVER;
    }),
    reportCreate: z.object({ code, id: messageId, reason: reason.pipe(z.string().min(1, 'Give a reason')) }) satisfies z.ZodType<ReportCreatePayload>,
    reportList: z.object({ code }) satisfies z.ZodType<ReportListPayload>,
    reportDecide: z.object({ code, id: messageId, decision: z.enum(['keep', 'remove']) }) satisfies z.ZodType<ReportDecidePayload>,
    /** REST, app secret: the owner of an app room (a user of the app, by `sub`). */
    roomOwner: z.strictObject({ userId }),
    /** REST, app secret: a report decision. */
    reportDecision: z.strictObject({ decision: z.enum(['keep', 'remove']) }),
    /** REST, app secret: a page of the audit trail (older than `before`, an entry id), of one room or all. */
    auditQuery: z.object({ before: z.coerce.number().int().positive().optional(), room: code.optional() }),
    roomCreate: z.object({ ...join, title: title.optional() }) satisfies z.ZodType<RoomCreatePayload>,
    /** REST: create a room, with a title or none. */
    restRoomCreate: z.object({ title: title.optional() }),
    roomJoin: z.object({ code, ...join }) satisfies z.ZodType<RoomJoinPayload>,
    roomOpen: z.object({ key: roomKey, ...join }) satisfies z.ZodType<RoomOpenPayload>,
    directOpen: z.object({ userId, memberId: guestMemberId.optional() }) satisfies z.ZodType<DirectOpenPayload>,
    directMember: z.object({ code, member: id }) satisfies z.ZodType<DirectMemberPayload>,
    roomList: z.object({ memberIds: z.array(guestMemberId).max(ROOM_LIST_MEMBER_IDS_MAX, `At most ${ROOM_LIST_MEMBER_IDS_MAX} member ids`).optional() }) satisfies z.ZodType<RoomListPayload>,
    roomLeave: z.object({ code }) satisfies z.ZodType<RoomLeavePayload>,
    authRefresh: z.object({ token: z.string().min(1).max(8192) }) satisfies z.ZodType<AuthRefreshPayload>,
    messageSend: z
      .object({ code, clientId: id, text: text.optional(), imageId: id.optional(), replyTo: messageId.optional() })
      .refine(hasTextXorImage, 'Send either text or imageId') satisfies z.ZodType<Partial<MessageSendPayload>>,
    messageEdit: z.object({ code, id: messageId, text }) satisfies z.ZodType<MessageEditPayload>,
    messageDelete: z.object({ code, id: messageId }) satisfies z.ZodType<MessageDeletePayload>,
    reaction: z.object({ code, id: messageId, emoji }) satisfies z.ZodType<ReactionPayload>,
    typing: z.object({ code }) satisfies z.ZodType<TypingPayload>,
    readMark: z.object({ code, seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }) satisfies z.ZodType<ReadMarkPayload>,
    messageHistory: z
      .object({
        code,
        before: z.number().int().positive().optional(),
        after: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(config.historyMaxPageSize).optional(),
      })
      .refine((p) => p.before === undefined || p.after === undefined, 'Page with before or after, not both') satisfies z.ZodType<MessageHistoryPayload>,
    messageSearch: z.object({
      code,
      query: z.string().max(config.searchQueryMaxLength, `Search queries are at most ${config.searchQueryMaxLength} characters`),
      before: z.number().int().positive().optional(),
    }) satisfies z.ZodType<MessageSearchPayload>,
    /** REST: search query string. */
    searchQuery: z.object({
      q: z.string().max(config.searchQueryMaxLength, `Search queries are at most ${config.searchQueryMaxLength} characters`),
      before: z.coerce.number().int().positive().optional(),
    }),
    /** REST: post a message without a socket, naming the author. */
    restMessage: z
      .object({ name, clientId: id.optional(), text: text.optional(), imageId: id.optional(), replyTo: messageId.optional() })
      .refine(hasTextXorImage, 'Send either text or imageId'),
    /** REST, app secret: a room by key, open or private with its users. */
    appRoom: z.strictObject({
      private: z.boolean().optional(),
      members: z.array(userId).max(ROOM_USERS_PER_REQUEST, `At most ${ROOM_USERS_PER_REQUEST} users at once`).optional(),
    }),
    /** REST, app secret: users to add to a private room. */
    roomUsers: z.strictObject({ users: z.array(userId).min(1, 'Name at least one user').max(ROOM_USERS_PER_REQUEST, `At most ${ROOM_USERS_PER_REQUEST} users at once`) }),
    roomKey,
    /** REST, app secret: a room's own retention period in days (0: forever), or null to follow the app's. */
    roomRetention: z.strictObject({ days: z.number().int().min(0).max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (for longer, 0 keeps forever)`).nullable() }),
    /** REST, app secret: a user of the app, by its tokens' `sub`. */
    userId,
    /** REST, app secret: a member's public id (`authorId` on its entries). */
    memberId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'A member id is 1 to 32 letters, digits, - or _'),
    /** REST: history query string. */
    historyQuery: z
      .object({
        before: z.coerce.number().int().positive().optional(),
        after: z.coerce.number().int().nonnegative().optional(),
        limit: z.coerce.number().int().min(1).max(config.historyMaxPageSize).optional(),
      })
      .refine((p) => p.before === undefined || p.after === undefined, 'Page with before or after, not both'),
  };
}

export type Schemas = ReturnType<typeof createSchemas>;

/** Every key of a type, across the members of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never;
/**
 * Whether a schema takes exactly a protocol payload: the same fields, and every payload the
 * protocol's type allows has a type the schema accepts (its refinements aside). With `satisfies`
 * above (what the schema gives out is a payload), it holds the two together in both directions.
 */
type Mirrors<S extends z.ZodType, P> = [KeysOf<z.input<S>>] extends [KeysOf<P>]
  ? [KeysOf<P>] extends [KeysOf<z.input<S>>]
    ? [P] extends [z.input<S>]
      ? true
      : false
    : false
  : false;
type Holds<T extends true> = T;
/**
 * Compile-time proof that the schemas and @roomchat/protocol cannot drift apart: a field added to,
 * removed from or retyped on either side fails the build here.
 */
export type SchemasMirrorProtocol = [
  Holds<Mirrors<Schemas['roomCreate'], RoomCreatePayload>>,
  Holds<Mirrors<Schemas['roomJoin'], RoomJoinPayload>>,
  Holds<Mirrors<Schemas['roomOpen'], RoomOpenPayload>>,
  Holds<Mirrors<Schemas['directOpen'], DirectOpenPayload>>,
  Holds<Mirrors<Schemas['directMember'], DirectMemberPayload>>,
  Holds<Mirrors<Schemas['roomList'], RoomListPayload>>,
  Holds<Mirrors<Schemas['roomLeave'], RoomLeavePayload>>,
  Holds<Mirrors<Schemas['messageSend'], MessageSendPayload>>,
  Holds<Mirrors<Schemas['messageEdit'], MessageEditPayload>>,
  Holds<Mirrors<Schemas['messageDelete'], MessageDeletePayload>>,
  Holds<Mirrors<Schemas['reaction'], ReactionPayload>>,
  Holds<Mirrors<Schemas['typing'], TypingPayload>>,
  Holds<Mirrors<Schemas['readMark'], ReadMarkPayload>>,
  Holds<Mirrors<Schemas['messageHistory'], MessageHistoryPayload>>,
  Holds<Mirrors<Schemas['messageSearch'], MessageSearchPayload>>,
  Holds<Mirrors<Schemas['reportCreate'], ReportCreatePayload>>,
  Holds<Mirrors<Schemas['reportList'], ReportListPayload>>,
  Holds<Mirrors<Schemas['reportDecide'], ReportDecidePayload>>,
];

/**
 * Validates a payload, throwing a ChatError whose code names what was wrong: NAME_INVALID,
 * MESSAGE_TOO_LONG, MESSAGE_EMPTY, or INVALID_PAYLOAD for anything else.
 */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const custom = issue?.code === 'custom' ? (issue.params as { code?: ErrorCode } | undefined)?.code : undefined;
  const code = custom ?? FIELD_CODES[field] ?? ErrorCode.INVALID_PAYLOAD;
  const where = field && code === ErrorCode.INVALID_PAYLOAD ? ` (${issue?.path.join('.')})` : '';
  throw new ChatError(code, `${issue?.message ?? 'Invalid payload'}${where}`);
}
