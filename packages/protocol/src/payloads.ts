// The payloads of the client's requests and of the server's events, and the handshake's auth:
// the shapes the event maps in protocol.ts are made of.
import type { ErrorCode } from './acks.js';
import type { ChatMessage, Member, Role } from './protocol.js';

export interface JoinOptions {
  /**
   * Display name, 1..40 characters: required of guests (NAME_INVALID without it), ignored for a
   * verified user, whose name comes from the token.
   */
  name?: string;
  /**
   * The member's session id (random, chosen by the client). Several connections with the same id
   * count as one member, and a reconnect within the grace period is not shown as leave + join.
   */
  memberId?: string;
}

/** The longest room title, in characters (code points). */
export const ROOM_TITLE_MAX_LENGTH = 80;

export interface RoomCreatePayload extends JoinOptions {
  /** An optional title shown with the room's code, e.g. "Order #1234". */
  title?: string;
}
export interface RoomJoinPayload extends JoinOptions {
  code: string;
}
/** Opens the app's room with this key, creating it when the app's `roomCreation` setting allows. */
export interface RoomOpenPayload extends JoinOptions {
  key: string;
}
/** Opens the one private room of the connection's verified user and another user of the app. */
export interface DirectOpenPayload {
  /** The other user's id (the `sub` the host signs for them). */
  userId: string;
  memberId?: string;
}
/**
 * Opens the direct conversation of this connection's member of room `code` and another member of
 * that room (guests included), chosen from the member list by their `Member.id`. The connection
 * joins it as the same member it is in `code`; only those two members may ever enter it (a guest
 * by re-joining with the same private memberId, a verified user by its `sub`).
 */
export interface DirectMemberPayload {
  /** The room both are members of, joined by this connection. */
  code: string;
  /** The other member's `Member.id` in that room. */
  member: string;
}
/**
 * Asks for the connection's conversation list. A verified user's comes from its token; a guest
 * names the private member ids it joins rooms with (it alone knows them), up to 20.
 */
export interface RoomListPayload {
  memberIds?: string[];
}
/** The most private member ids a guest's `room:list` may name. */
export const ROOM_LIST_MEMBER_IDS_MAX = 20;
/** A message in a direct conversation of a member that this connection has not joined. */
export interface DirectMessageEvent {
  roomCode: string;
  message: ChatMessage;
  /** Which member of the connection's it is for (its `Member.id`): the one to join the room as. */
  memberId: string;
}
/** A room of a visitor's conversation list (`room:list`). */
export interface RoomSummary {
  code: string;
  key?: string;
  /** The title the room was created with, if any. */
  title?: string;
  private: boolean;
  /**
   * For a direct conversation: the other one, a user (by `sub`) or, for one opened from a room's
   * member list with a guest, a member (by `Member.id`), with the name it last had.
   */
  direct?: { userId: string } | { memberId: string; name?: string };
  /** The newest text or image message not deleted. */
  lastMessage?: ChatMessage;
  /** Messages of others after the user's read position. */
  unread: number;
}
export interface RoomLeavePayload {
  code: string;
}
interface SendBase {
  code: string;
  /** The client's id for this message; re-sending the same id returns the stored original. */
  clientId: string;
}
export type MessageSendPayload = ((SendBase & { text: string }) | (SendBase & { imageId: string })) & {
  /** The id of a message of the room this one replies to. */
  replyTo?: string;
};
/** Edit one's own text message (within the server's `editWindowMs`). */
export interface MessageEditPayload {
  code: string;
  id: string;
  text: string;
}
/** Delete one's own message: its text or image is erased from storage, a tombstone stays. */
export interface MessageDeletePayload {
  code: string;
  id: string;
}
/** Add or remove this member's `emoji` on a message. */
export interface ReactionPayload {
  code: string;
  id: string;
  emoji: string;
}
/** This member is typing in the room (repeat every few seconds while it lasts). */
export interface TypingPayload {
  code: string;
}
/** This member has read the room up to `seq`; positions only move forward. */
export interface ReadMarkPayload {
  code: string;
  seq: number;
}
/** Who is typing: sent for each `typing:start`, lasting {@link TYPING_EXPIRY_MS} unless repeated. */
export interface TypingEvent {
  roomCode: string;
  member: Member;
}
/** A member's read position moved (for "seen by"). */
export interface ReadEvent {
  roomCode: string;
  memberId: string;
  seq: number;
}
/**
 * A page of history. With `before`: the newest `limit` messages older than it. With `after`: the
 * oldest `limit` messages newer than it (catching up). With neither: the newest page.
 */
