/**
 * The Roomchat wire protocol, defined once: Socket.IO event maps, payloads, log entries, default
 * limits and HTTP paths. The server and the SDK both import it, so a change here is a change on
 * both sides.
 *
 * Events are `domain:verb`; each takes one object and, from client to server, answers through a
 * Socket.IO acknowledgement with an {@link Ack} (acks.ts).
 */

import type { Ack } from './acks.js';
import type { ReportCreatePayload, ReportDecidePayload, ReportListPayload, ReportSummary, RoomModeratePayload, RoomRemovedEvent, AuthRefreshPayload, DirectOpenPayload, MemberEvent, MessageDeletePayload, MessageEditPayload, MessageHistoryPayload, MessageSearchPayload, MessageSendPayload, ReactionPayload, ReadEvent, ReadMarkPayload, RoomCreatePayload, RoomJoinPayload, RoomLeavePayload, RoomOpenPayload, RoomSummary, SearchPage, TypingEvent, TypingPayload, DirectMemberPayload, DirectMessageEvent, RoomListPayload } from './payloads.js';

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

/**
 * A member's role in a room (docs/moderation.md): the room's `owner` (its creator, or a user the
 * app named), a `moderator` the owner promoted, an `admin` of the app (token role `admin`), or a
 * plain `member`.
 */
export type Role = 'owner' | 'moderator' | 'admin' | 'member';

/**
 * What a moderation entry did. `kick`, `ban`, `unban`, `mute`, `unmute`, `role` target a member
 * (`target`: its `Member.id`); `hide`, `unhide` a message (`target`: its id); the others the room.
 */
export type ModerationAction =
  | 'kick'
  | 'ban'
  | 'unban'
  | 'mute'
  | 'unmute'
  | 'role'
  | 'lock'
  | 'unlock'
  | 'slow-mode'
  | 'code-rotated'
  | 'close'
  | 'hide'
  | 'unhide';

