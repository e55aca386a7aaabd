/**
 * The Roomchat wire protocol, defined once: log entries, snapshots, default limits and HTTP paths
 * here; payloads (payloads.ts), moderation (moderation.ts) and the Socket.IO event maps
 * (events.ts) beside it, re-exported from here. The server and the SDK both import it, so a change
 * here is a change on both sides.
 *
 * Events are `domain:verb`; each takes one object and, from client to server, answers through a
 * Socket.IO acknowledgement with an `Ack` (acks.ts).
 */

import type { ModerationEntry, Role, RoomModerationState } from './moderation.js';

/** Default limits. The server's effective limits are sent in every {@link RoomSnapshot}. */
export const DEFAULT_LIMITS = {
  /** Display name length, in characters after trimming. */
  nameMaxLength: 40,
  /** Message text length, in characters (Unicode code points). */
  messageMaxLength: 4000,
  /** Client message id length. */
  clientIdMaxLength: 64,
  /** History page size when none is asked for. */
  historyPageSize: 50,
  /** Largest history page a client may ask for. */
  historyMaxPageSize: 200,
  /** Largest image upload, in bytes. */
  imageMaxBytes: 10 * 1024 * 1024,
  /** Largest decoded image, in pixels (width x height x frames); beyond it the upload is refused. */
  imageMaxPixels: 50_000_000,
} as const;

/** The limits a server enforces, as sent to clients. */
export type Limits = { [K in keyof typeof DEFAULT_LIMITS]: number };

/** Room codes use this alphabet: no 0/O, 1/I/L, so a code read aloud or copied by hand survives. */
export const ROOM_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Default room code length: 31^8 ≈ 8.5e11 codes. */
export const DEFAULT_ROOM_CODE_LENGTH = 8;

/** The longest room key a site may give (`openRoom({ key })`, `room-key`): room for a slug or a UUID with a prefix. */
export const ROOM_KEY_MAX_LENGTH = 128;
/**
 * What a room key may hold: ASCII letters, digits and `.`, `_`, `-`, `:`, `@`, starting with a
 * letter or digit. Safe in a URL path segment, a header, an HTML attribute and a log line, as is.
 */
export const ROOM_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
/** Keys of direct conversations start with it; a site's own keys may not. */
export const DIRECT_KEY_PREFIX = 'dm:';

/** The image types the server accepts, by MIME type. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** A stored image, as referenced by an image message. URLs are paths on the server. */
export interface ImageInfo {
  id: string;
  mime: ImageType;
  width: number;
  height: number;
  /** Bytes of the re-encoded original. */
  size: number;
  /** Path of the full-size image, e.g. `/v1/images/abc`. The SDK makes it absolute. */
  url: string;
  /** Path of the thumbnail (WebP, at most 320 px on its long side). */
  thumbUrl: string;
}

/** What a message is: something someone said, an image, or a system line for a join or leave. */
export type MessageKind = 'text' | 'image' | 'join' | 'leave';
/** Log entries that change a message shown earlier (its `target`) instead of adding one. */
export type ChangeKind = 'edit' | 'delete' | 'reaction';
/** Every kind of entry in a room's event log: messages, changes to them, and moderation actions. */
export type EntryKind = MessageKind | ChangeKind | 'moderation';
/** The change kinds, for telling entries apart at run time. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['edit', 'delete', 'reaction'];

/** The quote a reply carries of the message it answers, as that message is now. */
export interface ReplyQuote {
  /** The id of the message replied to. */
  id: string;
  author: string;
  /** The start of its text ({@link quoteExcerpt}); absent for an image or a deleted message. */
  excerpt?: string;
  /** Set once the message replied to was deleted. */
  deleted?: true;
}

/** One emoji's reactions on a message. */
export interface Reaction {
  emoji: string;
  count: number;
  /** Whether the member reading (the room's `self`) is one of them. */
  mine: boolean;
}

/** Longest excerpt a reply quotes, in code points. */
export const QUOTE_EXCERPT_LENGTH = 120;
/** The excerpt a reply quotes of `text`: its first {@link QUOTE_EXCERPT_LENGTH} code points. */
export function quoteExcerpt(text: string): string {
  const points = [...text];
  return points.length <= QUOTE_EXCERPT_LENGTH ? text : points.slice(0, QUOTE_EXCERPT_LENGTH).join('') + '…';
}
/** How long a typing signal lasts without a refresh; the SDK refreshes it at most every {@link TYPING_REFRESH_MS}. */
export const TYPING_EXPIRY_MS = 6000;
export const TYPING_REFRESH_MS = 3000;

/** A stored message. `seq` increases by one per message within a room, with no gaps. */
export interface ChatMessage {
  /** Server id, unique across rooms. */
  id: string;
  roomCode: string;
  seq: number;
  kind: MessageKind;
  /** Display name of the author (for join/leave: of the member who came or went). */
  author: string;
  /**
   * The author's `Member.id`, set by the server from the sender's membership, so a client can
   * tell its own messages (`authorId === room.self.id`) and nobody can pass one off as another's.
   * Absent on messages posted over HTTP and on those stored before the field existed.
   */
  authorId?: string;
  /** Posted by the site's backend under a bot or system name (REST with the app secret), not by a member. */
  bot?: true;
  /** The text of a `text` message; absent for others. */
  text?: string;
  /** The image of an `image` message; absent for others. */
  image?: ImageInfo;
  /** The sender's own id for the message, used to deduplicate re-sends. */
  clientId?: string;
  /** Server time, ISO 8601. */
  createdAt: string;
  /**
   * The seq of the newest log entry folded into this message (its own seq until it is edited,
   * deleted or reacted to). A change entry applies only if its seq is greater: see docs/api.md.
   * Absent means `seq`.
   */
  version?: number;
  /** When the text was last edited (ISO 8601); absent if never. */
  editedAt?: string;
  /** Set when the message was deleted: a tombstone, without text, image, reactions or quote. */
  deletedAt?: string;
  /** The message this one replies to, quoted as it is now. */
  replyTo?: ReplyQuote;
  /** Reactions by emoji, in the order first given; absent when there are none. */
  reactions?: Reaction[];
  /** The `Member.id`s of present members named as `@name` in the text. */
  mentions?: string[];
  /**
   * Hidden after enough reports, until a moderator decides (docs/moderation.md). Others receive it
   * without text or image; moderators receive it whole, to judge it.
   */
  hidden?: true;
}

