/**
 * Stored rows as the protocol's objects: the one place that knows both the columns and the wire
 * form (log entries, messages, images, reactions, reply quotes, members, read positions), so a
 * column or a field changes here and nowhere else.
 */
import type { Knex } from 'knex';
import {
  BOT_AUTHOR_PREFIX,
  HTTP_PATHS,
  quoteExcerpt,
  type ChangeEntry,
  type ChatMessage,
  type EntryKind,
  type ImageInfo,
  type ImageType,
  type LogEntry,
  type Member,
  type MessageKind,
  type ModerationEntry,
  type Reaction,
  type ReplyQuote,
} from '@roomchat/protocol';
import type { Database, ImageRow, MessageRow, RoomRow } from '../db.js';
import type { EntryData } from '../message-writer.js';
import type { RoomRecord } from '../rooms.js';

/** A stored message with the description (never the bytes) of its image, as queries return it. */
export type MessageWithImage = MessageRow & Partial<Pick<ImageRow, 'mime' | 'width' | 'height' | 'size'>>;

/** Messages joined to their image's description. */
export function selectMessages(db: Database | Knex.Transaction) {
  return db<MessageWithImage>('messages')
    .leftJoin('images', 'images.id', 'messages.image_id')
    .select('messages.*', 'images.mime', 'images.width', 'images.height', 'images.size');
}

/** What a row shows beyond its own columns: its reactions and its reply's quote, as they are now. */
export interface RowExtras {
  image?: ImageInfo | undefined;
  /** Signs an image path (a private room's: image-urls.ts). */
  signUrl?: ((path: string) => string) | undefined;
  reactions?: Reaction[] | undefined;
  replyTo?: ReplyQuote | undefined;
}

const isChangeKind = (kind: string) => kind === 'edit' || kind === 'delete' || kind === 'reaction';
const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** The entry's `data`, parsed (null and malformed as none). */
export function entryData(row: Pick<MessageRow, 'data'>): EntryData {
  if (!row.data) return {};
  try {
    return JSON.parse(row.data) as EntryData;
  } catch {
    return {};
  }
}

/** The wire form of a stored log entry: a message, or a change to one. */
export function toLogEntry(room: RoomRecord, row: MessageWithImage, extras?: RowExtras): LogEntry {
  if (row.kind === 'moderation') return toModerationEntry(room, row);
  if (!isChangeKind(row.kind)) return toChatMessage(room, row, extras?.image, extras);
  const base = { id: String(row.id), roomCode: room.code, seq: Number(row.seq), author: row.author, target: String(row.target_id), createdAt: iso(row.created_at) };
  const withAuthor = row.author_id === null ? base : { ...base, authorId: row.author_id };
  const kind = row.kind as EntryKind;
  if (kind === 'edit') return row.text === null ? { ...withAuthor, kind } : { ...withAuthor, kind, text: row.text };
  if (kind === 'delete') return { ...withAuthor, kind };
  const data = entryData(row);
  return { ...withAuthor, kind: 'reaction', emoji: data.emoji ?? '', on: data.on ?? false, count: data.count ?? 0 } satisfies ChangeEntry;
}

/** The wire form of a stored moderation entry: its own fields are in `data`. */
export function toModerationEntry(room: RoomRecord, row: MessageWithImage): ModerationEntry {
  const own = entryData(row).moderation ?? { action: 'lock' };
  const entry: ModerationEntry = { kind: 'moderation', id: String(row.id), roomCode: room.code, seq: Number(row.seq), author: row.author, ...own, createdAt: iso(row.created_at) };
  if (row.author_id !== null) entry.authorId = row.author_id;
  return entry;
}