/** A moderation action, as an entry of the room's log: clients fold it like any other change. */
export interface ModerationEntry {
  kind: 'moderation';
  id: string;
  roomCode: string;
  seq: number;
  /** Who acted (display name and member id; a bot id for the app's backend). */
  author: string;
  authorId?: string;
  action: ModerationAction;
  /** The member (kick, ban, mute, role...) or the message (hide, unhide) acted on. */
  target?: string;
  /** The reason given, shown to the member concerned. */
  reason?: string;
  /** mute: until when (ISO 8601); ban: until when, absent for good. */
  until?: string;
  /** slow-mode: seconds between a member's messages, 0 for off. */
  seconds?: number;
  /** role: the target's new role. */
  role?: Role;
  /** code-rotated: the room's new code (the old one no longer opens it). */
  code?: string;
  /** unhide: the message as it is now, for clients that were given it without text. */
  message?: ChatMessage;
  createdAt: string;
  text?: undefined;
  image?: undefined;
  clientId?: undefined;
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

/** What a room's moderators set for it, as a snapshot carries it. */
export interface RoomModerationState {
  locked: boolean;
  /** Seconds between one member's messages, 0 when slow mode is off. */
  slowModeSeconds: number;
  /** When this member's mute ends (ISO 8601), when it is muted now. */
  mutedUntil?: string;
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

/** Events the client emits. Each ends with an ack callback. */
export interface ClientToServerEvents {
  'room:create': (payload: RoomCreatePayload, ack: (res: Ack<{ room: RoomSnapshot }>) => void) => void;
  'room:join': (payload: RoomJoinPayload, ack: (res: Ack<{ room: RoomSnapshot }>) => void) => void;
  /** Joins the app's room with a key (ROOM_NOT_FOUND when there is none and this client may not create it). */
  'room:open': (payload: RoomOpenPayload, ack: (res: Ack<{ room: RoomSnapshot }>) => void) => void;
  /** A verified user's direct conversation with `userId`: the same room from both sides, created on first use. */
  'direct:open': (payload: DirectOpenPayload, ack: (res: Ack<{ room: RoomSnapshot }>) => void) => void;
  /**
   * A room's member opens a direct conversation with another member of it (guests included).
   * NOT_A_MEMBER: this connection has not joined `code`; MEMBER_NOT_FOUND: the other is not present
   * in it; INVALID_PAYLOAD: the other is oneself.
   */
  'direct:member': (payload: DirectMemberPayload, ack: (res: Ack<{ room: RoomSnapshot }>) => void) => void;
  /**
   * The visitor's rooms (private and direct rooms it is listed in, and the rooms it joined), newest
   * activity first. Budgeted per address (`roomListsPerWindow`).
   */
  'room:list': (payload: RoomListPayload, ack: (res: Ack<{ rooms: RoomSummary[] }>) => void) => void;
  'room:leave': (payload: RoomLeavePayload, ack: (res: Ack) => void) => void;
  'message:send': (payload: MessageSendPayload, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'message:history': (payload: MessageHistoryPayload, ack: (res: Ack<HistoryPage>) => void) => void;
  /** Rate-limited per connection and per address (`searchesPerWindow`). */
  'message:search': (payload: MessageSearchPayload, ack: (res: Ack<SearchPage>) => void) => void;
  'message:edit': (payload: MessageEditPayload, ack: (res: Ack<{ entry: EditEntry }>) => void) => void;
  'message:delete': (payload: MessageDeletePayload, ack: (res: Ack<{ entry: DeleteEntry }>) => void) => void;
  'reaction:add': (payload: ReactionPayload, ack: (res: Ack<{ entry: ReactionEntry }>) => void) => void;
  'reaction:remove': (payload: ReactionPayload, ack: (res: Ack<{ entry: ReactionEntry }>) => void) => void;
  /** Never stored and never given a seq; rate-limited per connection. */
  'typing:start': (payload: TypingPayload, ack: (res: Ack) => void) => void;
  'read:mark': (payload: ReadMarkPayload, ack: (res: Ack<{ seq: number }>) => void) => void;
  /** Answers with the new token's expiry (ISO 8601); after it passes without a refresh the server closes the connection. */
  'auth:refresh': (payload: AuthRefreshPayload, ack: (res: Ack<{ expiresAt: string }>) => void) => void;
  /** A moderation action (docs/moderation.md); answers with its log entry (and for `rotate-code`, the new code in it). */
  'room:moderate': (payload: RoomModeratePayload, ack: (res: Ack<{ entry: ModerationEntry }>) => void) => void;
  /** Reports a message; `hidden` tells whether it is now hidden from members. One report per member and message. */
  'report:create': (payload: ReportCreatePayload, ack: (res: Ack<{ hidden: boolean }>) => void) => void;
  /** The room's reported messages awaiting a decision (moderators only). */
  'report:list': (payload: ReportListPayload, ack: (res: Ack<{ reports: ReportSummary[] }>) => void) => void;
  /** Decides on a reported message (moderators only): its log entry, `unhide` or a `delete`. */
  'report:decide': (payload: ReportDecidePayload, ack: (res: Ack<{ entry: ModerationEntry | DeleteEntry }>) => void) => void;
}

/** Events the server emits to the members of a room. */
export interface ServerToClientEvents {
  /**
   * A message was stored in a room this connection joined. Not sent to the connection whose
   * request stored it, whose ack carries it: a message sent (its member's other connections do
   * get it), a join line.
   */
  'message:created': (message: LogEntry) => void;
  /** Not sent to the joining connection, whose snapshot has the member. */
  'member:joined': (event: MemberEvent) => void;
  'member:left': (event: MemberEvent) => void;
  /** A member is typing (not sent to its own connection). Ephemeral: not in the log. */
  'member:typing': (event: TypingEvent) => void;
  /** A member's read position moved forward. */
  'read:updated': (event: ReadEvent) => void;
  /** This connection was taken out of the room (kicked, banned, or the room closed); it receives nothing more of it. */
  'room:removed': (event: RoomRemovedEvent) => void;
  /**
   * A message in a direct conversation of one of this connection's members, to connections that
   * have not joined it (they get `message:created`): how a conversation list learns of it.
   */
  'direct:message': (event: DirectMessageEvent) => void;
}

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