export interface MessageHistoryPayload {
  code: string;
  before?: number;
  after?: number;
  limit?: number;
}

/**
 * Searches a room's messages by words: each word must appear, as a word or the start of one
 * ("mee" finds "meeting"); case is ignored, quotes and operators are plain text. Newest first;
 * `before` (a seq) pages to older results.
 */
export interface MessageSearchPayload {
  code: string;
  query: string;
  before?: number;
}

/** A page of search results: text messages as they are now (edited, with reactions), newest first. */
export interface SearchPage {
  messages: ChatMessage[];
  /** Whether older messages also match: ask again with `before` the last one's seq. */
  hasMore: boolean;
}

export interface MemberEvent {
  roomCode: string;
  member: Member;
}

/**
 * What a client puts in the Socket.IO handshake's `auth`: the app it belongs to (absent: the
 * server's default app) and, for a user the host site signed in, the host's signed token.
 */
export interface HandshakeAuth {
  app?: string;
  token?: string;
}

/**
 * What a refused handshake's `connect_error` carries as `data`: the same `{ code, message }` as a
 * failed ack (AUTH_REQUIRED, AUTH_INVALID, AUTH_EXPIRED, ORIGIN_NOT_ALLOWED, UNAVAILABLE).
 */
export interface ConnectErrorData {
  code: ErrorCode;
  message: string;
}

/** Replaces the connection's identity token with a fresh one for the same user, before the old one expires. */
export interface AuthRefreshPayload {
  token: string;
}

/** The HTTP header that names the app on REST requests (absent: the default app). */
export const APP_HEADER = 'Roomchat-App';
/**
 * A guest's private member id on an image upload: a direct conversation admits a guest by it (the
 * member it is in the room the conversation was opened from), as its socket join does.
 */
export const MEMBER_HEADER = 'Roomchat-Member';
/**
 * The `Authorization` scheme of the app secret, for a site's backend: `Roomchat-Secret <secret>`.
 * A scheme of its own, not `Bearer`, so a secret is never taken for a user's token or the other
 * way round (docs/api.md#server-to-server).
 */
export const APP_SECRET_SCHEME = 'Roomchat-Secret';
/** Author ids of bot posts start with it; member ids (hashes, base64url) never hold a colon. */
export const BOT_AUTHOR_PREFIX = 'bot:';

/** The longest reason a moderator or a reporter may give, in characters. */
export const MODERATION_REASON_MAX_LENGTH = 500;

/**
 * A moderation action on a room (`room:moderate`, and the app's REST API): see docs/moderation.md
 * for who may do which. A member is named by its `Member.id`, or for a ban by its `userId` (a
 * verified user's `sub`), which also bans it under any other name.
 */
export type ModerationRequest =
  | { action: 'kick'; memberId: string; reason?: string }
  | { action: 'ban'; memberId?: string; userId?: string; reason?: string; durationMs?: number }
  | { action: 'unban'; memberId?: string; userId?: string }
  | { action: 'mute'; memberId: string; durationMs: number; reason?: string }
  | { action: 'unmute'; memberId: string }
  /** Promote (`moderator`), demote (`member`) or hand the room over (`owner`: the current owner becomes a moderator). */
  | { action: 'role'; memberId: string; role: Exclude<Role, 'admin'> }
  | { action: 'lock'; locked: boolean }
  | { action: 'slow-mode'; seconds: number }
  | { action: 'rotate-code' }
  | { action: 'close'; reason?: string };
export type RoomModeratePayload = { code: string } & ModerationRequest;

/** Reports a message of the room to its moderators. */
export interface ReportCreatePayload {
  code: string;
  /** The message's id. */
  id: string;
  reason: string;
}
export interface ReportListPayload {
  code: string;
}
/** A moderator's decision on a reported message: `keep` shows it again, `remove` deletes it. */
export interface ReportDecidePayload {
  code: string;
  id: string;
  decision: 'keep' | 'remove';
}
/** A reported message awaiting a decision, with its reports. */
export interface ReportSummary {
  /** The message as it is now (whole: only moderators read the queue). */
  message: ChatMessage;
  reports: { reporterId: string; reason: string; createdAt: string }[];
  /** Whether it is hidden from members (reports reached the app's `reportsToHide`). */
  hidden: boolean;
}

/** Why a connection was taken out of a room by the server. */
export type RemovalReason = 'kicked' | 'banned' | 'closed';
/** `room:removed`: this connection is no longer in the room; the SDK closes the Room. */
export interface RoomRemovedEvent {
  roomCode: string;
  reason: RemovalReason;
  /** The moderator's reason, when one was given. */
  message?: string;
}
