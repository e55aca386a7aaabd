import type { ChatMessage, ConnectionState, ErrorCode, Member } from '@roomchat/sdk';

/** Detail of `chat-ready`: the visitor is in a room and its history is shown. */
export interface ChatReadyDetail {
  /** The room's code. */
  room: string;
  /** The member the visitor joined as. */
  self: Member;
  /** Whether the visitor created the room (rather than joining it by code). */
  created: boolean;
}

/** Detail of `chat-message`: a new message was stored in the room (the visitor's own ones included). */
export interface ChatMessageDetail {
  room: string;
  message: ChatMessage;
  /** Whether the visitor sent it. */
  own: boolean;
}

/** Detail of `chat-join` and `chat-leave`: someone came or went (`self` when it is the visitor). */
export interface ChatMemberDetail {
  room: string;
  member: Member;
  self: boolean;
}

/** Detail of `chat-error`: something failed that the visitor was told about. */
export interface ChatErrorDetail {
  /** A stable code (see `ErrorCode` in @roomchat/sdk). */
  code: ErrorCode;
  message: string;
  /**
   * What was being done: `join`, `create`, `send`, `upload`, `history`, `leave`, `connection`, or
   * an action on a message: `edit`, `delete`, `react`.
   */
  action: ChatErrorAction;
}

export type ChatErrorAction = 'join' | 'create' | 'send' | 'upload' | 'history' | 'leave' | 'connection' | 'edit' | 'delete' | 'react' | 'report' | 'moderate';

/** Detail of `chat-connection`: the connection state changed. */
export interface ChatConnectionDetail {
  state: ConnectionState;
}

export type ChatReadyEvent = CustomEvent<ChatReadyDetail>;
export type ChatMessageEvent = CustomEvent<ChatMessageDetail>;
export type ChatJoinEvent = CustomEvent<ChatMemberDetail>;
export type ChatLeaveEvent = CustomEvent<ChatMemberDetail>;
export type ChatErrorEvent = CustomEvent<ChatErrorDetail>;
export type ChatConnectionEvent = CustomEvent<ChatConnectionDetail>;

/** Every event `<chat-room>` dispatches, by name. */
export interface ChatRoomEventMap {
  'chat-ready': ChatReadyEvent;
  'chat-message': ChatMessageEvent;
  'chat-join': ChatJoinEvent;
  'chat-leave': ChatLeaveEvent;
  'chat-error': ChatErrorEvent;
  'chat-connection': ChatConnectionEvent;
}

/** Detail type of an event of the map. */
export type ChatRoomEventDetail<K extends keyof ChatRoomEventMap> = ChatRoomEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Builds one of the element's events: they bubble and are composed, so a page can listen on the
 * element, on an ancestor or on `document`, across shadow roots.
 */
export function chatEvent<K extends keyof ChatRoomEventMap>(name: K, detail: ChatRoomEventDetail<K>): ChatRoomEventMap[K] {
  return new CustomEvent(name, { detail, bubbles: true, composed: true }) as ChatRoomEventMap[K];
}

declare global {
  // Lets `el.addEventListener('chat-message', (e) => e.detail.message)` type-check.
  interface GlobalEventHandlersEventMap extends ChatRoomEventMap {}
}
