// The Socket.IO event maps: what each side may emit, with the payload and ack of each event.
// The shapes they are made of live in protocol.ts, payloads.ts, moderation.ts and acks.ts.
import type { Ack } from './acks.js';
import type { ReportCreatePayload, ReportDecidePayload, ReportListPayload, ReportSummary, RoomModeratePayload, RoomRemovedEvent, AuthRefreshPayload, DirectOpenPayload, MemberEvent, MessageDeletePayload, MessageEditPayload, MessageHistoryPayload, MessageSearchPayload, MessageSendPayload, ReactionPayload, ReadEvent, ReadMarkPayload, RoomCreatePayload, RoomJoinPayload, RoomLeavePayload, RoomOpenPayload, RoomSummary, SearchPage, TypingEvent, TypingPayload, DirectMemberPayload, DirectMessageEvent, RoomListPayload } from './payloads.js';
import type { ChatMessage, DeleteEntry, EditEntry, HistoryPage, LogEntry, ReactionEntry, RoomSnapshot } from './protocol.js';
import type { ModerationEntry } from './moderation.js';

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