/** The wire form of a stored message; `image` saves the lookup when the caller has it. */
export function toChatMessage(room: RoomRecord, row: MessageWithImage, image?: ImageInfo, extras?: RowExtras): ChatMessage {
  const message: ChatMessage = {
    id: String(row.id),
    roomCode: room.code,
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    author: row.author,
    createdAt: iso(row.created_at),
  };
  if (row.author_id !== null) message.authorId = row.author_id;
  if (row.author_id?.startsWith(BOT_AUTHOR_PREFIX)) message.bot = true;
  if (row.text !== null) message.text = row.text;
  if (row.client_id !== null) message.clientId = row.client_id;
  if (image) message.image = image;
  else if (row.image_id !== null && row.mime) {
    message.image = imageInfo({ id: row.image_id, mime: row.mime, width: row.width!, height: row.height!, size: row.size! }, extras?.signUrl);
  }
  if (row.version !== null && row.version !== undefined) message.version = Number(row.version);
  if (row.edited_at !== null && row.edited_at !== undefined) message.editedAt = iso(row.edited_at);
  if (row.deleted_at !== null && row.deleted_at !== undefined) message.deletedAt = iso(row.deleted_at);
  if (row.data) {
    const data = entryData(row);
    if (data.mentions?.length) message.mentions = data.mentions;
  }
  if (row.hidden_at !== null && row.hidden_at !== undefined && message.deletedAt === undefined) message.hidden = true;
  if (extras?.replyTo) message.replyTo = extras.replyTo;
  if (extras?.reactions?.length) message.reactions = extras.reactions;
  return message;
}

/** How a reply quotes its target as the target is now. */
export function quoteOf(target: Pick<MessageRow, 'id' | 'author' | 'text'> & { deleted_at?: number | string | null | undefined; hidden_at?: number | string | null | undefined }): ReplyQuote {
  const quote: ReplyQuote = { id: String(target.id), author: target.author };
  if (target.deleted_at !== null && target.deleted_at !== undefined) quote.deleted = true;
  // A message hidden after reports is not quoted: a reply would show its text to everyone.
  else if (target.text !== null && (target.hidden_at === null || target.hidden_at === undefined)) quote.excerpt = quoteExcerpt(target.text);
  return quote;
}

/** The public description of a stored image. */
export function imageInfo(row: Pick<ImageRow, 'id' | 'mime' | 'width' | 'height' | 'size'>, signUrl: (path: string) => string = (path) => path): ImageInfo {
  return {
    id: row.id,
    mime: row.mime as ImageType,
    width: row.width,
    height: row.height,
    size: row.size,
    url: signUrl(HTTP_PATHS.image(row.id)),
    thumbUrl: signUrl(HTTP_PATHS.thumbnail(row.id)),
  };
}

/** One emoji's reactions on one message, counted by the database (`mine`: how many are the viewer's). */
export interface ReactionCountRow {
  message_id: number | string;
  emoji: string;
  n: number | string;
  mine: number | string;
}

/** Counted reactions as each message's list, by message id, emojis in code point order. */
export function toReactions(rows: ReactionCountRow[]): Map<string, Reaction[]> {
  const reactions = new Map<string, Reaction[]>();
  for (const r of rows) {
    const list = reactions.get(String(r.message_id)) ?? [];
    list.push({ emoji: r.emoji, count: Number(r.n), mine: Number(r.mine) > 0 });
    reactions.set(String(r.message_id), list);
  }
  for (const list of reactions.values()) list.sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0));
  return reactions;
}

export function toRoom(row: Pick<RoomRow, 'id' | 'app_id' | 'code' | 'created_at' | 'key' | 'is_private'> & { title?: string | null }): RoomRecord {
  const room: RoomRecord = { id: Number(row.id), appId: row.app_id, code: row.code, createdAt: iso(row.created_at) };
  if (row.title) room.title = row.title;
  if (row.key) room.key = row.key;
  if (row.is_private) room.private = true;
  return room;
}

/** A member recorded as present (present_members), as the member list shows it. */
export function toPresentMember(row: { member_id: string; name: string; profile?: string | null }): Member {
  const profile = row.profile ? (JSON.parse(row.profile) as Pick<Member, 'verified' | 'userId' | 'avatarUrl'>) : {};
  return { id: row.member_id, name: row.name, ...profile };
}

/** Stored read positions (read_positions) by member id. */
export function toReadPositions(rows: Array<{ member_id: string; seq: number | string }>): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.member_id, Number(r.seq)]));
}