interface ChangeBase {
  id: string;
  roomCode: string;
  seq: number;
  /** Who made the change (display name and member id). */
  author: string;
  authorId?: string;
  /** The id of the message changed. */
  target: string;
  createdAt: string;
  /** An edit's new text; absent for other changes. */
  text?: string;
  /**
   * Change entries have no image and no client id; declared so that code going through a page's
   * entries may read them from any entry, as it could when every entry was a message.
   */
  image?: undefined;
  clientId?: undefined;
}
/** The target's text became `text` (absent once the target was deleted: its text is gone too). */
export interface EditEntry extends ChangeBase {
  kind: 'edit';
}
/** The target was deleted: it becomes a tombstone. */
export interface DeleteEntry extends ChangeBase {
  kind: 'delete';
}
/** `authorId` added (`on`) or removed an `emoji` on the target, which now has `count` of it. */
export interface ReactionEntry extends ChangeBase {
  kind: 'reaction';
  emoji: string;
  on: boolean;
  count: number;
}
/** An entry that changes an earlier message. */
export type ChangeEntry = EditEntry | DeleteEntry | ReactionEntry;
/**
 * One entry of a room's event log, as delivered (`message:created`) and paged (history): a
 * message, a change to one, or a moderation action. Seqs count every entry, so catching up by seq
 * brings them all.
 */
export type LogEntry = ChatMessage | ChangeEntry | ModerationEntry;

/** Whether a log entry changes an earlier message rather than being one. */
export function isChange(entry: LogEntry): entry is ChangeEntry {
  return (CHANGE_KINDS as readonly string[]).includes(entry.kind);
}
/** Whether a log entry is a moderation action (neither a message nor a change to one). */
export function isModeration(entry: LogEntry): entry is ModerationEntry {
  return entry.kind === 'moderation';
}

/** Someone present in a room. One member may have several connections (tabs). */
export interface Member {
  /**
   * Stable for the member's session; derived from, but not revealing, the client's `memberId`.
   * For a verified user, derived from the app and the token's `sub`, so all of that user's tabs
   * and devices are one member.
   */
  id: string;
  name: string;
  /** Set when the host site vouched for this member with a signed token; absent for guests. */
  verified?: true;
  /** A verified member's id in the host's system (the token's `sub`). */
  userId?: string;
  /** A verified member's avatar (the token's `picture`, http or https only). */
  avatarUrl?: string;
  /** The member's role in the room; absent for a plain member. */
  role?: Role;
}

/** What joining or creating a room answers with. */
export interface RoomSnapshot {
  code: string;
  /** The title the room was created with, if any (1..`ROOM_TITLE_MAX_LENGTH` characters). */
  title?: string;
  /** The site's key of the room, for a room opened or created by key. */
  key?: string;
  createdAt: string;
  /** The member this connection joined as. */
  self: Member;
  members: Member[];
  /**
   * The newest page of the room's log, oldest first: messages as they are now, and the change
   * entries among them (see {@link LogEntry}).
   */
  messages: LogEntry[];
  /** Whether older messages than `messages[0]` exist. */
  hasMore: boolean;
  limits: Limits;
  /** The seq up to which this member has read (`read:mark`), 0 if never; it is stored. */
  readSeq?: number;
  /** How far each present member (self included) has read, by `Member.id`. */
  readPositions?: Record<string, number>;
  /** The room's moderation state: locked, slow mode, closed (docs/moderation.md). */
  moderation?: RoomModerationState;
}

/** A page of the log, oldest first: messages as they are now, change entries as they were made. */
export interface HistoryPage {
  messages: LogEntry[];
  /**
   * Whether more messages lie beyond this page in the direction asked: older than the first
   * (newest page, `before`), or newer than the last (`after`).
   */
  hasMore: boolean;
  /**
   * Where the room's log now starts, when retention (docs/operating.md#retention) has deleted its
   * older entries and this page reaches back to them: entries with a lower seq are gone for good,
   * so a client catching up from before it treats them as no gap. Absent when nothing was deleted.
   */
  historyStart?: number;
}

export * from './payloads.js';
export * from './moderation.js';
export * from './events.js';

/** HTTP routes, relative to the server URL. */
export const HTTP_PATHS = {
  rooms: '/v1/rooms',
  room: (code: string) => `/v1/rooms/${encodeURIComponent(code)}`,
  roomMessages: (code: string) => `/v1/rooms/${encodeURIComponent(code)}/messages`,
  roomSearch: (code: string, query: string) => `/v1/rooms/${encodeURIComponent(code)}/search?q=${encodeURIComponent(query)}`,
  roomImages: (code: string) => `/v1/rooms/${encodeURIComponent(code)}/images`,
  image: (id: string) => `/v1/images/${encodeURIComponent(id)}`,
  thumbnail: (id: string) => `/v1/images/${encodeURIComponent(id)}/thumbnail`,
} as const;

/**
 * Canonical form of a typed room code: upper case, with spaces and dashes removed, so
 * "abcd-efgh" and "ABCDEFGH" name the same room.
 */
export function normalizeRoomCode(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}
