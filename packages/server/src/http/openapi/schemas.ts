// The response schemas several resources share, typed against @roomchat/protocol so the document
// cannot drift from the types clients compile against. The named ones become components.
import { z } from 'zod';
import { ErrorCode, IMAGE_TYPES, type ChatMessage, type ErrorPayload, type HistoryPage, type ImageInfo, type Member, type ModerationEntry, type SearchPage } from '@roomchat/protocol';

export const role = z.enum(['owner', 'moderator', 'admin', 'member']);
export const member = z.strictObject({
  id: z.string(),
  name: z.string(),
  verified: z.literal(true).optional(),
  userId: z.string().optional(),
  avatarUrl: z.string().optional(),
  role: role.optional(),
}) satisfies z.ZodType<Member>;
export const imageInfo = z.strictObject({
  id: z.string(),
  mime: z.enum(IMAGE_TYPES),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  url: z.string(),
  thumbUrl: z.string(),
}) satisfies z.ZodType<ImageInfo>;
export const time = z.iso.datetime();
export const chatMessage = z.strictObject({
  id: z.string(),
  roomCode: z.string(),
  seq: z.number().int(),
  kind: z.enum(['text', 'image', 'join', 'leave']),
  author: z.string(),
  authorId: z.string().optional(),
  bot: z.literal(true).optional(),
  text: z.string().optional(),
  image: imageInfo.optional(),
  clientId: z.string().optional(),
  createdAt: time,
  version: z.number().int().optional(),
  editedAt: time.optional(),
  deletedAt: time.optional(),
  replyTo: z.strictObject({ id: z.string(), author: z.string(), excerpt: z.string().optional(), deleted: z.literal(true).optional() }).optional(),
  reactions: z.array(z.strictObject({ emoji: z.string(), count: z.number().int(), mine: z.boolean() })).optional(),
  mentions: z.array(z.string()).optional(),
  hidden: z.literal(true).optional(),
}) satisfies z.ZodType<ChatMessage>;
export const change = { id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time };
export const moderationEntry = z.strictObject({
  kind: z.literal('moderation'),
  id: z.string(),
  roomCode: z.string(),
  seq: z.number().int(),
  author: z.string(),
  authorId: z.string().optional(),
  action: z.enum(['kick', 'ban', 'unban', 'mute', 'unmute', 'role', 'lock', 'unlock', 'slow-mode', 'code-rotated', 'close', 'hide', 'unhide']),
  target: z.string().optional(),
  reason: z.string().optional(),
  until: time.optional(),
  seconds: z.number().int().optional(),
  role: role.optional(),
  code: z.string().optional(),
  message: chatMessage.optional(),
  createdAt: time,
}) satisfies z.ZodType<Omit<ModerationEntry, 'text' | 'image' | 'clientId'>>;
export const logEntry = z.union([
  moderationEntry,
  chatMessage,
  z.strictObject({ ...change, kind: z.literal('edit'), text: z.string().optional() }),
  z.strictObject({ ...change, kind: z.literal('delete') }),
  z.strictObject({ ...change, kind: z.literal('reaction'), emoji: z.string(), on: z.boolean(), count: z.number().int() }),
]);
export const historyPage = z.strictObject({ messages: z.array(logEntry), hasMore: z.boolean(), historyStart: z.number().int().optional() }) satisfies z.ZodType<HistoryPage>;
export const searchPage = z.strictObject({ messages: z.array(chatMessage), hasMore: z.boolean() }) satisfies z.ZodType<SearchPage>;
export const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    retryAfterMs: z.number().optional(),
  }) satisfies z.ZodType<ErrorPayload>,
});
export const deleteEntry = z.strictObject({ id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time, kind: z.literal('delete') });

/** The schemas that become `#/components/schemas/<name>`, referred to with `ref(name)`. */
export const namedSchemas = { Member: member, ImageInfo: imageInfo, ChatMessage: chatMessage, ModerationEntry: moderationEntry, LogEntry: logEntry, HistoryPage: historyPage, SearchPage: searchPage, Error: errorBody };
export type SchemaName = keyof typeof namedSchemas;
